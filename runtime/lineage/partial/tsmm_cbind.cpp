// t(cbind(X,D)) %*% cbind(X,D) -> rbind(cbind(t(X)%*%X, t(X)%*%D), cbind(t(D)%*%X, t(D)%*%D))
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr tsmm_cbind(const Target &t) {
    const Item *cb = tsmm_over(t.item(), "cbind");
    if (!cb) return nullptr;
    MatrixPtr c = t.operand(0);
    MatrixPtr g = c ? t.cached(tsmm_item(cb->inputs()[0])) : nullptr;
    if (!g || g->rows() >= c->cols()) return nullptr;
    // X is the first g->rows() columns of cbind(X, D, ...); everything after it is new.
    std::vector<int64_t> map(static_cast<size_t>(c->cols()), -1);
    for (int64_t j = 0; j < g->rows(); ++j) map[static_cast<size_t>(j)] = j;
    return assemble_gram(*c, *g, map);
}

} // namespace linea::lineage::partial
