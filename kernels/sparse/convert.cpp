// Dense <-> CSR conversions and the format policy.
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/sparse/csr_builder.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>

namespace linea::kernels {

namespace {
std::atomic<SparsePolicy> g_policy{SparsePolicy::Auto};
}

void set_sparse_policy(SparsePolicy p) {
    g_policy.store(p);
}

SparsePolicy sparse_policy() {
    return g_policy.load();
}

bool prefer_sparse(int64_t rows, int64_t cols, int64_t nnz) {
    if (cols > INT32_MAX || rows <= 0 || cols <= 0) return false;
    const int64_t cells = rows * cols;
    if (g_policy.load(std::memory_order_relaxed) == SparsePolicy::Force) return nnz < cells;
    if (cells < kMinSparseCells) return false;
    const double density = static_cast<double>(nnz) / static_cast<double>(cells);
    return density < 0.4 &&
           MatrixBlock::sparse_bytes(rows, nnz) < static_cast<size_t>(cells) * sizeof(double);
}

MatrixPtr to_sparse(const MatrixBlock &a) {
    if (a.is_sparse()) return std::make_shared<MatrixBlock>(a);
    const int64_t cols = a.cols();
    return sparse::build_rows(
        a.rows(), cols, a.cells(),
        [&](int64_t i) {
            const double *r = a.row(i);
            int64_t n = 0;
            for (int64_t j = 0; j < cols; ++j) n += (r[j] != 0.0);
            return n;
        },
        [&](int64_t i, int32_t *ci, double *cv) {
            const double *r = a.row(i);
            int64_t n = 0;
            for (int64_t j = 0; j < cols; ++j)
                if (r[j] != 0.0) {
                    ci[n] = static_cast<int32_t>(j);
                    cv[n++] = r[j];
                }
            return n;
        });
}

MatrixPtr to_dense(const MatrixBlock &a) {
    if (!a.is_sparse()) return std::make_shared<MatrixBlock>(a);
    const int64_t rows = a.rows(), cols = a.cols();
    auto out = MatrixBlock::uninitialized(rows, cols);
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    detail::parallel_range(rows, a.cells(), [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            double *o = out->mutable_row(i);
            std::fill(o, o + cols, 0.0);
            for (int64_t k = rp[i]; k < rp[i + 1]; ++k) o[ci[k]] = cv[k];
        }
    });
    out->recompute_nnz();
    return out;
}

MatrixPtr with_chosen_format(MatrixPtr a) {
    if (!a) return a;
    const bool sp = prefer_sparse(a->rows(), a->cols(), a->nnz());
    if (sp == a->is_sparse()) return a;
    return sp ? to_sparse(*a) : to_dense(*a);
}

MatrixPtr dense_input(const MatrixBlock &a) {
    if (!a.is_sparse()) return MatrixPtr(MatrixPtr(), &a); // aliasing, non-owning
    return to_dense(a);
}

} // namespace linea::kernels
