// nrow(X) -> n, ncol(X) -> m, length(X) -> n*m when the size is known
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class NrowNcolOfKnown : public HopRewrite {
public:
    const char *name() const override { return "nrow_ncol_of_known"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Builtin || h->inputs.size() != 1 || !known_dims(h->inputs[0])) return nullptr;
        const Hop *x = h->inputs[0];
        if (h->opcode == "nrow") return ctx.literal(Value(*x->rows), h->loc);
        if (h->opcode == "ncol") return ctx.literal(Value(*x->cols), h->loc);
        if (h->opcode == "length") return ctx.literal(Value(*x->rows * *x->cols), h->loc);
        return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_nrow_ncol_of_known() {
    return std::make_unique<NrowNcolOfKnown>();
}

} // namespace linea::rewrites
