// A %*% B[,lo:hi] -> (A%*%B)[,lo:hi]
#include "runtime/lineage/partial/rewrites.h"

#include <cmath>

namespace linea::lineage::partial {

MatrixPtr mm_col_slice(const Target &t) {
    if (!is_plain_matmult(t.item())) return nullptr;
    const Item &r = *t.input(1);
    // rightIndex "2ra" + "cr" (a column range) or "cs" (one column): inputs B, lo [, hi].
    if (!is_op(r, "rightIndex") || (r.data() != "2racr" && r.data() != "2racs")) return nullptr;
    const bool range = r.data() == "2racr";
    if (r.inputs().size() != (range ? 3u : 2u)) return nullptr;
    auto lo = literal_number(*r.inputs()[1]);
    auto hi = range ? literal_number(*r.inputs()[2]) : lo;
    if (!lo || !hi || *lo != std::floor(*lo) || *hi != std::floor(*hi) || *lo < 1 || *hi < *lo)
        return nullptr;
    MatrixPtr a = t.operand(0);
    MatrixPtr ab = a ? t.cached(matmult_item(t.input(0), r.inputs()[0])) : nullptr;
    if (!ab || ab->rows() != a->rows() || *hi > static_cast<double>(ab->cols())) return nullptr;
    return columns(*ab, static_cast<int64_t>(*lo) - 1, static_cast<int64_t>(*hi));
}

} // namespace linea::lineage::partial
