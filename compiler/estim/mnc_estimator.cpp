// MNC estimator: output nnz from the input sketches, and the output sketch for the next operator.
#include "compiler/estim/estimator.h"
#include "compiler/estim/mnc_sketch.h"
#include "compiler/estim/sketch_cache.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace linea::estim {

namespace {

using Counts = std::vector<int64_t>;

std::vector<double> as_double(const Counts &v) {
    return std::vector<double>(v.begin(), v.end());
}

/// 1 - prod(1 - p_j), accumulated in log space (stable for many tiny p_j).
struct AnyOf {
    double log_none = 0;
    bool certain = false;
    void add(double p) {
        if (p >= 1)
            certain = true;
        else if (p > 0)
            log_none += std::log1p(-p);
    }
    double value() const { return certain ? 1.0 : -std::expm1(log_none); }
};

/// nnz of A %*% B from the sketches of A (m x k) and B (k x n).
double matmult_nnz(const MncSketch &a, const MncSketch &b) {
    const size_t k = a.col_nnz.size();
    double nnz = 0;
    if (a.max_row_nnz <= 1 || b.max_col_nnz <= 1) {
        // Exact: every output cell gets at most one product, so the dot product counts them.
        for (size_t j = 0; j < k; ++j)
            nnz += static_cast<double>(a.col_nnz[j]) * static_cast<double>(b.row_nnz[j]);
        return nnz;
    }
    if (a.extended() || b.extended()) {
        // Exact part: products from rows of A with a single non-zero and columns of B with a single
        // non-zero (counted once); the rest is estimated over the remaining output area only.
        const double area = static_cast<double>(a.nonempty_rows - a.single_rows) *
                            static_cast<double>(b.nonempty_cols - b.single_cols);
        AnyOf rest;
        for (size_t j = 0; j < k; ++j) {
            const double ae = a.extended() ? static_cast<double>(a.col_nnz_1e[j]) : 0.0;
            const double be = b.extended() ? static_cast<double>(b.row_nnz_1e[j]) : 0.0;
            const double ac = static_cast<double>(a.col_nnz[j]), br = static_cast<double>(b.row_nnz[j]);
            nnz += ae * br + (ac - ae) * be;
            if (area > 0) rest.add((ac - ae) * (br - be) / area);
        }
        nnz += rest.value() * std::max(area, 0.0);
    } else {
        const double area = static_cast<double>(a.nonempty_rows) * static_cast<double>(b.nonempty_cols);
        AnyOf any;
        for (size_t j = 0; j < k; ++j)
            if (area > 0)
                any.add(static_cast<double>(a.col_nnz[j]) * static_cast<double>(b.row_nnz[j]) / area);
        nnz = any.value() * area;
    }
    // Upper bound: only non-empty rows of A meet non-empty columns of B. Lower bound: a row of A more
    // than half full and a column of B more than half full share an index of the inner dimension.
    nnz = std::min(nnz, static_cast<double>(a.nonempty_rows) * static_cast<double>(b.nonempty_cols));
    nnz = std::max(nnz, static_cast<double>(a.half_full_rows) * static_cast<double>(b.half_full_cols));
    return nnz;
}

/// Per-row (or per-column) expected overlap of two patterns under independence within the row.
double overlap(const Counts &x, const Counts &y, int64_t width) {
    if (width <= 0) return 0;
    double s = 0;
    for (size_t i = 0; i < x.size(); ++i)
        s += static_cast<double>(x[i]) * static_cast<double>(y[i]) / static_cast<double>(width);
    return s;
}

/// nnz of A * B: the smaller of the row-wise and the column-wise overlap estimate.
double mult_nnz(const MncSketch &a, const MncSketch &b) {
    const double r = overlap(a.row_nnz, b.row_nnz, a.cols), c = overlap(a.col_nnz, b.col_nnz, a.rows);
    return std::min({r, c, static_cast<double>(std::min(a.nnz, b.nnz))});
}

/// Table of two known category vectors: one entry per valid input row, duplicates merged.
struct TableCounts {
    Counts rows, cols;
    double nnz = 0;
};
TableCounts table_counts(const EstimNode &n) {
    const kernels::MatrixBlock &va = *n.inputs[0]->data, &vb = *n.inputs[1]->data;
    TableCounts t;
    t.rows.assign(static_cast<size_t>(n.rows), 0);
    t.cols.assign(static_cast<size_t>(n.cols), 0);
    double valid = 0;
    for (int64_t k = 0; k < va.rows(); ++k) {
        const double x = va.get(k, 0), y = vb.get(k, 0);
        if (std::isnan(x) || std::isnan(y)) continue;
        const auto r = static_cast<int64_t>(std::floor(x + 1e-14)),
                   c = static_cast<int64_t>(std::floor(y + 1e-14));
        if (r < 1 || r > n.rows || c < 1 || c > n.cols) continue;
        ++t.rows[static_cast<size_t>(r - 1)];
        ++t.cols[static_cast<size_t>(c - 1)];
        ++valid;
    }
    int64_t max_r = 0, max_c = 0;
    for (int64_t v : t.rows) max_r = std::max(max_r, v);
    for (int64_t v : t.cols) max_c = std::max(max_c, v);
    int64_t used_r = 0, used_c = 0;
    for (int64_t v : t.rows) used_r += v > 0;
    for (int64_t v : t.cols) used_c += v > 0;
    if (max_r <= 1 || max_c <= 1) {
        t.nnz = valid; // all pairs distinct (e.g. one-hot encoding: a is a sequence)
    } else if (static_cast<double>(used_r) * static_cast<double>(used_c) > 1e8) {
        t.nnz = valid; // too many cells to sum over: the upper bound
    } else {
        // Pairs hit cells of row r with probabilities proportional to the column counts.
        for (int64_t hr : t.rows) {
            if (hr == 0) continue;
            double cells = 0;
            for (int64_t hc : t.cols)
                if (hc > 0)
                    cells +=
                        -std::expm1(static_cast<double>(hr) * std::log1p(-static_cast<double>(hc) / valid));
            t.nnz += std::min(cells, static_cast<double>(hr));
        }
    }
    // Row / column counts become counts of distinct cells, scaled to the estimate.
    t.rows = scale_counts(as_double(t.rows), t.nnz, n.cols);
    t.cols = scale_counts(as_double(t.cols), t.nnz, n.rows);
    return t;
}

class MncEstimator : public SparsityEstimator {
public:
    const char *name() const override { return "mnc"; }

    double estimate_nnz(const EstimNode &n) const override {
        Memo memo;
        if (n.op == EstimOp::Leaf) return static_cast<double>(n.leaf_nnz);
        std::vector<const MncSketch *> in;
        for (const auto &x : n.inputs) in.push_back(&sketch(*x, memo));
        return estimate(n, in);
    }

private:
    using Memo = std::map<const EstimNode *, MncSketch>;

    const MncSketch &sketch(const EstimNode &n, Memo &memo) const {
        auto it = memo.find(&n);
        if (it != memo.end()) return it->second;
        MncSketch s;
        if (n.op == EstimOp::Leaf) {
            s = n.data ? *sketch_of(n.data) : MncSketch::uniform(n.rows, n.cols, n.leaf_nnz);
        } else {
            std::vector<const MncSketch *> in;
            for (const auto &x : n.inputs) in.push_back(&sketch(*x, memo));
            s = propagate(n, in, estimate(n, in));
        }
        return memo.emplace(&n, std::move(s)).first->second;
    }

    static double estimate(const EstimNode &n, const std::vector<const MncSketch *> &in) {
        const double cells = static_cast<double>(n.rows) * static_cast<double>(n.cols);
        switch (n.op) {
        case EstimOp::Leaf:
            return static_cast<double>(n.leaf_nnz);
        case EstimOp::MatMult:
            if (in[0]->cols != in[1]->rows) break;
            return matmult_nnz(*in[0], *in[1]);
        case EstimOp::Mult:
            return mult_nnz(*in[0], *in[1]);
        case EstimOp::Plus:
        case EstimOp::NotEqual:
            return static_cast<double>(in[0]->nnz + in[1]->nnz) - mult_nnz(*in[0], *in[1]);
        case EstimOp::Equal:
            return cells - (static_cast<double>(in[0]->nnz + in[1]->nnz) - mult_nnz(*in[0], *in[1]));
        case EstimOp::Transpose:
        case EstimOp::Reshape:
        case EstimOp::RemoveEmptyRows:
        case EstimOp::RemoveEmptyCols:
            return static_cast<double>(in[0]->nnz);
        case EstimOp::Cbind:
        case EstimOp::Rbind: {
            double s = 0;
            for (const MncSketch *x : in) s += static_cast<double>(x->nnz);
            return s;
        }
        case EstimOp::Slice: {
            const MncSketch &a = *in[0];
            double rows = 0, cols = 0;
            for (int64_t i = n.r0; i < n.r1; ++i)
                rows += static_cast<double>(a.row_nnz[static_cast<size_t>(i)]);
            for (int64_t j = n.c0; j < n.c1; ++j)
                cols += static_cast<double>(a.col_nnz[static_cast<size_t>(j)]);
            // Exact when one side is taken whole; else the column share of the selected rows.
            if (n.c1 - n.c0 == a.cols) return rows;
            if (n.r1 - n.r0 == a.rows) return cols;
            return a.nnz > 0 ? rows * cols / static_cast<double>(a.nnz) : 0.0;
        }
        case EstimOp::Diag: {
            const MncSketch &a = *in[0];
            if (n.cols != 1) return static_cast<double>(a.nnz);
            // Cell (i, i) is non-zero with probability row_nnz[i] * col_nnz[i] / nnz.
            double s = 0;
            for (size_t i = 0; i < a.row_nnz.size(); ++i)
                if (a.nnz > 0)
                    s += std::min(1.0, static_cast<double>(a.row_nnz[i]) * static_cast<double>(a.col_nnz[i]) /
                                           static_cast<double>(a.nnz));
            return s;
        }
        case EstimOp::Table:
            return table_counts(n).nnz;
        }
        return cells;
    }

    static MncSketch propagate(const EstimNode &n, const std::vector<const MncSketch *> &in, double nnz) {
        const int64_t m = n.rows, c = n.cols;
        auto scaled = [&](const std::vector<double> &r, const std::vector<double> &cl) {
            return MncSketch::from_counts(m, c, scale_counts(r, nnz, c), scale_counts(cl, nnz, m));
        };
        switch (n.op) {
        case EstimOp::Leaf:
            break;
        case EstimOp::MatMult:
            // Row counts follow A's, column counts B's (empty rows / columns stay empty).
            return scaled(as_double(in[0]->row_nnz), as_double(in[1]->col_nnz));
        case EstimOp::Mult:
        case EstimOp::Plus:
        case EstimOp::NotEqual:
        case EstimOp::Equal: {
            const MncSketch &a = *in[0], &b = *in[1];
            std::vector<double> r(static_cast<size_t>(m)), cl(static_cast<size_t>(c));
            for (size_t i = 0; i < r.size(); ++i) {
                const double x = static_cast<double>(a.row_nnz[i]), y = static_cast<double>(b.row_nnz[i]);
                const double both = c > 0 ? x * y / static_cast<double>(c) : 0.0;
                r[i] = n.op == EstimOp::Mult ? both : x + y - both;
                if (n.op == EstimOp::Equal) r[i] = static_cast<double>(c) - r[i];
            }
            for (size_t j = 0; j < cl.size(); ++j) {
                const double x = static_cast<double>(a.col_nnz[j]), y = static_cast<double>(b.col_nnz[j]);
                const double both = m > 0 ? x * y / static_cast<double>(m) : 0.0;
                cl[j] = n.op == EstimOp::Mult ? both : x + y - both;
                if (n.op == EstimOp::Equal) cl[j] = static_cast<double>(m) - cl[j];
            }
            return scaled(r, cl);
        }
        case EstimOp::Transpose: {
            MncSketch s = *in[0];
            std::swap(s.rows, s.cols);
            std::swap(s.row_nnz, s.col_nnz);
            std::swap(s.row_nnz_1e, s.col_nnz_1e);
            s.summarize();
            return s;
        }
        case EstimOp::Reshape: {
            const MncSketch &a = *in[0];
            if (m == a.rows) return a;
            std::vector<double> r(static_cast<size_t>(m), 0.0), cl(static_cast<size_t>(c), 0.0);
            if (a.cols > 0 && c % a.cols == 0) {
                // Rows merge: new row i holds old rows k*i .. k*i+k-1 (exact); columns repeat.
                const int64_t k = c / a.cols;
                for (int64_t i = 0; i < a.rows; ++i)
                    r[static_cast<size_t>(i / k)] += static_cast<double>(a.row_nnz[static_cast<size_t>(i)]);
                for (int64_t j = 0; j < c; ++j)
                    cl[static_cast<size_t>(j)] =
                        static_cast<double>(a.col_nnz[static_cast<size_t>(j % a.cols)]);
            } else if (c > 0 && a.cols % c == 0) {
                // Rows split: old column j lands in new column j % c (exact); rows spread evenly.
                const int64_t k = a.cols / c;
                for (int64_t i = 0; i < m; ++i)
                    r[static_cast<size_t>(i)] = static_cast<double>(a.row_nnz[static_cast<size_t>(i / k)]);
                for (int64_t j = 0; j < a.cols; ++j)
                    cl[static_cast<size_t>(j % c)] += static_cast<double>(a.col_nnz[static_cast<size_t>(j)]);
            } else {
                return MncSketch::uniform(m, c, static_cast<int64_t>(nnz));
            }
            return scaled(r, cl);
        }
        case EstimOp::Cbind:
        case EstimOp::Rbind: {
            const bool by_col = n.op == EstimOp::Cbind;
            Counts r(static_cast<size_t>(m), 0), cl(static_cast<size_t>(c), 0);
            int64_t off = 0;
            for (const MncSketch *x : in) {
                for (size_t i = 0; i < x->row_nnz.size(); ++i) r[by_col ? i : i + off] += x->row_nnz[i];
                for (size_t j = 0; j < x->col_nnz.size(); ++j) cl[by_col ? j + off : j] += x->col_nnz[j];
                off += by_col ? x->cols : x->rows;
            }
            return MncSketch::from_counts(m, c, std::move(r), std::move(cl));
        }
        case EstimOp::Slice: {
            const MncSketch &a = *in[0];
            std::vector<double> r(a.row_nnz.begin() + n.r0, a.row_nnz.begin() + n.r1);
            std::vector<double> cl(a.col_nnz.begin() + n.c0, a.col_nnz.begin() + n.c1);
            return scaled(r, cl);
        }
        case EstimOp::Diag: {
            const MncSketch &a = *in[0];
            if (n.cols != 1) {
                Counts r(a.row_nnz.begin(), a.row_nnz.end());
                MncSketch s = MncSketch::from_counts(m, c, r, r);
                s.row_nnz_1e = s.row_nnz;
                s.col_nnz_1e = s.col_nnz;
                return s;
            }
            std::vector<double> r(static_cast<size_t>(m));
            for (size_t i = 0; i < r.size(); ++i)
                r[i] = a.nnz > 0
                           ? std::min(1.0, static_cast<double>(a.row_nnz[i]) *
                                               static_cast<double>(a.col_nnz[i]) / static_cast<double>(a.nnz))
                           : 0.0;
            return scaled(r, {1.0});
        }
        case EstimOp::Table: {
            TableCounts t = table_counts(n);
            return MncSketch::from_counts(m, c, std::move(t.rows), std::move(t.cols));
        }
        case EstimOp::RemoveEmptyRows:
        case EstimOp::RemoveEmptyCols: {
            MncSketch s = *in[0];
            const bool rows = n.op == EstimOp::RemoveEmptyRows;
            Counts &keep = rows ? s.row_nnz : s.col_nnz;
            Counts &keep_1e = rows ? s.row_nnz_1e : s.col_nnz_1e;
            Counts k, k1e;
            for (size_t i = 0; i < keep.size(); ++i)
                if (keep[i] > 0) {
                    k.push_back(keep[i]);
                    if (!keep_1e.empty()) k1e.push_back(keep_1e[i]);
                }
            (rows ? s.rows : s.cols) = static_cast<int64_t>(k.size());
            keep = std::move(k);
            keep_1e = std::move(k1e);
            s.summarize();
            return s;
        }
        }
        return MncSketch::uniform(m, c, static_cast<int64_t>(nnz));
    }
};

} // namespace

std::unique_ptr<SparsityEstimator> make_mnc() {
    return std::make_unique<MncEstimator>();
}

std::vector<std::vector<double>> mnc_chain_nnz(const std::vector<EstimNodePtr> &ops) {
    const size_t n = ops.size();
    std::vector<std::vector<double>> out(n, std::vector<double>(n, 0.0));
    std::vector<MncSketch> leaf(n);
    for (size_t i = 0; i < n; ++i) {
        const EstimNode &o = *ops[i];
        leaf[i] = o.data ? *sketch_of(o.data) : MncSketch::uniform(o.rows, o.cols, o.leaf_nnz);
        out[i][i] = static_cast<double>(leaf[i].nnz);
    }
    for (size_t i = 0; i < n; ++i) {
        MncSketch acc = leaf[i];
        for (size_t j = i + 1; j < n; ++j) {
            if (acc.cols != leaf[j].rows) return {}; // a shape error, reported at run time
            const double nnz = matmult_nnz(acc, leaf[j]);
            out[i][j] = nnz;
            if (j + 1 < n)
                acc = MncSketch::from_counts(acc.rows, leaf[j].cols,
                                             scale_counts(as_double(acc.row_nnz), nnz, leaf[j].cols),
                                             scale_counts(as_double(leaf[j].col_nnz), nnz, acc.rows));
        }
    }
    return out;
}

} // namespace linea::estim
