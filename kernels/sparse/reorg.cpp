// Reorganisations and indexing of CSR blocks: transpose, diag of a vector, slicing, cbind/rbind,
// removeEmpty. All produce CSR directly (then the format policy decides) without a dense intermediate.
#include "kernels/parallel.h"
#include "kernels/sparse/csr_builder.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <climits>
#include <vector>

namespace linea::kernels::sparse {

MatrixPtr transpose(const MatrixBlock &a) {
    const int64_t m = a.rows(), n = a.cols(), nnz = a.nnz();
    if (m > INT32_MAX) return nullptr; // the result's columns would not fit CSR indexes
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    // Row chunks (count fixed by the shape) count their entries per column, then scatter in chunk order,
    // so each output row lists source rows in increasing order.
    const int64_t nchunks =
        std::clamp<int64_t>(std::min(nnz / (256 * 1024), nnz / std::max<int64_t>(n, 1)), 1, 64);
    const int64_t chunk = m == 0 ? 1 : (m + nchunks - 1) / nchunks;
    std::vector<std::vector<int64_t>> off(static_cast<size_t>(nchunks), std::vector<int64_t>(n, 0));
    detail::parallel_range(nchunks, nnz, [&](int64_t k0, int64_t k1) {
        for (int64_t k = k0; k < k1; ++k) {
            int64_t *c = off[k].data();
            const int64_t e = rp[std::min(m, (k + 1) * chunk)];
            for (int64_t p = rp[std::min(m, k * chunk)]; p < e; ++p) ++c[ci[p]];
        }
    });
    CsrVector<int64_t> orp(static_cast<size_t>(n) + 1, 0);
    int64_t run = 0;
    for (int64_t j = 0; j < n; ++j) {
        orp[j] = run;
        for (int64_t k = 0; k < nchunks; ++k) {
            const int64_t c = off[k][j];
            off[k][j] = run;
            run += c;
        }
    }
    orp[n] = run;
    CsrVector<int32_t> oci(static_cast<size_t>(nnz));
    CsrVector<double> ocv(static_cast<size_t>(nnz));
    prefault(oci);
    prefault(ocv);
    detail::parallel_range(nchunks, nnz, [&](int64_t k0, int64_t k1) {
        for (int64_t k = k0; k < k1; ++k) {
            int64_t *o = off[k].data();
            const int64_t r1 = std::min(m, (k + 1) * chunk);
            for (int64_t i = std::min(m, k * chunk); i < r1; ++i)
                for (int64_t p = rp[i]; p < rp[i + 1]; ++p) {
                    const int64_t dst = o[ci[p]]++;
                    oci[dst] = static_cast<int32_t>(i);
                    ocv[dst] = cv[p];
                }
        }
    });
    return with_chosen_format(
        MatrixBlock::sparse_trusted(n, m, std::move(orp), std::move(oci), std::move(ocv)));
}

MatrixPtr diag_vector(const MatrixBlock &a) {
    const int64_t n = a.rows();
    return with_chosen_format(build_rows(
        n, n, n, [](int64_t) { return int64_t{1}; },
        [&](int64_t i, int32_t *oc, double *ov) {
            const double v = a.get(i, 0);
            if (v == 0.0) return int64_t{0};
            oc[0] = static_cast<int32_t>(i);
            ov[0] = v;
            return int64_t{1};
        }));
}

MatrixPtr slice(const MatrixBlock &a, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    const bool all_cols = c0 == 0 && c1 == a.cols();
    auto range = [&](int64_t i, int64_t &b, int64_t &e) {
        b = rp[r0 + i];
        e = rp[r0 + i + 1];
        if (all_cols) return;
        b = std::lower_bound(ci + b, ci + e, static_cast<int32_t>(c0)) - ci;
        e = std::lower_bound(ci + b, ci + e, static_cast<int32_t>(c1)) - ci;
    };
    return with_chosen_format(build_rows(
        r1 - r0, c1 - c0, rp[r1] - rp[r0],
        [&](int64_t i) {
            int64_t b, e;
            range(i, b, e);
            return e - b;
        },
        [&](int64_t i, int32_t *oc, double *ov) {
            int64_t b, e;
            range(i, b, e);
            for (int64_t p = b; p < e; ++p) {
                oc[p - b] = static_cast<int32_t>(ci[p] - c0);
                ov[p - b] = cv[p];
            }
            return e - b;
        }));
}

namespace {
/// Appends the non-zeros of row i of m (either format) with columns shifted by `shift`.
int64_t copy_row(const MatrixBlock &m, int64_t i, int64_t shift, int32_t *oc, double *ov) {
    int64_t n = 0;
    if (m.is_sparse()) {
        for (int64_t p = m.row_ptr()[i]; p < m.row_ptr()[i + 1]; ++p) {
            oc[n] = static_cast<int32_t>(m.col_idx()[p] + shift);
            ov[n++] = m.values()[p];
        }
        return n;
    }
    const double *r = m.row(i);
    for (int64_t j = 0; j < m.cols(); ++j)
        if (r[j] != 0.0) {
            oc[n] = static_cast<int32_t>(j + shift);
            ov[n++] = r[j];
        }
    return n;
}
int64_t row_bound(const MatrixBlock &m, int64_t i) {
    return m.is_sparse() ? m.row_nnz(i) : m.cols();
}
int64_t work_of(const std::vector<const MatrixBlock *> &parts) {
    int64_t w = 0;
    for (const MatrixBlock *p : parts) w += p->is_sparse() ? p->nnz() : p->cells();
    return w;
}
} // namespace

MatrixPtr cbind(const std::vector<const MatrixBlock *> &parts, int64_t rows, int64_t cols) {
    return with_chosen_format(build_rows(
        rows, cols, work_of(parts),
        [&](int64_t i) {
            int64_t n = 0;
            for (const MatrixBlock *p : parts) n += row_bound(*p, i);
            return n;
        },
        [&](int64_t i, int32_t *oc, double *ov) {
            int64_t n = 0, shift = 0;
            for (const MatrixBlock *p : parts) {
                n += copy_row(*p, i, shift, oc + n, ov + n);
                shift += p->cols();
            }
            return n;
        }));
}

MatrixPtr rbind(const std::vector<const MatrixBlock *> &parts, int64_t rows, int64_t cols) {
    std::vector<int64_t> starts; // first output row of each part
    int64_t r = 0;
    for (const MatrixBlock *p : parts) {
        starts.push_back(r);
        r += p->rows();
    }
    auto locate = [&](int64_t i, const MatrixBlock *&p) {
        const size_t k =
            static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), i) - starts.begin()) - 1;
        // Parts with zero rows share a start with the next part; upper_bound picks the last of them,
        // which is the one that actually holds row i.
        p = parts[k];
        return i - starts[k];
    };
    return with_chosen_format(build_rows(
        rows, cols, work_of(parts),
        [&](int64_t i) {
            const MatrixBlock *p;
            const int64_t li = locate(i, p);
            return row_bound(*p, li);
        },
        [&](int64_t i, int32_t *oc, double *ov) {
            const MatrixBlock *p;
            const int64_t li = locate(i, p);
            return copy_row(*p, li, 0, oc, ov);
        }));
}

MatrixPtr select(const MatrixBlock &a, bool rows, const std::vector<int64_t> &kept) {
    const int64_t nk = static_cast<int64_t>(kept.size());
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    if (rows)
        return with_chosen_format(build_rows(
            nk, a.cols(), a.nnz(), [&](int64_t i) { return a.row_nnz(kept[static_cast<size_t>(i)]); },
            [&](int64_t i, int32_t *oc, double *ov) {
                const int64_t src = kept[static_cast<size_t>(i)];
                return copy_row(a, src, 0, oc, ov);
            }));
    std::vector<int32_t> new_col(static_cast<size_t>(a.cols()), -1);
    for (int64_t k = 0; k < nk; ++k)
        new_col[static_cast<size_t>(kept[static_cast<size_t>(k)])] = static_cast<int32_t>(k);
    return with_chosen_format(build_rows(
        a.rows(), nk, a.nnz(), [&](int64_t i) { return a.row_nnz(i); },
        [&](int64_t i, int32_t *oc, double *ov) {
            int64_t n = 0;
            for (int64_t p = rp[i]; p < rp[i + 1]; ++p) {
                const int32_t c = new_col[static_cast<size_t>(ci[p])];
                if (c < 0) continue;
                oc[n] = c;
                ov[n++] = cv[p];
            }
            return n;
        }));
}

} // namespace linea::kernels::sparse
