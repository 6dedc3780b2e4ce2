// rev(rev(X)) -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveDoubleRev : public HopRewrite {
public:
    const char *name() const override { return "remove_double_rev"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        auto is_rev = [](const Hop *x) {
            return x->kind == HopKind::Reorg && x->reorg_op == rt::ReorgOp::Rev;
        };
        if (!is_rev(h) || !is_rev(h->inputs[0])) return nullptr;
        return h->inputs[0]->inputs[0];
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_double_rev() {
    return std::make_unique<RemoveDoubleRev>();
}

} // namespace linea::rewrites
