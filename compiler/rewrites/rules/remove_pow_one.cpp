// X^1 -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemovePowOne : public HopRewrite {
public:
    const char *name() const override { return "remove_pow_one"; }
    Hop *apply(Hop *h, RewriteContext &) const override {
        return drop_identity_operand(h, kernels::BinaryOp::Pow, 1.0, true);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_pow_one() {
    return std::make_unique<RemovePowOne>();
}

} // namespace linea::rewrites
