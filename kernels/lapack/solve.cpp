// solve(A, b) through LAPACK dgesv (LU with partial pivoting).
#include "kernels/blas/tbb_blas.h"
#include "kernels/lapack/lapack.h"
#include "kernels/ops.h"

#include <climits>
#include <string>
#include <vector>

namespace linea::kernels {

namespace {
std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}
} // namespace

MatrixPtr solve(const MatrixBlock &a_in, const MatrixBlock &b_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const MatrixPtr b_dense = dense_input(b_in);
    const MatrixBlock &b = *b_dense;
    if (a.rows() != a.cols()) throw KernelError("solve: the matrix must be square, got " + shape(a));
    if (b.rows() != a.rows())
        throw KernelError("solve: dimension mismatch between the " + shape(a) + " matrix and the " +
                          shape(b) + " right-hand side");
    const int64_t n64 = a.rows(), k64 = b.cols();
    if (n64 > INT_MAX || k64 > INT_MAX) throw KernelError("solve: matrix too large for LAPACK");
    if (n64 == 0 || k64 == 0) return std::make_shared<MatrixBlock>(n64, k64, 0.0);
    const int n = static_cast<int>(n64), nrhs = static_cast<int>(k64);
    // LAPACK is column-major: copy A and b transposed.
    std::vector<double> acm(static_cast<size_t>(n64 * n64)), bcm(static_cast<size_t>(n64 * k64));
    for (int64_t i = 0; i < n64; ++i)
        for (int64_t j = 0; j < n64; ++j) acm[j * n64 + i] = a.get(i, j);
    for (int64_t i = 0; i < n64; ++i)
        for (int64_t j = 0; j < k64; ++j) bcm[j * n64 + i] = b.get(i, j);
    std::vector<int> ipiv(static_cast<size_t>(n));
    int info = 0;
    blas::with_blas_threads(static_cast<double>(n64) * n64 * (n64 + k64),
                            [&] { dgesv_(&n, &nrhs, acm.data(), &n, ipiv.data(), bcm.data(), &n, &info); });
    if (info > 0) throw KernelError("solve: matrix is singular");
    if (info < 0) throw KernelError("internal error: dgesv rejected argument " + std::to_string(-info));
    auto out = MatrixBlock::uninitialized(n64, k64);
    for (int64_t i = 0; i < n64; ++i)
        for (int64_t j = 0; j < k64; ++j) out->set(i, j, bcm[j * n64 + i]);
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
