// Reordering and selection: order (stable sort by a column), removeEmpty, replace, unique.
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <unordered_set>
#include <vector>

namespace linea::kernels {

namespace {
/// Java's Double.compare order for sorting: NaN after +Inf, so the comparison is a strict weak order.
bool less_nan_last(double a, double b) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return a < b;
}
} // namespace

MatrixPtr order(const MatrixBlock &a_in, int64_t by, bool decreasing, bool index_return) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    if (by < 0 || by >= a.cols())
        throw KernelError("order: by=" + std::to_string(by + 1) + " is out of range for a matrix with " +
                          std::to_string(a.cols()) + " column(s)");
    const int64_t m = a.rows();
    std::vector<int64_t> ix(static_cast<size_t>(m));
    std::iota(ix.begin(), ix.end(), int64_t{0});
    if (m > 0) {
        auto key = [&](int64_t i) { return a.get(i, by); };
        // Ties keep their original row order in both directions.
        if (decreasing)
            std::stable_sort(ix.begin(), ix.end(),
                             [&](int64_t x, int64_t y) { return less_nan_last(key(y), key(x)); });
        else
            std::stable_sort(ix.begin(), ix.end(),
                             [&](int64_t x, int64_t y) { return less_nan_last(key(x), key(y)); });
    }
    if (index_return) {
        auto out = MatrixBlock::uninitialized(m, 1);
        for (int64_t i = 0; i < m; ++i) out->set(i, 0, static_cast<double>(ix[static_cast<size_t>(i)] + 1));
        out->recompute_nnz();
        return out;
    }
    auto out = MatrixBlock::uninitialized(m, a.cols());
    detail::parallel_range(m, a.cells(), [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i)
            if (a.cols() > 0)
                std::memcpy(out->mutable_row(i), a.row(ix[static_cast<size_t>(i)]),
                            static_cast<size_t>(a.cols()) * sizeof(double));
    });
    out->recompute_nnz();
    return out;
}

MatrixPtr remove_empty(const MatrixBlock &a_in, bool rows, const MatrixBlock *select_in, bool empty_return) {
    const bool sparse_in = a_in.is_sparse();
    const MatrixPtr a_dense = sparse_in ? nullptr : dense_input(a_in);
    const MatrixBlock &a = sparse_in ? a_in : *a_dense; // only read densely below when !sparse_in
    const MatrixPtr select_dense = select_in ? dense_input(*select_in) : nullptr;
    const MatrixBlock *select = select_dense.get();
    const int64_t m = a.rows(), n = a.cols();
    const int64_t count = rows ? m : n;
    std::vector<char> keep(static_cast<size_t>(count), 0);
    if (select) {
        if (select->cells() != count || (select->rows() != 1 && select->cols() != 1))
            throw KernelError(std::string("removeEmpty: select must be a vector with one cell per ") +
                              (rows ? "row" : "column") + " (" + std::to_string(count) + "), got " +
                              std::to_string(select->rows()) + "x" + std::to_string(select->cols()));
        for (int64_t k = 0; k < count; ++k) keep[static_cast<size_t>(k)] = select->data()[k] != 0.0;
    } else if (sparse_in) {
        for (int64_t i = 0; i < m; ++i)
            for (int64_t p = a.row_ptr()[i]; p < a.row_ptr()[i + 1]; ++p)
                keep[static_cast<size_t>(rows ? i : a.col_idx()[p])] = 1;
    } else {
        for (int64_t i = 0; i < m; ++i) {
            const double *r = a.row(i);
            for (int64_t j = 0; j < n; ++j)
                if (r[j] != 0.0) keep[static_cast<size_t>(rows ? i : j)] = 1; // NaN != 0 counts as non-empty
        }
    }
    std::vector<int64_t> kept;
    for (int64_t k = 0; k < count; ++k)
        if (keep[static_cast<size_t>(k)]) kept.push_back(k);
    const auto nk = static_cast<int64_t>(kept.size());
    if (nk == 0) {
        if (!empty_return) return std::make_shared<MatrixBlock>(rows ? 0 : m, rows ? n : 0, 0.0);
        return std::make_shared<MatrixBlock>(rows ? 1 : m, rows ? n : 1, 0.0);
    }
    if (sparse_in) return sparse::select(a, rows, kept);
    auto out = MatrixBlock::uninitialized(rows ? nk : m, rows ? n : nk);
    if (rows) {
        for (int64_t i = 0; i < nk; ++i)
            std::memcpy(out->mutable_row(i), a.row(kept[static_cast<size_t>(i)]),
                        static_cast<size_t>(n) * sizeof(double));
    } else {
        for (int64_t i = 0; i < m; ++i) {
            const double *src = a.row(i);
            double *dst = out->mutable_row(i);
            for (int64_t j = 0; j < nk; ++j) dst[j] = src[kept[static_cast<size_t>(j)]];
        }
    }
    out->recompute_nnz();
    return out;
}

MatrixPtr replace(const MatrixBlock &a_in, double pattern, double replacement) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    auto out = MatrixBlock::uninitialized(a.rows(), a.cols());
    const bool nan = std::isnan(pattern);
    const double *src = a.data();
    double *dst = out->mutable_data();
    detail::parallel_range(a.cells(), a.cells(), [&](int64_t c0, int64_t c1) {
        for (int64_t i = c0; i < c1; ++i) {
            const double v = src[i];
            dst[i] = (nan ? std::isnan(v) : v == pattern) ? replacement : v;
        }
    });
    out->recompute_nnz();
    return out;
}

MatrixPtr unique(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    std::vector<double> vals;
    std::unordered_set<double> seen;
    bool seen_nan = false;
    const double *src = a.data();
    for (int64_t i = 0; i < a.cells(); ++i) {
        double v = src[i];
        if (std::isnan(v)) {
            if (seen_nan) continue;
            seen_nan = true;
        } else {
            if (v == 0.0) v = 0.0; // -0.0 and 0.0 are one value
            if (!seen.insert(v).second) continue;
        }
        vals.push_back(v);
    }
    auto out = MatrixBlock::uninitialized(static_cast<int64_t>(vals.size()), 1);
    if (!vals.empty()) std::memcpy(out->mutable_data(), vals.data(), vals.size() * sizeof(double));
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
