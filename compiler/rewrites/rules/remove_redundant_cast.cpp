// as.matrix(X) -> X for a matrix, as.scalar(s) -> s and as.double(d) -> d for scalars of that type
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveRedundantCast : public HopRewrite {
public:
    const char *name() const override { return "remove_redundant_cast"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Builtin || h->inputs.size() != 1) return nullptr;
        Hop *x = h->inputs[0];
        if (h->opcode == "castsdm" && x->is_matrix()) return x;
        if (h->opcode == "castdts" && x->is_scalar() && x->value_type != ValueType::Unknown) return x;
        if (h->opcode == "castvtd" && x->is_scalar() && x->value_type == ValueType::Double) return x;
        if (h->opcode == "castvti" && x->is_scalar() && x->value_type == ValueType::Int) return x;
        if (h->opcode == "castvtb" && x->is_scalar() && x->value_type == ValueType::Bool) return x;
        return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_redundant_cast() {
    return std::make_unique<RemoveRedundantCast>();
}

} // namespace linea::rewrites
