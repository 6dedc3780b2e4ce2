// !(!b) -> b   (b a boolean scalar)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveDoubleNot : public HopRewrite {
public:
    const char *name() const override { return "remove_double_not"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_unary(h, kernels::UnaryOp::Not) || !is_unary(h->inputs[0], kernels::UnaryOp::Not))
            return nullptr;
        Hop *b = h->inputs[0]->inputs[0];
        return (b->is_scalar() && b->value_type == ValueType::Bool) ? b : nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_double_not() {
    return std::make_unique<RemoveDoubleNot>();
}

} // namespace linea::rewrites
