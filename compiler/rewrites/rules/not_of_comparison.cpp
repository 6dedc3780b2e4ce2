// !(A<B) -> A>=B, !(A<=B) -> A>B, !(A>B) -> A<=B, !(A>=B) -> A<B, !(A==B) -> A!=B, !(A!=B) -> A==B
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class NotOfComparison : public HopRewrite {
public:
    const char *name() const override { return "not_of_comparison"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        // As SystemDS does; note that with NaN operands !(NaN<1) is TRUE while NaN>=1 is FALSE.
        if (!is_unary(h, kernels::UnaryOp::Not) || h->inputs[0]->kind != HopKind::Binary) return nullptr;
        Hop *c = h->inputs[0];
        using B = kernels::BinaryOp;
        B neg;
        const char *opcode;
        switch (c->binary_op) {
        case B::Lt:
            neg = B::Ge;
            opcode = ">=";
            break;
        case B::Le:
            neg = B::Gt;
            opcode = ">";
            break;
        case B::Gt:
            neg = B::Le;
            opcode = "<=";
            break;
        case B::Ge:
            neg = B::Lt;
            opcode = "<";
            break;
        case B::Eq:
            neg = B::Ne;
            opcode = "!=";
            break;
        case B::Ne:
            neg = B::Eq;
            opcode = "==";
            break;
        default:
            return nullptr;
        }
        // Strings compare by their own rules; matrices of comparisons give 0/1 either way.
        if (c->inputs[0]->value_type == ValueType::String || c->inputs[1]->value_type == ValueType::String)
            return nullptr;
        if (c->inputs[0]->value_type == ValueType::Unknown || c->inputs[1]->value_type == ValueType::Unknown)
            return nullptr;
        return ctx.binary(neg, opcode, c->inputs[0], c->inputs[1], h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_not_of_comparison() {
    return std::make_unique<NotOfComparison>();
}

} // namespace linea::rewrites
