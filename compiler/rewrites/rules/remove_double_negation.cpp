// -(-X) -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveDoubleNegation : public HopRewrite {
public:
    const char *name() const override { return "remove_double_negation"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_unary(h, kernels::UnaryOp::Neg) || !is_unary(h->inputs[0], kernels::UnaryOp::Neg))
            return nullptr;
        const Hop *x = h->inputs[0]->inputs[0];
        // Only where the value type is unchanged (int -(-i) stays int, booleans would become ints).
        if (!is_matrix_or_double(x) && !(x->is_scalar() && x->value_type == ValueType::Int)) return nullptr;
        return h->inputs[0]->inputs[0];
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_double_negation() {
    return std::make_unique<RemoveDoubleNegation>();
}

} // namespace linea::rewrites
