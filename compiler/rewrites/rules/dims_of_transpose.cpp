// nrow(t(X)) -> ncol(X), ncol(t(X)) -> nrow(X)
#include "compiler/rewrites/rewrite.h"
#include "language/builtins.h"

namespace linea::rewrites {

namespace {
class DimsOfTranspose : public HopRewrite {
public:
    const char *name() const override { return "dims_of_transpose"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Builtin || h->inputs.size() != 1 || !is_transpose(h->inputs[0]))
            return nullptr;
        const char *other = h->opcode == "nrow" ? "ncol" : h->opcode == "ncol" ? "nrow" : nullptr;
        if (!other) return nullptr;
        Hop *r = ctx.dag().make(HopKind::Builtin, other, {h->inputs[0]->inputs[0]}, h->loc);
        r->builtin_id = find_builtin(other);
        r->arg_present = {true};
        r->arg_names = {std::string()};
        r->num_outputs = 1;
        r->data_type = DataType::Scalar;
        r->value_type = ValueType::Int;
        return r;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_dims_of_transpose() {
    return std::make_unique<DimsOfTranspose>();
}

} // namespace linea::rewrites
