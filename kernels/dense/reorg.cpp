// Reorganisations: transpose (cache-blocked), rev, diag, reshape.
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace linea::kernels {

namespace {
constexpr int64_t kTile = 32; // 32x32 doubles of source and target fit in L1 together
}

MatrixPtr transpose(const MatrixBlock &a_in) {
    if (a_in.is_sparse())
        if (MatrixPtr r = sparse::transpose(a_in)) return r;
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const int64_t m = a.rows(), n = a.cols();
    auto out = MatrixBlock::uninitialized(n, m);
    const double *src = a.data();
    double *dst = out->mutable_data();
    if (m == 1 || n == 1) {
        if (a.cells() > 0) std::memcpy(dst, src, a.size_in_bytes());
    } else {
        const int64_t row_tiles = (m + kTile - 1) / kTile;
        detail::parallel_range(row_tiles, a.cells(), [&](int64_t t0, int64_t t1) {
            for (int64_t bi = t0 * kTile; bi < std::min(m, t1 * kTile); bi += kTile) {
                const int64_t iend = std::min(bi + kTile, m);
                for (int64_t bj = 0; bj < n; bj += kTile) {
                    const int64_t jend = std::min(bj + kTile, n);
                    for (int64_t i = bi; i < iend; ++i)
                        for (int64_t j = bj; j < jend; ++j) dst[j * m + i] = src[i * n + j];
                }
            }
        });
    }
    out->recompute_nnz();
    return out;
}

MatrixPtr rev(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const int64_t m = a.rows(), n = a.cols();
    auto out = MatrixBlock::uninitialized(m, n);
    if (n > 0)
        for (int64_t i = 0; i < m; ++i)
            std::memcpy(out->mutable_row(m - 1 - i), a.row(i), static_cast<size_t>(n) * sizeof(double));
    out->recompute_nnz();
    return out;
}

MatrixPtr diag(const MatrixBlock &a_in) {
    // A diagonal matrix is sparse whenever n > 1: build it as CSR from either input format.
    if (a_in.cols() == 1 && prefer_sparse(a_in.rows(), a_in.rows(), a_in.nnz()))
        return sparse::diag_vector(a_in);
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    if (a.cols() == 1) {
        const int64_t n = a.rows();
        auto out = std::make_shared<MatrixBlock>(n, n, 0.0);
        for (int64_t i = 0; i < n; ++i) out->set(i, i, a.get(i, 0));
        out->recompute_nnz();
        return out;
    }
    if (a.rows() == a.cols()) {
        const int64_t n = a.rows();
        auto out = MatrixBlock::uninitialized(n, 1);
        for (int64_t i = 0; i < n; ++i) out->set(i, 0, a.get(i, i));
        out->recompute_nnz();
        return out;
    }
    throw KernelError("diag requires a column vector or a square matrix, got " + std::to_string(a.rows()) +
                      "x" + std::to_string(a.cols()));
}

MatrixPtr reshape(const MatrixBlock &a_in, int64_t rows, int64_t cols, bool byrow) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    if (rows < 0 || cols < 0 || rows * cols != a.cells())
        throw KernelError("cannot reshape a " + std::to_string(a.rows()) + "x" + std::to_string(a.cols()) +
                          " matrix into " + std::to_string(rows) + "x" + std::to_string(cols));
    auto out = MatrixBlock::uninitialized(rows, cols);
    if (byrow || rows == a.rows()) {
        // Row-major order is preserved (and same shape is the same in either order).
        if (a.cells() > 0) std::memcpy(out->mutable_data(), a.data(), a.size_in_bytes());
    } else {
        // Column-major on both sides: linear index k reads a(k % a.rows, k / a.rows).
        const int64_t ar = a.rows();
        double *dst = out->mutable_data();
        for (int64_t j = 0; j < cols; ++j)
            for (int64_t i = 0; i < rows; ++i) {
                const int64_t k = j * rows + i;
                dst[i * cols + j] = a.get(k % ar, k / ar);
            }
    }
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
