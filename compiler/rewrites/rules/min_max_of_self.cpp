// min(X, X) -> X, max(X, X) -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class MinMaxOfSelf : public HopRewrite {
public:
    const char *name() const override { return "min_max_of_self"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_binary(h, kernels::BinaryOp::Min) && !is_binary(h, kernels::BinaryOp::Max)) return nullptr;
        if (h->inputs[0] != h->inputs[1] || !is_matrix_or_double(h->inputs[0])) return nullptr;
        return h->inputs[0];
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_min_max_of_self() {
    return std::make_unique<MinMaxOfSelf>();
}

} // namespace linea::rewrites
