// Matrix multiply and transpose-self multiply through OpenBLAS (dgemm, dgemv, dsyrk) split over TBB.
#include "kernels/blas/blas_util.h"
#include "kernels/blas/tbb_blas.h"
#include "kernels/ops.h"
#include "kernels/sparse/sparse_ops.h"

namespace linea::kernels {

using blas::shape;

MatrixPtr matmult(const MatrixBlock &a_in, const MatrixBlock &b_in, FormatHint hint) {
    if (a_in.cols() != b_in.rows())
        throw KernelError("dimension mismatch in matrix multiplication: " + shape(a_in) + " %*% " +
                          shape(b_in));
    if ((a_in.is_sparse() || b_in.is_sparse()) && !a_in.empty() && !b_in.empty())
        if (MatrixPtr r = sparse::matmult(a_in, b_in, hint)) return r;
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const MatrixPtr b_dense = dense_input(b_in);
    const MatrixBlock &b = *b_dense;
    const int64_t m = a.rows(), k = a.cols(), n = b.cols();
    if (m == 0 || n == 0 || k == 0) return std::make_shared<MatrixBlock>(m, n, 0.0);
    auto out = MatrixBlock::uninitialized(m, n);
    double *c = out->mutable_data();
    if (n == 1) {
        blas::gemv(false, m, k, a.data(), k, b.data(), c); // matrix-vector: c = A b
    } else if (m == 1) {
        blas::gemv(true, k, n, b.data(), n, a.data(), c); // vector-matrix: c^T = B^T a^T
    } else {
        blas::gemm(false, false, m, n, k, a.data(), k, b.data(), n, c, n);
    }
    out->recompute_nnz();
    return out;
}

MatrixPtr tsmm(const MatrixBlock &a_in, bool left, FormatHint hint) {
    if (a_in.is_sparse() && !a_in.empty())
        if (MatrixPtr r = sparse::tsmm(a_in, left, hint)) return r;
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    // left: t(A) %*% A is cols x cols over k = rows; right: A %*% t(A) is rows x rows over k = cols.
    const int64_t n = left ? a.cols() : a.rows();
    const int64_t k = left ? a.rows() : a.cols();
    if (n == 0 || k == 0) return std::make_shared<MatrixBlock>(n, n, 0.0);
    auto out = MatrixBlock::uninitialized(n, n);
    double *c = out->mutable_data();
    blas::syrk_upper(left, n, k, a.data(), a.cols(), c, n);
    // dsyrk writes only the upper triangle; mirror it.
    for (int64_t i = 1; i < n; ++i)
        for (int64_t j = 0; j < i; ++j) c[i * n + j] = c[j * n + i];
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
