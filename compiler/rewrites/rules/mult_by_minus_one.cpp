// X*(-1) -> -X, (-1)*X -> -X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class MultByMinusOne : public HopRewrite {
public:
    const char *name() const override { return "mult_by_minus_one"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_binary(h, kernels::BinaryOp::Mul)) return nullptr;
        for (int side = 0; side < 2; ++side) {
            Hop *c = h->inputs[side], *x = h->inputs[1 - side];
            if (is_literal_value(c, -1.0) && !c->literal.is_int() && is_matrix_or_double(x))
                return ctx.unary(kernels::UnaryOp::Neg, "u-", x, h->loc);
            if (is_literal_value(c, -1.0) && x->is_matrix())
                return ctx.unary(kernels::UnaryOp::Neg, "u-", x, h->loc);
        }
        return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_mult_by_minus_one() {
    return std::make_unique<MultByMinusOne>();
}

} // namespace linea::rewrites
