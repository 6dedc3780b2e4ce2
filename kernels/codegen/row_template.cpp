// The row template: t(X) %*% (w * (X %*% v)) in one pass over X, dense or CSR, row chunks merged in order.
// Dense rows go in cache-sized blocks through BLAS matrix-vector products (each block is read from memory
// once); CSR rows are a dot product and an axpy over their stored cells.
#include "kernels/codegen/row_template.h"
#include "kernels/blas/tbb_blas.h"
#include "kernels/ops.h"
#include "kernels/parallel.h"

#include <algorithm>
#include <string>
#include <vector>

namespace linea::kernels::codegen {

namespace {

std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

/// Cells of a dense row block: small enough to stay in cache between its two matrix-vector products.
constexpr int64_t kBlockCells = 32 * 1024;

} // namespace

MatrixPtr row_mmchain(const MatrixBlock &x, const MatrixBlock &v_in, const MatrixBlock *w_in) {
    const int64_t n = x.rows(), m = x.cols();
    if (v_in.rows() != m || v_in.cols() != 1)
        throw KernelError("dimension mismatch in matrix multiplication: " + shape(x) + " %*% " + shape(v_in));
    if (w_in && (w_in->rows() != n || w_in->cols() != 1))
        throw KernelError("dimension mismatch in cell-wise operation: " + shape(*w_in) + " and " +
                          std::to_string(n) + "x1");
    if (n == 0 || m == 0) return std::make_shared<MatrixBlock>(m, 1, 0.0);
    const MatrixPtr v_dense = dense_input(v_in);
    const MatrixPtr w_dense = w_in ? dense_input(*w_in) : nullptr;
    const double *v = v_dense->data(), *w = w_dense ? w_dense->data() : nullptr;
    // Fixed row chunks: at least the aggregate kernels' chunk of cells, and at most 16M accumulator cells.
    constexpr int64_t kMaxAccumulatorCells = int64_t{16} << 20;
    const int64_t min_rows = std::max(
        {int64_t{1}, detail::kAggChunkCells / m, (n * m + kMaxAccumulatorCells - 1) / kMaxAccumulatorCells});
    const int64_t chunk = detail::chunk_size(n, std::min(min_rows, n));
    const int64_t nchunks = (n + chunk - 1) / chunk;
    std::vector<std::vector<double>> parts(static_cast<size_t>(nchunks));
    const bool sparse = x.is_sparse();
    const int64_t work = sparse ? x.nnz() : n * m;
    detail::parallel_range(nchunks, work, [&](int64_t c0, int64_t c1) {
        for (int64_t c = c0; c < c1; ++c) {
            std::vector<double> &acc = parts[static_cast<size_t>(c)];
            acc.assign(static_cast<size_t>(m), 0.0);
            double *a = acc.data();
            const int64_t i1 = std::min(n, (c + 1) * chunk);
            if (sparse) {
                const int64_t *rp = x.row_ptr();
                const int32_t *ci = x.col_idx();
                const double *xv = x.values();
                for (int64_t i = c * chunk; i < i1; ++i) {
                    double d = 0.0;
                    for (int64_t p = rp[i]; p < rp[i + 1]; ++p) d += xv[p] * v[ci[p]];
                    if (w) d = w[i] * d;
                    for (int64_t p = rp[i]; p < rp[i + 1]; ++p) a[ci[p]] += d * xv[p];
                }
            } else {
                // Row blocks that stay in cache: q = X_b v and t(X_b) (w_b * q) by BLAS, so the second
                // product reads the block from cache and X is read from memory once.
                const double *xd = x.data();
                const int64_t block = std::max<int64_t>(1, kBlockCells / m);
                std::vector<double> q(static_cast<size_t>(std::min(block, i1 - c * chunk)));
                std::vector<double> part(static_cast<size_t>(m));
                for (int64_t b0 = c * chunk; b0 < i1; b0 += block) {
                    const int64_t nb = std::min(block, i1 - b0);
                    blas::gemv(false, nb, m, xd + b0 * m, m, v, q.data());
                    if (w)
                        for (int64_t i = 0; i < nb; ++i)
                            q[static_cast<size_t>(i)] = w[b0 + i] * q[static_cast<size_t>(i)];
                    if (b0 == c * chunk) {
                        blas::gemv(true, nb, m, xd + b0 * m, m, q.data(), a);
                        continue;
                    }
                    blas::gemv(true, nb, m, xd + b0 * m, m, q.data(), part.data());
                    for (int64_t j = 0; j < m; ++j) a[j] += part[static_cast<size_t>(j)];
                }
            }
        }
    });
    auto out = MatrixBlock::uninitialized(m, 1);
    double *o = out->mutable_data();
    std::copy(parts[0].begin(), parts[0].end(), o);
    for (int64_t c = 1; c < nchunks; ++c) {
        const double *p = parts[static_cast<size_t>(c)].data();
        for (int64_t j = 0; j < m; ++j) o[j] += p[j];
    }
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels::codegen
