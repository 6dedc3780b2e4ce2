// sum(rev(X)) -> sum(X), min/max/mean likewise; colSums(rev(X)) -> colSums(X)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class AggregateOfRev : public HopRewrite {
public:
    const char *name() const override { return "aggregate_of_rev"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Aggregate) return nullptr;
        const Hop *r = h->inputs[0];
        if (r->kind != HopKind::Reorg || r->reorg_op != rt::ReorgOp::Rev) return nullptr;
        using A = kernels::AggOp;
        if (h->agg_op != A::Sum && h->agg_op != A::Mean && h->agg_op != A::Min && h->agg_op != A::Max)
            return nullptr;
        if (h->agg_dir == kernels::AggDir::Row) return nullptr; // row results would come out reversed
        return ctx.aggregate(h->agg_op, h->agg_dir, h->opcode.c_str(), r->inputs[0], h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_aggregate_of_rev() {
    return std::make_unique<AggregateOfRev>();
}

} // namespace linea::rewrites
