// X+0 -> X, 0+X -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveAddZero : public HopRewrite {
public:
    const char *name() const override { return "remove_add_zero"; }
    Hop *apply(Hop *h, RewriteContext &) const override {
        return drop_identity_operand(h, kernels::BinaryOp::Add, 0.0, false);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_add_zero() {
    return std::make_unique<RemoveAddZero>();
}

} // namespace linea::rewrites
