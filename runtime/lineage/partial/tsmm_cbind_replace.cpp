// t(cbind(A,Zk,B)) %*% cbind(A,Zk,B) -> cached t(cbind(A,Zj,B)) %*% cbind(A,Zj,B) with the Zj rows/columns
// recomputed
#include "runtime/lineage/partial/rewrites.h"
#include "runtime/lineage/partial/sibling_index.h"

namespace linea::lineage::partial {

namespace {
/// The position of the single input in which two equally long input lists differ, or -1.
int64_t single_difference(const std::vector<ItemPtr> &a, const std::vector<ItemPtr> &b) {
    int64_t at = -1;
    for (size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || Item::equal(*a[i], *b[i]))) {
            if (at >= 0) return -1;
            at = static_cast<int64_t>(i);
        }
    return at;
}
} // namespace

MatrixPtr tsmm_cbind_replace(const Target &t) {
    const Item *cb = tsmm_over(t.item(), "cbind");
    const int64_t w = t.operand_cols(0);
    if (!cb || w < 0) return nullptr;
    const auto &ins = cb->inputs();
    // Cached Gram matrices of cbinds of the same arity that differ from ours in exactly one input (the
    // steplm sweep: the candidate column changes, the selected columns and the intercept stay). The
    // sibling index finds them by hash; the cache says which are still there.
    std::vector<ItemPtr> relatives;
    for (const ItemPtr &it : gram_siblings(*cb)) {
        const Item *rb = tsmm_over(*it, "cbind");
        if (rb && rb->inputs().size() == ins.size() && single_difference(rb->inputs(), ins) >= 0)
            relatives.push_back(it);
    }
    auto widths = relatives.empty() ? std::nullopt : cbind_widths(t, *cb, w);
    if (!widths) return nullptr;
    for (const ItemPtr &rel : relatives) {
        MatrixPtr g = t.cached(rel);
        if (!g) continue;
        const Item &rb = *rel->inputs()[0];
        const auto q = static_cast<size_t>(single_difference(rb.inputs(), ins));
        auto rw = cbind_widths(t, rb, g->rows());
        if (!rw) continue;
        std::vector<int64_t> map;
        int64_t offset = 0; // column offset in the relative
        for (size_t b = 0; b < ins.size(); ++b) {
            for (int64_t j = 0; j < (*widths)[b]; ++j) map.push_back(b == q ? -1 : offset + j);
            if (b != q && (*widths)[b] != (*rw)[b]) break; // equal items have equal widths
            offset += (*rw)[b];
        }
        if (static_cast<int64_t>(map.size()) != w) continue;
        return assemble_gram(t, 0, *g, map);
    }
    return nullptr;
}

} // namespace linea::lineage::partial
