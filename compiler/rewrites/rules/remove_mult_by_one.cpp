// X*1 -> X, 1*X -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveMultByOne : public HopRewrite {
public:
    const char *name() const override { return "remove_mult_by_one"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
    if (!is_binary(h, kernels::BinaryOp::Mul)) return nullptr;
    if (is_literal_value(h->inputs[1], 1.0) && is_matrix_or_double(h->inputs[0]) && !h->inputs[1]->literal.is_int()) return h->inputs[0];
    if (is_literal_value(h->inputs[1], 1.0) && h->inputs[0]->is_matrix()) return h->inputs[0];
    if (is_literal_value(h->inputs[0], 1.0) && is_matrix_or_double(h->inputs[1]) && !h->inputs[0]->literal.is_int()) return h->inputs[1];
    if (is_literal_value(h->inputs[0], 1.0) && h->inputs[1]->is_matrix()) return h->inputs[1];
    return nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_mult_by_one() { return std::make_unique<RemoveMultByOne>(); }

} // namespace linea::rewrites
