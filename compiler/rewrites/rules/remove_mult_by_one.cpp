// X*1 -> X, 1*X -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveMultByOne : public HopRewrite {
public:
    const char *name() const override { return "remove_mult_by_one"; }
    Hop *apply(Hop *h, RewriteContext &) const override {
        return drop_identity_operand(h, kernels::BinaryOp::Mul, 1.0, false);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_mult_by_one() {
    return std::make_unique<RemoveMultByOne>();
}

} // namespace linea::rewrites
