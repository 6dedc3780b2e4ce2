// X-Y*X -> (1-Y)*X, X-X*Y -> (1-Y)*X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class FactorCommonOperand : public HopRewrite {
public:
    const char *name() const override { return "factor_common_operand"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_binary(h, kernels::BinaryOp::Sub)) return nullptr;
        Hop *x = h->inputs[0], *p = h->inputs[1];
        if (!is_binary(p, kernels::BinaryOp::Mul) || !x->is_matrix() || !known_dims(x)) return nullptr;
        Hop *y = p->inputs[0] == x ? p->inputs[1] : (p->inputs[1] == x ? p->inputs[0] : nullptr);
        if (!y) return nullptr;
        // Y must have X's shape or be a scalar, so (1-Y)*X has the same shape as the original.
        if (!(y->is_scalar() || (known_dims(y) && *y->rows == *x->rows && *y->cols == *x->cols)))
            return nullptr;
        Hop *one_minus = ctx.binary(kernels::BinaryOp::Sub, "-", ctx.literal(Value(1.0), h->loc), y, h->loc);
        return ctx.binary(kernels::BinaryOp::Mul, "*", one_minus, x, h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_factor_common_operand() {
    return std::make_unique<FactorCommonOperand>();
}

} // namespace linea::rewrites
