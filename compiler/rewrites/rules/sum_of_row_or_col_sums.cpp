// sum(rowSums(X)) -> sum(X), sum(colSums(X)) -> sum(X)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class SumOfRowOrColSums : public HopRewrite {
public:
    const char *name() const override { return "sum_of_row_or_col_sums"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_agg(h, kernels::AggOp::Sum, kernels::AggDir::All)) return nullptr;
        const Hop *in = h->inputs[0];
        if (!is_agg(in, kernels::AggOp::Sum, kernels::AggDir::Row) &&
            !is_agg(in, kernels::AggOp::Sum, kernels::AggDir::Col))
            return nullptr;
        return ctx.aggregate(kernels::AggOp::Sum, kernels::AggDir::All, "uak+", in->inputs[0], h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_sum_of_row_or_col_sums() {
    return std::make_unique<SumOfRowOrColSums>();
}

} // namespace linea::rewrites
