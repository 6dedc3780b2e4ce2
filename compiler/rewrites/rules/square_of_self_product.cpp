// X*X -> X^2
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class SquareOfSelfProduct : public HopRewrite {
public:
    const char *name() const override { return "square_of_self_product"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_binary(h, kernels::BinaryOp::Mul) || h->inputs[0] != h->inputs[1] ||
            !is_matrix_or_double(h->inputs[0]))
            return nullptr;
        return ctx.binary(kernels::BinaryOp::Pow, "^", h->inputs[0], ctx.literal(Value(2.0), h->loc), h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_square_of_self_product() {
    return std::make_unique<SquareOfSelfProduct>();
}

} // namespace linea::rewrites
