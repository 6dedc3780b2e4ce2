// t(cbind(X,D,1)) %*% cbind(X,D,1) -> t(cbind(X,1))%*%cbind(X,1) rearranged, plus t(cbind(X,D,1)) %*% D
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr tsmm_cbind_ones_extend(const Target &t) {
    const Item *cb = tsmm_over(t.item(), "cbind");
    if (!cb || cb->inputs().size() < 3 || !is_ones_column(*cb->inputs().back())) return nullptr;
    const int64_t w = t.operand_cols(0);
    if (w < 0) return nullptr;
    // The relative drops the block just before the ones column: cbind(X..., 1).
    std::vector<ItemPtr> kept(cb->inputs().begin(), cb->inputs().end() - 2);
    kept.push_back(cb->inputs().back());
    MatrixPtr g = t.cached(tsmm_item(with_inputs(*cb, kept)));
    if (!g || g->rows() >= w) return nullptr;
    const int64_t p = g->rows() - 1; // columns of X...
    std::vector<int64_t> map(static_cast<size_t>(w), -1);
    for (int64_t j = 0; j < p; ++j) map[static_cast<size_t>(j)] = j;
    map[static_cast<size_t>(w - 1)] = p;
    return assemble_gram(t, 0, *g, map);
}

} // namespace linea::lineage::partial
