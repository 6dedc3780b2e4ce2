// X^1 -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemovePowOne : public HopRewrite {
public:
    const char *name() const override { return "remove_pow_one"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
    if (!is_binary(h, kernels::BinaryOp::Pow)) return nullptr;
    if (is_literal_value(h->inputs[1], 1.0) && is_matrix_or_double(h->inputs[0]) && !h->inputs[1]->literal.is_int()) return h->inputs[0];
    if (is_literal_value(h->inputs[1], 1.0) && h->inputs[0]->is_matrix()) return h->inputs[0];
    return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_pow_one() { return std::make_unique<RemovePowOne>(); }

} // namespace linea::rewrites
