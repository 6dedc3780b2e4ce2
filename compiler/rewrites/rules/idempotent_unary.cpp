// abs(abs(X)) -> abs(X), round(round(X)), floor(floor(X)), ceil(ceil(X)), sign(sign(X))
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class IdempotentUnary : public HopRewrite {
public:
    const char *name() const override { return "idempotent_unary"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        using U = kernels::UnaryOp;
        if (h->kind != HopKind::Unary || h->inputs[0]->kind != HopKind::Unary ||
            h->unary_op != h->inputs[0]->unary_op)
            return nullptr;
        U op = h->unary_op;
        if (op != U::Abs && op != U::Round && op != U::Floor && op != U::Ceil && op != U::Sign)
            return nullptr;
        return h->inputs[0];
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_idempotent_unary() {
    return std::make_unique<IdempotentUnary>();
}

} // namespace linea::rewrites
