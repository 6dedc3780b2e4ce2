// sum(t(X)) -> sum(X)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class SumOfTranspose : public HopRewrite {
public:
    const char *name() const override { return "sum_of_transpose"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Aggregate || h->agg_dir != kernels::AggDir::All ||
            !is_transpose(h->inputs[0]))
            return nullptr;
        using A = kernels::AggOp;
        if (h->agg_op == A::Trace || h->agg_op == A::IndexMax || h->agg_op == A::IndexMin) return nullptr;
        // Cell order changes, so Kahan sums may differ in the last bits; min/max/mean/var are order-free.
        return ctx.aggregate(h->agg_op, kernels::AggDir::All, h->opcode.c_str(), h->inputs[0]->inputs[0],
                             h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_sum_of_transpose() {
    return std::make_unique<SumOfTranspose>();
}

} // namespace linea::rewrites
