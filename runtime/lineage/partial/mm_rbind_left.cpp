// rbind(X,D) %*% Y -> rbind(X%*%Y, D%*%Y)
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr mm_rbind_left(const Target &t) {
    if (!is_plain_matmult(t.item())) return nullptr;
    const Item &l = *t.input(0);
    if (!is_op(l, "rbind", "rbind") || l.inputs().size() < 2) return nullptr;
    MatrixPtr a = t.operand(0), y = t.operand(1);
    MatrixPtr xy = a && y ? t.cached(matmult_item(l.inputs()[0], t.input(1))) : nullptr;
    if (!xy || xy->rows() > a->rows() || xy->cols() != y->cols()) return nullptr;
    MatrixPtr dy = kernels::matmult(*rows(*a, xy->rows(), a->rows()), *y);
    return kernels::rbind({xy.get(), dy.get()});
}

} // namespace linea::lineage::partial
