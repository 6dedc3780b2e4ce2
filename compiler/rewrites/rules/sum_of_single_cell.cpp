// sum(X) -> as.scalar(X) for a 1x1 X
#include "compiler/rewrites/rewrite.h"
#include "language/builtins.h"

namespace linea::rewrites {

namespace {
class SumOfSingleCell : public HopRewrite {
public:
    const char *name() const override { return "sum_of_single_cell"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Aggregate || h->agg_dir != kernels::AggDir::All) return nullptr;
        using A = kernels::AggOp;
        if (h->agg_op != A::Sum && h->agg_op != A::Mean && h->agg_op != A::Min && h->agg_op != A::Max &&
            h->agg_op != A::Prod)
            return nullptr;
        const Hop *x = h->inputs[0];
        if (!known_dims(x) || *x->rows != 1 || *x->cols != 1) return nullptr;
        Hop *r = ctx.dag().make(HopKind::Builtin, "castdts", {h->inputs[0]}, h->loc);
        r->builtin_id = find_builtin("as.scalar");
        r->arg_present = {true};
        r->arg_names = {std::string()};
        r->num_outputs = 1;
        r->data_type = DataType::Scalar;
        r->value_type = ValueType::Double;
        return r;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_sum_of_single_cell() {
    return std::make_unique<SumOfSingleCell>();
}

} // namespace linea::rewrites
