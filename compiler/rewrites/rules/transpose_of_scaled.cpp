// t(s*X) -> s*t(X), t(X*s) -> t(X)*s   (so CSE can share t(X))
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class TransposeOfScaled : public HopRewrite {
public:
    const char *name() const override { return "transpose_of_scaled"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_transpose(h) || h->inputs[0]->kind != HopKind::Binary) return nullptr;
        Hop *b = h->inputs[0];
        if (!b->is_matrix()) return nullptr;
        if (b->inputs[0]->is_scalar() && b->inputs[1]->is_matrix())
            return ctx.binary(b->binary_op, b->opcode.c_str(), b->inputs[0],
                              ctx.transpose(b->inputs[1], h->loc), h->loc);
        if (b->inputs[1]->is_scalar() && b->inputs[0]->is_matrix())
            return ctx.binary(b->binary_op, b->opcode.c_str(), ctx.transpose(b->inputs[0], h->loc),
                              b->inputs[1], h->loc);
        return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_transpose_of_scaled() {
    return std::make_unique<TransposeOfScaled>();
}

} // namespace linea::rewrites
