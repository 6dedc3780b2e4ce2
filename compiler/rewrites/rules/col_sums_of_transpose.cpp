// colSums(t(X)) -> t(rowSums(X)), rowSums(t(X)) -> t(colSums(X))
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class ColSumsOfTranspose : public HopRewrite {
public:
    const char *name() const override { return "col_sums_of_transpose"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Aggregate || h->agg_dir == kernels::AggDir::All ||
            !is_transpose(h->inputs[0]))
            return nullptr;
        using A = kernels::AggOp;
        if (h->agg_op != A::Sum && h->agg_op != A::Mean && h->agg_op != A::Min && h->agg_op != A::Max)
            return nullptr;
        bool col = h->agg_dir == kernels::AggDir::Col;
        std::string opcode = h->opcode;
        opcode[2] = col ? 'r' : 'c'; // uack+ <-> uark+
        Hop *x = h->inputs[0]->inputs[0];
        Hop *agg = ctx.aggregate(h->agg_op, col ? kernels::AggDir::Row : kernels::AggDir::Col, "", x, h->loc);
        agg->opcode = opcode;
        return ctx.transpose(agg, h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_col_sums_of_transpose() {
    return std::make_unique<ColSumsOfTranspose>();
}

} // namespace linea::rewrites
