// ifelse(TRUE, a, b) -> a, ifelse(FALSE, a, b) -> b   (scalar a and b)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class IfelseConstantPredicate : public HopRewrite {
public:
    const char *name() const override { return "ifelse_constant_predicate"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Builtin || h->opcode != "ifelse" || h->inputs.size() != 3) return nullptr;
        Hop *c = h->inputs[0];
        if (!is_literal(c) || !c->literal.is_numeric_scalar()) return nullptr;
        Hop *pick = c->literal.to_bool() ? h->inputs[1] : h->inputs[2];
        // With matrices the result takes the broadcast shape; keep those.
        if (!h->inputs[1]->is_scalar() || !h->inputs[2]->is_scalar()) return nullptr;
        return pick;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_ifelse_constant_predicate() {
    return std::make_unique<IfelseConstantPredicate>();
}

} // namespace linea::rewrites
