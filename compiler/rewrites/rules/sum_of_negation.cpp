// sum(-X) -> -sum(X)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class SumOfNegation : public HopRewrite {
public:
    const char *name() const override { return "sum_of_negation"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_agg(h, kernels::AggOp::Sum, kernels::AggDir::All) ||
            !is_unary(h->inputs[0], kernels::UnaryOp::Neg))
            return nullptr;
        Hop *s =
            ctx.aggregate(kernels::AggOp::Sum, kernels::AggDir::All, "uak+", h->inputs[0]->inputs[0], h->loc);
        return ctx.unary(kernels::UnaryOp::Neg, "u-", s, h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_sum_of_negation() {
    return std::make_unique<SumOfNegation>();
}

} // namespace linea::rewrites
