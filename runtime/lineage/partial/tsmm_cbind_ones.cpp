// t(cbind(X,1)) %*% cbind(X,1) -> rbind(cbind(t(X)%*%X, t(colSums(X))), cbind(colSums(X), nrow(X)))
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr tsmm_cbind_ones(const Target &t) {
    const Item *cb = tsmm_over(t.item(), "cbind");
    if (!cb || cb->inputs().size() != 2 || !is_ones_column(*cb->inputs()[1])) return nullptr;
    MatrixPtr c = t.operand(0);
    MatrixPtr g = c ? t.cached(tsmm_item(cb->inputs()[0])) : nullptr;
    if (!g || g->rows() != c->cols() - 1) return nullptr;
    const int64_t p = g->rows();
    // colSums(cbind(X,1)) = [colSums(X), nrow(X)]: the whole border in one pass.
    MatrixPtr s = kernels::aggregate(kernels::AggOp::Sum, kernels::AggDir::Col, *c);
    auto r = MatrixBlock::uninitialized(p + 1, p + 1);
    for (int64_t i = 0; i < p; ++i) {
        for (int64_t j = 0; j < p; ++j) r->set(i, j, g->get(i, j));
        r->set(i, p, s->get(0, i));
        r->set(p, i, s->get(0, i));
    }
    r->set(p, p, static_cast<double>(c->rows()));
    r->recompute_nnz();
    return r;
}

} // namespace linea::lineage::partial
