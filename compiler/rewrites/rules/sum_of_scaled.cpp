// sum(s*X) -> s*sum(X), sum(X*s) -> sum(X)*s   (s scalar)
// Not sum(X/s): SystemDS does not rewrite it, and X/0 holds NaN cells (0/0) that sum(X)/0 loses.
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class SumOfScaled : public HopRewrite {
public:
    const char *name() const override { return "sum_of_scaled"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_agg(h, kernels::AggOp::Sum, kernels::AggDir::All)) return nullptr;
        Hop *b = h->inputs[0];
        if (b->kind != HopKind::Binary || !b->is_matrix()) return nullptr;
        using B = kernels::BinaryOp;
        if (b->binary_op == B::Mul && b->inputs[0]->is_scalar() && b->inputs[1]->is_matrix()) {
            Hop *s = ctx.aggregate(kernels::AggOp::Sum, kernels::AggDir::All, "uak+", b->inputs[1], h->loc);
            return ctx.binary(B::Mul, "*", b->inputs[0], s, h->loc);
        }
        if (b->binary_op == B::Mul && b->inputs[1]->is_scalar() && b->inputs[0]->is_matrix()) {
            Hop *s = ctx.aggregate(kernels::AggOp::Sum, kernels::AggDir::All, "uak+", b->inputs[0], h->loc);
            return ctx.binary(B::Mul, "*", s, b->inputs[1], h->loc);
        }
        return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_sum_of_scaled() {
    return std::make_unique<SumOfScaled>();
}

} // namespace linea::rewrites
