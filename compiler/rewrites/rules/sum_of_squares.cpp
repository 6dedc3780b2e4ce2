// sum(X^2) -> sumSq(X)  (one pass, no X^2 materialized)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class SumOfSquares : public HopRewrite {
public:
    const char *name() const override { return "sum_of_squares"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_agg(h, kernels::AggOp::Sum, kernels::AggDir::All)) return nullptr;
        Hop *p = h->inputs[0];
        if (!is_binary(p, kernels::BinaryOp::Pow) || !p->inputs[0]->is_matrix() ||
            !is_literal_value(p->inputs[1], 2.0))
            return nullptr;
        return ctx.aggregate(kernels::AggOp::SumSq, kernels::AggDir::All, "uasqk+", p->inputs[0], h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_sum_of_squares() {
    return std::make_unique<SumOfSquares>();
}

} // namespace linea::rewrites
