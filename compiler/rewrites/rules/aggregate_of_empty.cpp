// sum(X) -> 0 for X with 0 rows or 0 columns
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class AggregateOfEmpty : public HopRewrite {
public:
    const char *name() const override { return "aggregate_of_empty"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_agg(h, kernels::AggOp::Sum, kernels::AggDir::All) &&
            !is_agg(h, kernels::AggOp::SumSq, kernels::AggDir::All))
            return nullptr;
        const Hop *x = h->inputs[0];
        if (!known_dims(x) || (*x->rows != 0 && *x->cols != 0)) return nullptr;
        return ctx.literal(Value(0.0), h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_aggregate_of_empty() {
    return std::make_unique<AggregateOfEmpty>();
}

} // namespace linea::rewrites
