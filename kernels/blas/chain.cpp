// t(X) %*% y and the mmchain operator through OpenBLAS.
#include "kernels/blas/chain.h"
#include "kernels/ops.h"

#include "kernels/blas/blas_util.h"
#include "kernels/blas/tbb_blas.h"

#include <vector>

namespace linea::kernels {

using blas::shape;

MatrixPtr matmult_trans_left(const MatrixBlock &x_in, const MatrixBlock &y_in) {
    const MatrixPtr x_dense = dense_input(x_in);
    const MatrixBlock &x = *x_dense;
    const MatrixPtr y_dense = dense_input(y_in);
    const MatrixBlock &y = *y_dense;
    if (x.rows() != y.rows())
        throw KernelError("dimension mismatch in matrix multiplication: " + std::to_string(x.cols()) + "x" +
                          std::to_string(x.rows()) + " %*% " + shape(y));
    const int64_t m = x.cols(), k = x.rows(), n = y.cols();
    if (m == 0 || n == 0 || k == 0) return std::make_shared<MatrixBlock>(m, n, 0.0);
    auto out = MatrixBlock::uninitialized(m, n);
    double *c = out->mutable_data();
    if (n == 1)
        blas::gemv(true, k, m, x.data(), m, y.data(), c);
    else
        blas::gemm(true, false, m, n, k, x.data(), m, y.data(), n, c, n);
    out->recompute_nnz();
    return out;
}

MatrixPtr mmchain(const MatrixBlock &x_in, const MatrixBlock &v_in, const MatrixBlock *w_in) {
    const MatrixPtr x_dense = dense_input(x_in);
    const MatrixBlock &x = *x_dense;
    const MatrixPtr v_dense = dense_input(v_in);
    const MatrixBlock &v = *v_dense;
    const MatrixPtr w_dense = w_in ? dense_input(*w_in) : nullptr;
    const MatrixBlock *w = w_dense.get();
    const int64_t n = x.rows(), m = x.cols();
    if (v.rows() != m || v.cols() != 1)
        throw KernelError("dimension mismatch in matrix multiplication: " + shape(x) + " %*% " + shape(v));
    if (w && (w->rows() != n || w->cols() != 1))
        throw KernelError("dimension mismatch in cell-wise operation: " + shape(*w) + " and " +
                          std::to_string(n) + "x1");
    if (n == 0 || m == 0) return std::make_shared<MatrixBlock>(m, 1, 0.0);
    std::vector<double> q(static_cast<size_t>(n));
    blas::gemv(false, n, m, x.data(), m, v.data(), q.data());
    if (w)
        for (int64_t i = 0; i < n; ++i) q[static_cast<size_t>(i)] = w->data()[i] * q[static_cast<size_t>(i)];
    auto out = MatrixBlock::uninitialized(m, 1);
    blas::gemv(true, n, m, x.data(), m, q.data(), out->mutable_data());
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
