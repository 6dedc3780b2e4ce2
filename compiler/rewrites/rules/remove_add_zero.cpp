// X+0 -> X, 0+X -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveAddZero : public HopRewrite {
public:
    const char *name() const override { return "remove_add_zero"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
    if (!is_binary(h, kernels::BinaryOp::Add)) return nullptr;
    if (is_literal_value(h->inputs[1], 0.0) && is_matrix_or_double(h->inputs[0]) && !h->inputs[1]->literal.is_int()) return h->inputs[0];
    if (is_literal_value(h->inputs[1], 0.0) && h->inputs[0]->is_matrix()) return h->inputs[0];
    if (is_literal_value(h->inputs[0], 0.0) && is_matrix_or_double(h->inputs[1]) && !h->inputs[0]->literal.is_int()) return h->inputs[1];
    if (is_literal_value(h->inputs[0], 0.0) && h->inputs[1]->is_matrix()) return h->inputs[1];
    return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_add_zero() { return std::make_unique<RemoveAddZero>(); }

} // namespace linea::rewrites
