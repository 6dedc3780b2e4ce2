// diag(diag(v)) -> v   (v a column vector)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class DiagOfDiag : public HopRewrite {
public:
    const char *name() const override { return "diag_of_diag"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Reorg || h->reorg_op != rt::ReorgOp::Diag) return nullptr;
        Hop *d = h->inputs[0];
        if (d->kind != HopKind::Reorg || d->reorg_op != rt::ReorgOp::Diag || d->inputs[0]->cols != 1)
            return nullptr;
        return d->inputs[0];
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_diag_of_diag() {
    return std::make_unique<DiagOfDiag>();
}

} // namespace linea::rewrites
