// X+(-Y) -> X-Y, X-(-Y) -> X+Y
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class AddNegation : public HopRewrite {
public:
    const char *name() const override { return "add_negation"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        using B = kernels::BinaryOp;
        if (!is_binary(h, B::Add) && !is_binary(h, B::Sub)) return nullptr;
        Hop *y = h->inputs[1];
        if (!is_unary(y, kernels::UnaryOp::Neg) || !is_matrix_or_double(y->inputs[0]) ||
            !is_matrix_or_double(h->inputs[0]))
            return nullptr;
        bool add = h->binary_op == B::Add;
        return ctx.binary(add ? B::Sub : B::Add, add ? "-" : "+", h->inputs[0], y->inputs[0], h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_add_negation() {
    return std::make_unique<AddNegation>();
}

} // namespace linea::rewrites
