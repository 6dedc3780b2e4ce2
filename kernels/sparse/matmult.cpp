// Matrix multiply with CSR operands: sparse x dense, dense x sparse, sparse x sparse (row-wise with a
// dense accumulator) and t(X) %*% X / X %*% t(X) of a sparse X. Rows of the result are independent, so
// they run in parallel; each cell accumulates in a fixed order (independent of the thread count).
#include "kernels/parallel.h"
#include "kernels/sparse/csr_builder.h"
#include "kernels/sparse/sparse_ops.h"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace linea::kernels::sparse {

namespace {

bool all_finite(const MatrixBlock &m) {
    const double *v = m.is_sparse() ? m.values() : m.data();
    const int64_t n = m.is_sparse() ? m.nnz() : m.cells();
    double acc = 0.0;
    for (int64_t k = 0; k < n; ++k) acc += v[k] * 0.0; // NaN iff some value is NaN or +-Inf
    return acc == 0.0;
}

/// c[0..n) += v * b[0..n)
inline void axpy(double v, const double *b, double *c, int64_t n) {
    for (int64_t j = 0; j < n; ++j) c[j] += v * b[j];
}

MatrixPtr sparse_dense(const MatrixBlock &a, const MatrixBlock &b) {
    const int64_t m = a.rows(), n = b.cols();
    auto out = MatrixBlock::uninitialized(m, n);
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    const double *bd = b.data();
    detail::parallel_range(m, a.nnz() * n + m * n, [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            double *c = out->mutable_row(i);
            if (n == 1) {
                double s = 0.0;
                for (int64_t p = rp[i]; p < rp[i + 1]; ++p) s += cv[p] * bd[ci[p]];
                c[0] = s;
                continue;
            }
            std::fill(c, c + n, 0.0);
            for (int64_t p = rp[i]; p < rp[i + 1]; ++p)
                axpy(cv[p], bd + static_cast<int64_t>(ci[p]) * n, c, n);
        }
    });
    out->recompute_nnz();
    return out;
}

MatrixPtr dense_sparse(const MatrixBlock &a, const MatrixBlock &b) {
    const int64_t m = a.rows(), k = a.cols(), n = b.cols();
    auto out = MatrixBlock::uninitialized(m, n);
    const int64_t *rp = b.row_ptr();
    const int32_t *ci = b.col_idx();
    const double *cv = b.values();
    detail::parallel_range(m, m * (k + b.nnz()), [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            double *c = out->mutable_row(i);
            std::fill(c, c + n, 0.0);
            const double *ar = a.row(i);
            for (int64_t kk = 0; kk < k; ++kk) {
                const double v = ar[kk];
                if (v == 0.0) continue; // both operands are finite (see matmult)
                for (int64_t p = rp[kk]; p < rp[kk + 1]; ++p) c[ci[p]] += v * cv[p];
            }
        }
    });
    out->recompute_nnz();
    return out;
}

MatrixPtr sparse_sparse(const MatrixBlock &a, const MatrixBlock &b) {
    const int64_t m = a.rows(), n = b.cols();
    const int64_t *arp = a.row_ptr(), *brp = b.row_ptr();
    const int32_t *aci = a.col_idx(), *bci = b.col_idx();
    const double *acv = a.values(), *bcv = b.values();
    struct Acc {
        std::vector<double> val;
        std::vector<char> used;
        std::vector<int32_t> cols;
    };
    tbb::enumerable_thread_specific<Acc> accs([n] {
        Acc x;
        x.val.assign(static_cast<size_t>(n), 0.0);
        x.used.assign(static_cast<size_t>(n), 0);
        return x;
    });
    return with_chosen_format(build_rows(
        m, n, a.nnz() + b.nnz() + m,
        [&](int64_t i) {
            int64_t s = 0;
            for (int64_t p = arp[i]; p < arp[i + 1]; ++p) s += brp[aci[p] + 1] - brp[aci[p]];
            return std::min(s, n);
        },
        [&](int64_t i, int32_t *oc, double *ov) {
            Acc &x = accs.local();
            x.cols.clear();
            for (int64_t p = arp[i]; p < arp[i + 1]; ++p) {
                const double v = acv[p];
                const int32_t kk = aci[p];
                for (int64_t q = brp[kk]; q < brp[kk + 1]; ++q) {
                    const int32_t j = bci[q];
                    if (!x.used[j]) {
                        x.used[j] = 1;
                        x.cols.push_back(j);
                    }
                    x.val[j] += v * bcv[q];
                }
            }
            std::sort(x.cols.begin(), x.cols.end());
            int64_t w = 0;
            for (int32_t j : x.cols) {
                if (x.val[j] != 0.0) {
                    oc[w] = j;
                    ov[w++] = x.val[j];
                }
                x.val[j] = 0.0;
                x.used[j] = 0;
            }
            return w;
        }));
}

/// sparse_dense built as CSR (row i is empty when a's row i is): the same per-row accumulation into a
/// per-thread dense row, then only its non-zeros are kept.
MatrixPtr sparse_dense_csr(const MatrixBlock &a, const MatrixBlock &b) {
    const int64_t m = a.rows(), n = b.cols();
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    const double *bd = b.data();
    tbb::enumerable_thread_specific<std::vector<double>> accs([n] { return std::vector<double>(n, 0.0); });
    return build_rows(
        m, n, a.nnz() * n + m, [&](int64_t i) { return rp[i + 1] > rp[i] ? n : int64_t{0}; },
        [&](int64_t i, int32_t *oc, double *ov) {
            if (rp[i + 1] == rp[i]) return int64_t{0};
            std::vector<double> &c = accs.local();
            std::fill(c.begin(), c.end(), 0.0);
            for (int64_t p = rp[i]; p < rp[i + 1]; ++p)
                axpy(cv[p], bd + static_cast<int64_t>(ci[p]) * n, c.data(), n);
            int64_t w = 0;
            for (int64_t j = 0; j < n; ++j)
                if (c[j] != 0.0) {
                    oc[w] = static_cast<int32_t>(j);
                    ov[w++] = c[j];
                }
            return w;
        });
}

/// dense_sparse built as CSR: row i accumulates a[i, k] * b[k, :] over the non-zero a[i, k] (in k
/// order, as dense_sparse does) into a per-thread accumulator that tracks the touched columns.
MatrixPtr dense_sparse_csr(const MatrixBlock &a, const MatrixBlock &b, int64_t row_cap) {
    const int64_t m = a.rows(), k = a.cols(), n = b.cols();
    const int64_t *rp = b.row_ptr();
    const int32_t *ci = b.col_idx();
    const double *cv = b.values();
    struct Acc {
        std::vector<double> val;
        std::vector<char> used;
        std::vector<int32_t> cols;
    };
    tbb::enumerable_thread_specific<Acc> accs([n] {
        Acc x;
        x.val.assign(static_cast<size_t>(n), 0.0);
        x.used.assign(static_cast<size_t>(n), 0);
        return x;
    });
    return build_rows(
        m, n, m * (k + b.nnz()),
        [&](int64_t i) {
            const double *ar = a.row(i);
            int64_t s = 0;
            for (int64_t kk = 0; kk < k && s < row_cap; ++kk)
                if (ar[kk] != 0.0) s += rp[kk + 1] - rp[kk];
            return std::min(s, row_cap);
        },
        [&](int64_t i, int32_t *oc, double *ov) {
            Acc &x = accs.local();
            x.cols.clear();
            const double *ar = a.row(i);
            for (int64_t kk = 0; kk < k; ++kk) {
                const double v = ar[kk];
                if (v == 0.0) continue;
                for (int64_t p = rp[kk]; p < rp[kk + 1]; ++p) {
                    const int32_t j = ci[p];
                    if (!x.used[j]) {
                        x.used[j] = 1;
                        x.cols.push_back(j);
                    }
                    x.val[j] += v * cv[p];
                }
            }
            std::sort(x.cols.begin(), x.cols.end());
            int64_t w = 0;
            for (int32_t j : x.cols) {
                if (x.val[j] != 0.0) {
                    oc[w] = j;
                    ov[w++] = x.val[j];
                }
                x.val[j] = 0.0;
                x.used[j] = 0;
            }
            return w;
        });
}

/// Rows of a CSR block holding at least one entry.
int64_t nonempty_rows(const MatrixBlock &a) {
    int64_t r = 0;
    for (int64_t i = 0; i < a.rows(); ++i) r += a.row_nnz(i) > 0;
    return r;
}

/// Columns of a CSR block holding at least one entry.
int64_t nonempty_cols(const MatrixBlock &a) {
    std::vector<char> seen(static_cast<size_t>(a.cols()), 0);
    int64_t c = 0;
    for (int64_t p = 0; p < a.nnz(); ++p) {
        char &s = seen[static_cast<size_t>(a.col_idx()[p])];
        c += !s;
        s = 1;
    }
    return c;
}

/// out (n x n, n = a.cols()) = t(a) %*% a given at = t(a), both CSR: row j of the upper triangle
/// accumulates at[j, i] * a[i, k] for k >= j, then the lower triangle mirrors it.
MatrixPtr tsmm_core(const MatrixBlock &a, const MatrixBlock &at) {
    const int64_t n = a.cols();
    auto out = MatrixBlock::uninitialized(n, n);
    const int64_t *arp = a.row_ptr(), *trp = at.row_ptr();
    const int32_t *aci = a.col_idx(), *tci = at.col_idx();
    const double *acv = a.values(), *tcv = at.values();
    detail::parallel_range(n, n * n + a.nnz() * 8, [&](int64_t r0, int64_t r1) {
        for (int64_t j = r0; j < r1; ++j) {
            double *c = out->mutable_row(j);
            std::fill(c, c + n, 0.0);
            for (int64_t p = trp[j]; p < trp[j + 1]; ++p) {
                const double v = tcv[p];
                const int32_t i = tci[p];
                // Entries of row i from column j on (columns are sorted).
                const int64_t b =
                    std::lower_bound(aci + arp[i], aci + arp[i + 1], static_cast<int32_t>(j)) - aci;
                for (int64_t q = b; q < arp[i + 1]; ++q) c[aci[q]] += v * acv[q];
            }
        }
    });
    for (int64_t i = 1; i < n; ++i)
        for (int64_t j = 0; j < i; ++j) out->mutable_row(i)[j] = out->row(j)[i];
    out->recompute_nnz();
    return with_chosen_format(out);
}

} // namespace

MatrixPtr matmult(const MatrixBlock &a, const MatrixBlock &b, FormatHint hint) {
    // Skipping zero cells is exact only when no NaN/Inf could meet them (0 * Inf is NaN); otherwise
    // the caller takes the dense path.
    if (!all_finite(a) || !all_finite(b)) return nullptr;
    if (a.is_sparse() && b.is_sparse()) return sparse_sparse(a, b);
    const int64_t m = a.rows(), n = b.cols();
    // An output estimated sparse is built as CSR when its structural nnz bound is sparse too (so a
    // wrong estimate never makes CSR bigger than the dense block it replaces).
    const bool want_csr = hint == FormatHint::Sparse;
    if (a.is_sparse()) {
        if (want_csr && prefer_sparse(m, n, nonempty_rows(a) * n))
            return with_chosen_format(sparse_dense_csr(a, b));
        return with_chosen_format(sparse_dense(a, b));
    }
    if (want_csr) {
        const int64_t row_cap = std::min({n, nonempty_cols(b), b.nnz()});
        if (prefer_sparse(m, n, m * row_cap)) return with_chosen_format(dense_sparse_csr(a, b, row_cap));
    }
    return with_chosen_format(dense_sparse(a, b));
}

MatrixPtr tsmm(const MatrixBlock &a, bool left, FormatHint hint) {
    if (!all_finite(a)) return nullptr;
    MatrixPtr t = sparse::transpose(a);
    if (!t || !t->is_sparse()) return nullptr;
    if (hint == FormatHint::Sparse) {
        // The output's nnz is at most the sum over the shared dimension of its squared counts.
        const MatrixBlock &inner = left ? a : *t; // rows of `inner` run over the shared dimension
        const int64_t n = left ? a.cols() : a.rows();
        double bound = 0.0;
        for (int64_t i = 0; i < inner.rows(); ++i)
            bound += static_cast<double>(inner.row_nnz(i)) * static_cast<double>(inner.row_nnz(i));
        bound = std::min(bound, static_cast<double>(n) * static_cast<double>(n));
        if (prefer_sparse(n, n, static_cast<int64_t>(bound)))
            return left ? sparse_sparse(*t, a) : sparse_sparse(a, *t);
    }
    return left ? tsmm_core(a, *t) : tsmm_core(*t, a);
}

} // namespace linea::kernels::sparse
