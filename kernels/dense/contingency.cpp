// Contingency tables and grouped aggregates: table(A, B [, W] [, odim1, odim2]), aggregate(target, groups,
// fn).
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>

#include <cmath>
#include <string>
#include <vector>

namespace linea::kernels {

namespace {

std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

/// Length of a vector input (rows x 1 or 1 x cols); -1 for a scalar source.
int64_t source_length(const CellSource &s, const char *what) {
    if (!s.m) return -1;
    if (s.m->cols() != 1 && s.m->rows() != 1)
        throw KernelError(std::string("table: ") + what + " must be a vector, got a " + shape(*s.m) +
                          " matrix");
    return s.m->cells();
}

double source_at(const CellSource &s, int64_t k) {
    return s.m ? s.m->data()[k] : s.scalar;
}

/// A 1-based category value as an index (floored, as SystemDS casts), or -1 for NaN.
int64_t category(double v, const char *fn, const char *what) {
    if (std::isnan(v)) return -1;
    const double f = std::floor(v + 1e-14);
    if (f < 1)
        throw KernelError(std::string(fn) + ": " + what +
                          " values must be positive integers (1-based), found " + format_double(v));
    if (f > 9e15)
        throw KernelError(std::string(fn) + ": " + what + " value " + format_double(v) + " is too large");
    return static_cast<int64_t>(f);
}

} // namespace

MatrixPtr table(CellSource a, CellSource b, CellSource w, int64_t odim1, int64_t odim2) {
    MatrixPtr held[3];
    int slot = 0;
    for (CellSource *s : {&a, &b, &w})
        if (s->m) {
            held[slot] = dense_input(*s->m);
            s->m = held[slot++].get();
        }
    const int64_t la = source_length(a, "the first argument"), lb = source_length(b, "the second argument"),
                  lw = source_length(w, "the weights");
    int64_t n = -1;
    for (int64_t l : {la, lb, lw}) {
        if (l < 0) continue;
        if (n >= 0 && l != n)
            throw KernelError("table: the vector arguments must have the same length, got " +
                              std::to_string(n) + " and " + std::to_string(l));
        n = l;
    }
    if (n < 0) n = 1; // all scalars: one entry
    std::vector<int64_t> ri(static_cast<size_t>(n)), ci(static_cast<size_t>(n));
    int64_t max_r = 0, max_c = 0;
    for (int64_t k = 0; k < n; ++k) {
        ri[static_cast<size_t>(k)] = category(source_at(a, k), "table", "the first argument's");
        ci[static_cast<size_t>(k)] = category(source_at(b, k), "table", "the second argument's");
        if (ri[static_cast<size_t>(k)] < 0 || ci[static_cast<size_t>(k)] < 0) continue;
        max_r = std::max(max_r, ri[static_cast<size_t>(k)]);
        max_c = std::max(max_c, ci[static_cast<size_t>(k)]);
    }
    const int64_t rows = odim1 >= 0 ? odim1 : max_r, cols = odim2 >= 0 ? odim2 : max_c;
    // At most n non-zeros: when that bound is sparse (one-hot encodings), build CSR directly.
    if (prefer_sparse(rows, cols, n)) return sparse::table(ri, ci, w, rows, cols);
    if (rows > 0 && cols > (int64_t{1} << 40) / rows)
        throw KernelError("table: the result of " + std::to_string(rows) + "x" + std::to_string(cols) +
                          " is too large");
    auto out = std::make_shared<MatrixBlock>(rows, cols, 0.0);
    for (int64_t k = 0; k < n; ++k) {
        const int64_t r = ri[static_cast<size_t>(k)], c = ci[static_cast<size_t>(k)];
        if (r < 0 || c < 0 || r > rows || c > cols) continue;
        out->set(r - 1, c - 1, out->get(r - 1, c - 1) + source_at(w, k));
    }
    out->recompute_nnz();
    return out;
}

MatrixPtr grouped_aggregate(GroupFn fn, const MatrixBlock &target_in, const MatrixBlock &groups_in,
                            const MatrixBlock *weights_in, int64_t ngroups) {
    const MatrixPtr target_dense = dense_input(target_in);
    const MatrixBlock &target = *target_dense;
    const MatrixPtr groups_dense = dense_input(groups_in);
    const MatrixBlock &groups = *groups_dense;
    const MatrixPtr weights_dense = weights_in ? dense_input(*weights_in) : nullptr;
    const MatrixBlock *weights = weights_dense.get();
    const int64_t n = target.rows(), m = target.cols();
    if ((groups.cols() != 1 && groups.rows() != 1) || groups.cells() != n)
        throw KernelError("aggregate: groups must be a vector with one cell per row of the target (" +
                          std::to_string(n) + "), got " + shape(groups));
    if (weights && (weights->rows() != n || weights->cols() != 1 || m != 1))
        throw KernelError("aggregate: weights need a single-column target and a " + std::to_string(n) +
                          "x1 weight vector, got target " + shape(target) + " and weights " +
                          shape(*weights));
    std::vector<int64_t> g(static_cast<size_t>(n));
    int64_t max_g = 0;
    for (int64_t i = 0; i < n; ++i) {
        g[static_cast<size_t>(i)] = category(groups.data()[i], "aggregate", "group");
        max_g = std::max(max_g, g[static_cast<size_t>(i)]);
    }
    const int64_t k = ngroups >= 0 ? ngroups : max_g;
    // Per group and column: weight, weighted mean and sum of squared deviations (Welford), sum, min, max.
    const auto cells = static_cast<size_t>(k * m);
    std::vector<double> wsum(cells, 0.0), mean(cells, 0.0), m2(cells, 0.0), mn(cells, 0.0), mx(cells, 0.0);
    std::vector<detail::Kahan> sum(cells);
    std::vector<char> any(cells, 0);
    for (int64_t i = 0; i < n; ++i) {
        const int64_t gi = g[static_cast<size_t>(i)];
        if (gi < 0 || gi > k) continue; // NaN group or beyond ngroups
        const double wi = weights ? weights->get(i, 0) : 1.0;
        const double *row = target.row(i);
        for (int64_t j = 0; j < m; ++j) {
            const auto c = static_cast<size_t>((gi - 1) * m + j);
            const double x = row[j];
            sum[c].add(wi * x);
            const double w_new = wsum[c] + wi;
            const double delta = x - mean[c];
            if (w_new != 0.0) mean[c] += delta * wi / w_new;
            m2[c] += wi * delta * (x - mean[c]);
            wsum[c] = w_new;
            if (!any[c]) {
                mn[c] = mx[c] = x;
                any[c] = 1;
            } else {
                mn[c] = apply_binary(BinaryOp::Min, mn[c], x);
                mx[c] = apply_binary(BinaryOp::Max, mx[c], x);
            }
        }
    }
    auto out = std::make_shared<MatrixBlock>(k, m, 0.0);
    double *dst = out->mutable_data();
    for (size_t c = 0; c < cells; ++c) {
        if (!any[c]) continue; // empty groups stay 0
        switch (fn) {
        case GroupFn::Sum:
            dst[c] = sum[c].sum;
            break;
        case GroupFn::Count:
            dst[c] = wsum[c];
            break;
        case GroupFn::Mean:
            dst[c] = mean[c];
            break;
        case GroupFn::Variance:
            dst[c] = wsum[c] <= 1.0 ? 0.0 : m2[c] / (wsum[c] - 1.0);
            break;
        case GroupFn::Min:
            dst[c] = mn[c];
            break;
        case GroupFn::Max:
            dst[c] = mx[c];
            break;
        }
    }
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
