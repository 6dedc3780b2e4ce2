// X/1 -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveDivByOne : public HopRewrite {
public:
    const char *name() const override { return "remove_div_by_one"; }
    Hop *apply(Hop *h, RewriteContext &) const override {
        return drop_identity_operand(h, kernels::BinaryOp::Div, 1.0, true);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_div_by_one() {
    return std::make_unique<RemoveDivByOne>();
}

} // namespace linea::rewrites
