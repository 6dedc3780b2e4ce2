// (-X)*(-Y) -> X*Y, (-X)/(-Y) -> X/Y   (exact: IEEE signs are symmetric)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class CancelNegationsInProduct : public HopRewrite {
public:
    const char *name() const override { return "cancel_negations_in_product"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        using B = kernels::BinaryOp;
        if (!is_binary(h, B::Mul) && !is_binary(h, B::Div)) return nullptr;
        Hop *a = h->inputs[0], *b = h->inputs[1];
        if (!is_unary(a, kernels::UnaryOp::Neg) || !is_unary(b, kernels::UnaryOp::Neg)) return nullptr;
        if (!is_matrix_or_double(a->inputs[0]) || !is_matrix_or_double(b->inputs[0])) return nullptr;
        return ctx.binary(h->binary_op, h->opcode.c_str(), a->inputs[0], b->inputs[0], h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_cancel_negations_in_product() {
    return std::make_unique<CancelNegationsInProduct>();
}

} // namespace linea::rewrites
