// t(t(X)) -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveDoubleTranspose : public HopRewrite {
public:
    const char *name() const override { return "remove_double_transpose"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_transpose(h) || !is_transpose(h->inputs[0])) return nullptr;
        return h->inputs[0]->inputs[0];
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_double_transpose() {
    return std::make_unique<RemoveDoubleTranspose>();
}

} // namespace linea::rewrites
