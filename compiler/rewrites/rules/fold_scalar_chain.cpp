// (X*a)*b -> X*(a*b)   (a, b numeric literals that are powers of two, so the result is bit-identical)
#include "compiler/rewrites/rewrite.h"
#include <cmath>

namespace linea::rewrites {

namespace {
class FoldScalarChain : public HopRewrite {
public:
    const char *name() const override { return "fold_scalar_chain"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        using B = kernels::BinaryOp;
        if (!is_binary(h, B::Mul)) return nullptr;
        Hop *inner = h->inputs[0], *b = h->inputs[1];
        if (!is_binary(inner, B::Mul) || !inner->is_matrix() || live_parents(inner) != 1) return nullptr;
        Hop *a = inner->inputs[1];
        auto numeric = [](const Hop *x) {
            return is_literal(x) && (x->literal.is_double() || x->literal.is_int());
        };
        if (!numeric(a) || !numeric(b)) return nullptr;
        // Bit-exact only when both factors are powers of two (scaling by them never rounds).
        double x = a->literal.to_double(), y = b->literal.to_double();
        int ex = 0, ey = 0;
        if (std::abs(std::frexp(x, &ex)) != 0.5 || std::abs(std::frexp(y, &ey)) != 0.5) return nullptr;
        if (std::abs(ex + ey) > 1000) return nullptr;
        return ctx.binary(B::Mul, "*", inner->inputs[0], ctx.literal(Value(x * y), h->loc), h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_fold_scalar_chain() {
    return std::make_unique<FoldScalarChain>();
}

} // namespace linea::rewrites
