// X %*% cbind(Y,D) -> cbind(X%*%Y, X%*%D)
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr mm_cbind_right(const Target &t) {
    if (!is_plain_matmult(t.item())) return nullptr;
    const Item &r = *t.input(1);
    if (!is_op(r, "cbind", "cbind") || r.inputs().size() < 2) return nullptr;
    MatrixPtr x = t.operand(0), b = t.operand(1);
    MatrixPtr xy = x && b ? t.cached(matmult_item(t.input(0), r.inputs()[0])) : nullptr;
    if (!xy || xy->rows() != x->rows() || xy->cols() >= b->cols()) return nullptr;
    MatrixPtr xd = kernels::matmult(*x, *columns(*b, xy->cols(), b->cols()));
    return kernels::cbind({xy.get(), xd.get()});
}

} // namespace linea::lineage::partial
