// A %*% B[,lo:hi] -> (A%*%B)[,lo:hi] (also t(X) %*% B[,lo:hi] -> (t(X)%*%B)[,lo:hi])
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr mm_col_slice(const Target &t) {
    const Item &it = t.item();
    const bool trans_left = is_op(it, "ba+*", "3") && it.inputs().size() == 2;
    if (!trans_left && !is_plain_matmult(it)) return nullptr;
    auto range = column_range(*t.input(1));
    MatrixPtr a = range ? t.operand(0) : nullptr;
    if (!a) return nullptr;
    const ItemPtr whole = trans_left ? matmult_trans_left_item(t.input(0), range->source)
                                     : matmult_item(t.input(0), range->source);
    MatrixPtr ab = t.cached(whole);
    if (!ab || ab->rows() != (trans_left ? a->cols() : a->rows()) || range->hi > ab->cols()) return nullptr;
    return columns(*ab, range->lo - 1, range->hi);
}

} // namespace linea::lineage::partial
