// t(diag(v)) -> diag(v)   (v a column vector: the diagonal matrix is symmetric)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class TransposeOfDiag : public HopRewrite {
public:
    const char *name() const override { return "transpose_of_diag"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_transpose(h)) return nullptr;
        Hop *d = h->inputs[0];
        if (d->kind != HopKind::Reorg || d->reorg_op != rt::ReorgOp::Diag || d->inputs[0]->cols != 1)
            return nullptr;
        return d;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_transpose_of_diag() {
    return std::make_unique<TransposeOfDiag>();
}

} // namespace linea::rewrites
