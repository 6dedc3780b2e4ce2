// Full, row and column aggregates. Deterministic under any thread count: work is split into chunks
// whose boundaries depend only on the matrix shape, and partial results merge in chunk order.
//
// SystemDS facts followed here (LibMatrixAgg, CM_COV_Object):
// - var/sd are sample statistics; the variance of a single cell is 0 (not NaN).
// - rowIndexMax/rowIndexMin return the LAST position of the extreme value on ties (comparison with
//   >= / <=), ignore NaN cells, and return 1 for rows without a comparable value (all NaN).
// - min/max propagate NaN (Java Math.min/max).
// Choices for zero-cell inputs: sum is 0, prod is 1, mean/var/sd are NaN, full min/max throw
// (SystemDS's empty-block path yields 0, which is not a meaningful minimum); row/column min/max over a
// zero-length dimension give 0 like SystemDS's empty-block path.
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace linea::kernels {

namespace {

using detail::Kahan;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kChunkCells = detail::kAggChunkCells;

const char *op_name(AggOp op) {
    switch (op) {
    case AggOp::Sum:
        return "sum";
    case AggOp::SumSq:
        return "sumSq";
    case AggOp::Mean:
        return "mean";
    case AggOp::Min:
        return "min";
    case AggOp::Max:
        return "max";
    case AggOp::Prod:
        return "prod";
    case AggOp::Var:
        return "var";
    case AggOp::Sd:
        return "sd";
    case AggOp::IndexMax:
        return "rowIndexMax";
    case AggOp::IndexMin:
        return "rowIndexMin";
    case AggOp::Trace:
        return "trace";
    }
    return "aggregate";
}

double agg_min(double a, double b) {
    return apply_binary(BinaryOp::Min, a, b);
}
double agg_max(double a, double b) {
    return apply_binary(BinaryOp::Max, a, b);
}

// Reduces x[0..n) with per-chunk accumulators merged in chunk order: span(acc, p, m) adds the m cells at p.
template <class Acc, class Span, class Merge>
Acc reduce_linear(const double *x, int64_t n, Acc init, Span span, Merge merge) {
    const int64_t chunk = detail::chunk_size(n, kChunkCells);
    const int64_t nchunks = (n + chunk - 1) / chunk;
    if (nchunks <= 1) {
        Acc acc = init;
        span(acc, x, n);
        return acc;
    }
    std::vector<Acc> parts(nchunks, init);
    detail::parallel_range(nchunks, n, [&](int64_t k0, int64_t k1) {
        for (int64_t k = k0; k < k1; ++k) {
            const int64_t end = std::min(n, (k + 1) * chunk);
            span(parts[k], x + k * chunk, end - k * chunk);
        }
    });
    Acc acc = parts[0];
    for (int64_t k = 1; k < nchunks; ++k) merge(acc, parts[k]);
    return acc;
}

// The same with a per-cell step(acc, v).
template <class Acc, class Step, class Merge>
Acc reduce_cells(const double *x, int64_t n, Acc init, Step step, Merge merge) {
    return reduce_linear(
        x, n, init,
        [&step](Acc &acc, const double *p, int64_t m) {
            for (int64_t i = 0; i < m; ++i) step(acc, p[i]);
        },
        merge);
}

// Rows per chunk of the column-wise reductions (the fused operators' column aggregates use the same).
int64_t col_chunk_rows(int64_t rows, int64_t cols) {
    return detail::chunk_size(rows, std::max<int64_t>(16, kChunkCells / std::max<int64_t>(1, cols)));
}

// Column-wise reduction: one accumulator per column, row chunks merged in order.
template <class Acc, class Step, class Merge>
std::vector<Acc> reduce_cols(const MatrixBlock &a, Acc init, Step step, Merge merge) {
    const int64_t rows = a.rows(), cols = a.cols();
    const int64_t chunk = col_chunk_rows(rows, cols);
    const int64_t nchunks = rows == 0 ? 0 : (rows + chunk - 1) / chunk;
    auto run = [&](std::vector<Acc> &acc, int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            const double *row = a.row(i);
            for (int64_t j = 0; j < cols; ++j) step(acc[j], row[j], j);
        }
    };
    if (nchunks <= 1) {
        std::vector<Acc> acc(cols, init);
        run(acc, 0, rows);
        return acc;
    }
    std::vector<std::vector<Acc>> parts(nchunks, std::vector<Acc>(cols, init));
    detail::parallel_range(nchunks, a.cells(), [&](int64_t k0, int64_t k1) {
        for (int64_t k = k0; k < k1; ++k) run(parts[k], k * chunk, std::min(rows, (k + 1) * chunk));
    });
    std::vector<Acc> acc = std::move(parts[0]);
    for (int64_t k = 1; k < nchunks; ++k)
        for (int64_t j = 0; j < cols; ++j) merge(acc[j], parts[k][j]);
    return acc;
}

// Adds value(rows[k][j], j) to the Kahan sum (s[j], c[j]) of every column j < n, rows k = 0..R-1 in order:
// one contiguous loop over the columns (SIMD), each column's sum and correction in registers over the R
// rows. `Checked`: column j goes through exactly the steps of its own Kahan::add (detail::kahan_step);
// otherwise the plain Kahan step (two operations fewer per value), which gives the same bits as long as
// the column's sum stays finite (once Inf or NaN, it stays Inf or NaN: see column_sums).
template <int R, bool Checked, class Value>
[[gnu::always_inline]] inline void add_rows(double *__restrict s, double *__restrict c,
                                            const double *const *rows, int64_t n, Value value) {
    for (int64_t j = 0; j < n; ++j) {
        double sj = s[j], cj = c[j];
        for (int k = 0; k < R; ++k) {
            if constexpr (Checked) {
                detail::kahan_step(sj, cj, value(rows[k][j], j));
            } else {
                const double y = value(rows[k][j], j) - cj;
                const double t = sj + y;
                cj = (t - sj) - y;
                sj = t;
            }
        }
        s[j] = sj;
        c[j] = cj;
    }
}

// add_rows<R, checked> for R = 4 or 1.
template <class Value>
[[gnu::always_inline]] inline void add_rows_of(double *__restrict s, double *__restrict c,
                                               const double *const *rows, int r, int64_t n, bool checked,
                                               Value value) {
    if (r == 4)
        checked ? add_rows<4, true>(s, c, rows, n, value) : add_rows<4, false>(s, c, rows, n, value);
    else
        checked ? add_rows<1, true>(s, c, rows, n, value) : add_rows<1, false>(s, c, rows, n, value);
}

// add_rows of the plain values (or their squares), compiled for AVX2 and SSE2.
LINEA_AVX2_CLONES void add_rows_sum(double *__restrict s, double *__restrict c, const double *const *rows,
                                    int r, int64_t n, bool squares, bool checked) {
    if (squares)
        add_rows_of(s, c, rows, r, n, checked, [](double v, int64_t) { return v * v; });
    else
        add_rows_of(s, c, rows, r, n, checked, [](double v, int64_t) { return v; });
}

// Per-column Kahan sums over the rows: row chunks (those of reduce_cols, which the fused column aggregates
// use too) each sum into their own pair of sum/correction arrays, then every column merges its chunks in
// order (Kahan::merge), in parallel over blocks of columns. add(s, c, rows, R, n, checked) adds R rows
// (R = 4 or 1) with add_rows<R, checked>. A chunk runs with the plain steps first and, should a column's
// sum end up Inf or NaN, again from zero with kahan_step's check: the bits are always kahan_step's.
struct ColumnSums {
    std::vector<double> sum, corr;
};
template <class AddRows> ColumnSums column_sums(const MatrixBlock &a, AddRows add) {
    const int64_t rows = a.rows(), cols = a.cols();
    ColumnSums out{std::vector<double>(static_cast<size_t>(cols), 0.0),
                   std::vector<double>(static_cast<size_t>(cols), 0.0)};
    if (rows == 0 || cols == 0) return out;
    const int64_t chunk = col_chunk_rows(rows, cols);
    const int64_t nchunks = (rows + chunk - 1) / chunk;
    auto add_chunk = [&](double *s, double *c, int64_t r0, int64_t r1, bool checked) {
        int64_t i = r0;
        for (; i + 4 <= r1; i += 4) {
            const double *rp[4] = {a.row(i), a.row(i + 1), a.row(i + 2), a.row(i + 3)};
            add(s, c, rp, 4, cols, checked);
        }
        for (; i < r1; ++i) {
            const double *rp = a.row(i);
            add(s, c, &rp, 1, cols, checked);
        }
    };
    // s and c are zero on entry.
    auto run = [&](double *s, double *c, int64_t r0, int64_t r1) {
        add_chunk(s, c, r0, r1, false);
        if (detail::all_finite(s, cols)) return;
        std::fill(s, s + cols, 0.0);
        std::fill(c, c + cols, 0.0);
        add_chunk(s, c, r0, r1, true);
    };
    if (nchunks == 1) {
        run(out.sum.data(), out.corr.data(), 0, rows);
        return out;
    }
    // Chunk k's sums and corrections at parts[2k * cols] and parts[(2k + 1) * cols], zeroed by its task.
    std::unique_ptr<double[]> parts(new double[static_cast<size_t>(2 * nchunks * cols)]);
    detail::parallel_range(nchunks, a.cells(), [&](int64_t k0, int64_t k1) {
        for (int64_t k = k0; k < k1; ++k) {
            double *s = parts.get() + 2 * k * cols, *c = s + cols;
            std::fill(s, s + 2 * cols, 0.0);
            run(s, c, k * chunk, std::min(rows, (k + 1) * chunk));
        }
    });
    double *os = out.sum.data(), *oc = out.corr.data();
    detail::parallel_range(cols, nchunks * cols, [&](int64_t j0, int64_t j1) {
        std::copy(parts.get() + j0, parts.get() + j1, os + j0);
        std::copy(parts.get() + cols + j0, parts.get() + cols + j1, oc + j0);
        for (int64_t k = 1; k < nchunks; ++k) {
            const double *ps = parts.get() + 2 * k * cols, *pc = ps + cols;
            for (int64_t j = j0; j < j1; ++j) {
                detail::kahan_step(os[j], oc[j], ps[j]);
                detail::kahan_step(os[j], oc[j], -pc[j]);
            }
        }
    });
    return out;
}

using detail::KahanLanes;

Kahan kahan_of(const double *x, int64_t n, bool squares) {
    return reduce_linear(
               x, n, KahanLanes{},
               [squares](KahanLanes &k, const double *p, int64_t m) { k.add_span(p, m, squares); },
               [](KahanLanes &acc, const KahanLanes &o) { acc.merge(o); })
        .total();
}

// Sample variance of x[0..n) by two passes (mean, then squared deviations), both Kahan-summed.
double variance_of(const double *x, int64_t n) {
    if (n == 0) return kNaN;
    if (n == 1) return 0.0; // SystemDS: w == 1 gives 0, whatever the value
    const double mean = kahan_of(x, n, false).sum / static_cast<double>(n);
    Kahan m2 = reduce_cells(
        x, n, Kahan{}, [mean](Kahan &k, double v) { k.add((v - mean) * (v - mean)); },
        [](Kahan &acc, const Kahan &o) { acc.merge(o); });
    return m2.sum / static_cast<double>(n - 1);
}

double row_value(AggOp op, const double *x, int64_t n) {
    switch (op) {
    case AggOp::Sum:
    case AggOp::SumSq: {
        KahanLanes k;
        k.add_span(x, n, op == AggOp::SumSq);
        return k.total().sum;
    }
    case AggOp::Mean: {
        if (n == 0) return kNaN;
        KahanLanes k;
        k.add_span(x, n);
        return k.total().sum / static_cast<double>(n);
    }
    case AggOp::Min:
    case AggOp::Max: {
        if (n == 0) return 0.0;
        double v = x[0];
        for (int64_t j = 1; j < n; ++j) v = op == AggOp::Min ? agg_min(v, x[j]) : agg_max(v, x[j]);
        return v;
    }
    case AggOp::Prod: {
        double p = 1.0;
        for (int64_t j = 0; j < n; ++j) p *= x[j];
        return p;
    }
    case AggOp::Var:
        return variance_of(x, n);
    case AggOp::Sd:
        return std::sqrt(variance_of(x, n));
    case AggOp::IndexMax: {
        if (n == 0) return 0.0;
        double best = -std::numeric_limits<double>::max();
        int64_t idx = -1;
        for (int64_t j = 0; j < n; ++j)
            if (x[j] >= best) {
                best = x[j];
                idx = j;
            }
        return static_cast<double>(std::max<int64_t>(idx, 0) + 1);
    }
    case AggOp::IndexMin: {
        if (n == 0) return 0.0;
        double best = std::numeric_limits<double>::max();
        int64_t idx = -1;
        for (int64_t j = 0; j < n; ++j)
            if (x[j] <= best) {
                best = x[j];
                idx = j;
            }
        return static_cast<double>(std::max<int64_t>(idx, 0) + 1);
    }
    case AggOp::Trace:
        break;
    }
    throw KernelError(std::string(op_name(op)) + " is not a row aggregate");
}

MatrixPtr col_aggregate(AggOp op, const MatrixBlock &a) {
    const int64_t rows = a.rows(), cols = a.cols();
    auto out = MatrixBlock::uninitialized(1, cols);
    double *o = out->mutable_data();
    switch (op) {
    case AggOp::Sum:
    case AggOp::Mean:
    case AggOp::SumSq: {
        const bool squares = op == AggOp::SumSq;
        const ColumnSums acc =
            column_sums(a, [squares](double *s, double *c, const double *const *rp, int r, int64_t n,
                                     bool checked) { add_rows_sum(s, c, rp, r, n, squares, checked); });
        for (int64_t j = 0; j < cols; ++j)
            o[j] =
                op == AggOp::Mean ? (rows == 0 ? kNaN : acc.sum[j] / static_cast<double>(rows)) : acc.sum[j];
        break;
    }
    case AggOp::Min:
    case AggOp::Max: {
        const bool mn = op == AggOp::Min;
        struct Ext {
            double v = 0.0;
            bool set = false;
        };
        auto combine = [mn](Ext &e, double v) {
            e.v = !e.set ? v : (mn ? agg_min(e.v, v) : agg_max(e.v, v));
            e.set = true;
        };
        auto acc = reduce_cols(
            a, Ext{}, [&](Ext &e, double v, int64_t) { combine(e, v); },
            [&](Ext &e, const Ext &p) {
                if (p.set) combine(e, p.v);
            });
        for (int64_t j = 0; j < cols; ++j) o[j] = acc[j].set ? acc[j].v : 0.0;
        break;
    }
    case AggOp::Prod: {
        auto acc = reduce_cols(
            a, 1.0, [](double &p, double v, int64_t) { p *= v; }, [](double &p, const double &q) { p *= q; });
        for (int64_t j = 0; j < cols; ++j) o[j] = acc[j];
        break;
    }
    case AggOp::Var:
    case AggOp::Sd: {
        const ColumnSums sums =
            column_sums(a, [](double *s, double *c, const double *const *rp, int r, int64_t n, bool checked) {
                add_rows_sum(s, c, rp, r, n, false, checked);
            });
        std::vector<double> mean(cols);
        for (int64_t j = 0; j < cols; ++j) mean[j] = sums.sum[j] / static_cast<double>(rows);
        const double *mu = mean.data();
        auto deviation = [mu](double v, int64_t j) { return (v - mu[j]) * (v - mu[j]); };
        const ColumnSums m2 =
            column_sums(a, [deviation](double *s, double *c, const double *const *rp, int r, int64_t n,
                                       bool checked) { add_rows_of(s, c, rp, r, n, checked, deviation); });
        for (int64_t j = 0; j < cols; ++j) {
            double var;
            if (rows == 0)
                var = kNaN;
            else if (rows == 1)
                var = 0.0;
            else
                var = m2.sum[j] / static_cast<double>(rows - 1);
            o[j] = op == AggOp::Sd ? std::sqrt(var) : var;
        }
        break;
    }
    default:
        throw KernelError(std::string(op_name(op)) + " is not a column aggregate");
    }
    out->recompute_nnz();
    return out;
}

} // namespace

double aggregate_all(AggOp op, const MatrixBlock &a_in) {
    double sparse_result = 0.0;
    if (a_in.is_sparse() && sparse::aggregate_all(op, a_in, sparse_result)) return sparse_result;
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const double *x = a.data();
    const int64_t n = a.cells();
    switch (op) {
    case AggOp::Sum:
        return kahan_of(x, n, false).sum;
    case AggOp::SumSq:
        return kahan_of(x, n, true).sum;
    case AggOp::Mean:
        return n == 0 ? kNaN : kahan_of(x, n, false).sum / static_cast<double>(n);
    case AggOp::Min:
    case AggOp::Max: {
        if (n == 0) throw KernelError(std::string(op_name(op)) + " of an empty matrix");
        const bool mn = op == AggOp::Min;
        auto step = [mn](double &acc, double v) { acc = mn ? agg_min(acc, v) : agg_max(acc, v); };
        return reduce_cells(x, n, x[0], step, [step](double &acc, const double &p) { step(acc, p); });
    }
    case AggOp::Prod:
        return reduce_cells(
            x, n, 1.0, [](double &p, double v) { p *= v; }, [](double &p, const double &q) { p *= q; });
    case AggOp::Var:
        return variance_of(x, n);
    case AggOp::Sd:
        return std::sqrt(variance_of(x, n));
    case AggOp::Trace: {
        if (a.rows() != a.cols())
            throw KernelError("trace requires a square matrix, got " + std::to_string(a.rows()) + "x" +
                              std::to_string(a.cols()));
        Kahan k;
        for (int64_t i = 0; i < a.rows(); ++i) k.add(a.get(i, i));
        return k.sum;
    }
    case AggOp::IndexMax:
    case AggOp::IndexMin:
        break;
    }
    throw KernelError(std::string(op_name(op)) + " is not a full aggregate");
}

MatrixPtr aggregate(AggOp op, AggDir dir, const MatrixBlock &a_in) {
    if (a_in.is_sparse() && dir != AggDir::All)
        if (MatrixPtr r = sparse::aggregate(op, dir, a_in)) return r;
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    if (dir == AggDir::All) return std::make_shared<MatrixBlock>(1, 1, aggregate_all(op, a));
    if (op == AggOp::Trace) throw KernelError("trace is not a row or column aggregate");
    if (dir == AggDir::Col) {
        if (op == AggOp::IndexMax || op == AggOp::IndexMin)
            throw KernelError(std::string(op_name(op)) + " is only defined per row");
        return col_aggregate(op, a);
    }
    const int64_t rows = a.rows(), cols = a.cols();
    auto out = MatrixBlock::uninitialized(rows, 1);
    double *o = out->mutable_data();
    detail::parallel_range(rows, a.cells(), [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) o[i] = row_value(op, a.row(i), cols);
    });
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
