// diag(X%*%Y) -> rowSums(X*t(Y)) when X%*%Y is square
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class DiagOfProduct : public HopRewrite {
public:
    const char *name() const override { return "diag_of_product"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Reorg || h->reorg_op != rt::ReorgOp::Diag ||
            h->inputs[0]->kind != HopKind::MatMult)
            return nullptr;
        Hop *m = h->inputs[0];
        if (!known_dims(m) || *m->rows != *m->cols || *m->rows == 1) return nullptr;
        Hop *prod = ctx.binary(kernels::BinaryOp::Mul, "*", m->inputs[0], ctx.transpose(m->inputs[1], h->loc),
                               h->loc);
        return ctx.aggregate(kernels::AggOp::Sum, kernels::AggDir::Row, "uark+", prod, h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_diag_of_product() {
    return std::make_unique<DiagOfProduct>();
}

} // namespace linea::rewrites
