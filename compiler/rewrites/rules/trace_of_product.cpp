// trace(X%*%Y) -> sum(X*t(Y)); trace(t(A)%*%Y) -> sum(A*Y)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class TraceOfProduct : public HopRewrite {
public:
    const char *name() const override { return "trace_of_product"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_agg(h, kernels::AggOp::Trace, kernels::AggDir::All) || h->inputs[0]->kind != HopKind::MatMult)
            return nullptr;
        Hop *m = h->inputs[0];
        Hop *x = m->inputs[0], *y = m->inputs[1];
        // sum(t(A)*t(Y)) = sum(A*Y): no transpose is materialized for the common Gram trace(t(X)%*%X)
        Hop *prod = is_transpose(x)
                        ? ctx.binary(kernels::BinaryOp::Mul, "*", x->inputs[0], y, h->loc)
                        : ctx.binary(kernels::BinaryOp::Mul, "*", x, ctx.transpose(y, h->loc), h->loc);
        return ctx.aggregate(kernels::AggOp::Sum, kernels::AggDir::All, "uak+", prod, h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_trace_of_product() {
    return std::make_unique<TraceOfProduct>();
}

} // namespace linea::rewrites
