// X-0 -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveSubZero : public HopRewrite {
public:
    const char *name() const override { return "remove_sub_zero"; }
    Hop *apply(Hop *h, RewriteContext &) const override {
        return drop_identity_operand(h, kernels::BinaryOp::Sub, 0.0, true);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_sub_zero() {
    return std::make_unique<RemoveSubZero>();
}

} // namespace linea::rewrites
