// t(cbind(X,D)) %*% cbind(X,D) -> rbind(cbind(t(X)%*%X, t(X)%*%D), cbind(t(D)%*%X, t(D)%*%D))
#include "kernels/blas/chain.h"
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr tsmm_cbind(const Target &t) {
    const Item *cb = tsmm_over(t.item(), "cbind");
    if (!cb) return nullptr;
    // C = cbind(X, D, ...) may be a bind the executor has not run: its width and columns come from the
    // parts then, and C is never formed.
    const int64_t w = t.operand_cols(0);
    MatrixPtr g = w >= 0 ? t.cached(tsmm_item(cb->inputs()[0])) : nullptr;
    if (!g || g->rows() >= w) return nullptr;
    const int64_t p = g->rows();
    // X is the first p columns of cbind(X, D, ...); everything after it is new.
    std::vector<int64_t> map(static_cast<size_t>(w), -1);
    for (int64_t j = 0; j < p; ++j) map[static_cast<size_t>(j)] = j;
    if (cb->inputs().size() == 2 && 2 * (w - p) <= w) {
        // D = B[,j] in a loop over j (the steplm sweep): t(X) %*% D is a slice of one batched t(X) %*% B,
        // so only t(D) %*% D is left to compute from C.
        MatrixPtr x = t.value_of(cb->inputs()[0]);
        MatrixPtr xd = x && x->cols() == p
                           ? batched_slice_product(t, cb->inputs()[0], *x, *cb->inputs()[1], true)
                           : nullptr;
        if (xd && xd->rows() == p && xd->cols() == w - p) {
            MatrixPtr d = operand_columns(t, 0, p, w);
            MatrixPtr dd = kernels::matmult_trans_left(*d, *d);
            MatrixPtr e = kernels::rbind({xd.get(), dd.get()});
            return assemble_gram(*g, map, *e);
        }
    }
    return assemble_gram(t, 0, *g, map);
}

} // namespace linea::lineage::partial
