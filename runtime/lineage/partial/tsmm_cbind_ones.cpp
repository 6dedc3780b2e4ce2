// t(cbind(X,1)) %*% cbind(X,1) -> rbind(cbind(t(X)%*%X, t(colSums(X))), cbind(colSums(X), nrow(X)))
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr tsmm_cbind_ones(const Target &t) {
    const Item *cb = tsmm_over(t.item(), "cbind");
    if (!cb || cb->inputs().size() != 2 || !is_ones_column(*cb->inputs()[1])) return nullptr;
    const int64_t w = t.operand_cols(0);
    MatrixPtr g = w >= 0 ? t.cached(tsmm_item(cb->inputs()[0])) : nullptr;
    if (!g || g->rows() != w - 1) return nullptr;
    const int64_t p = g->rows();
    // colSums(cbind(X,1)) = [colSums(X), nrow(X)]: the whole border in one pass (over X alone when the
    // executor has not formed the bind).
    const std::vector<MatrixPtr> parts = t.parts(0, true);
    MatrixPtr c = parts.empty() ? t.operand(0) : parts[0];
    if (!c) return nullptr;
    MatrixPtr s = kernels::aggregate(kernels::AggOp::Sum, kernels::AggDir::Col, *c);
    auto r = MatrixBlock::uninitialized(p + 1, p + 1);
    for (int64_t i = 0; i < p; ++i) {
        for (int64_t j = 0; j < p; ++j) r->set(i, j, g->get(i, j));
        r->set(i, p, s->get(0, i));
        r->set(p, i, s->get(0, i));
    }
    r->set(p, p, static_cast<double>(t.operand_rows(0)));
    r->recompute_nnz();
    return r;
}

} // namespace linea::lineage::partial
