#include "compiler/estim/mnc_sketch.h"

#include <algorithm>
#include <cmath>

namespace linea::estim {

void MncSketch::summarize() {
    nnz = 0;
    max_row_nnz = max_col_nnz = nonempty_rows = nonempty_cols = 0;
    single_rows = single_cols = half_full_rows = half_full_cols = 0;
    for (int64_t r : row_nnz) {
        nnz += r;
        max_row_nnz = std::max(max_row_nnz, r);
        nonempty_rows += r > 0;
        single_rows += r == 1;
        half_full_rows += 2 * r > cols;
    }
    for (int64_t c : col_nnz) {
        max_col_nnz = std::max(max_col_nnz, c);
        nonempty_cols += c > 0;
        single_cols += c == 1;
        half_full_cols += 2 * c > rows;
    }
}

MncSketch MncSketch::of(const kernels::MatrixBlock &m) {
    MncSketch s;
    s.rows = m.rows();
    s.cols = m.cols();
    s.row_nnz.assign(static_cast<size_t>(s.rows), 0);
    s.col_nnz.assign(static_cast<size_t>(s.cols), 0);
    s.row_nnz_1e.assign(static_cast<size_t>(s.rows), 0);
    s.col_nnz_1e.assign(static_cast<size_t>(s.cols), 0);
    // Visits every non-zero (i, j) in row order.
    auto each = [&](auto f) {
        if (m.is_sparse()) {
            const int64_t *rp = m.row_ptr();
            const int32_t *ci = m.col_idx();
            for (int64_t i = 0; i < s.rows; ++i)
                for (int64_t k = rp[i]; k < rp[i + 1]; ++k) f(i, static_cast<int64_t>(ci[k]));
        } else if (!m.empty()) {
            for (int64_t i = 0; i < s.rows; ++i) {
                const double *row = m.row(i);
                for (int64_t j = 0; j < s.cols; ++j)
                    if (row[j] != 0.0) f(i, j);
            }
        }
    };
    if (m.is_sparse()) {
        for (int64_t i = 0; i < s.rows; ++i) s.row_nnz[static_cast<size_t>(i)] = m.row_nnz(i);
        const int32_t *ci = m.col_idx();
        for (int64_t k = 0; k < m.nnz(); ++k) ++s.col_nnz[static_cast<size_t>(ci[k])];
    } else {
        each([&](int64_t i, int64_t j) {
            ++s.row_nnz[static_cast<size_t>(i)];
            ++s.col_nnz[static_cast<size_t>(j)];
        });
    }
    s.summarize();
    // The extended counts need the column (row) counts, hence a second pass.
    each([&](int64_t i, int64_t j) {
        if (s.col_nnz[static_cast<size_t>(j)] == 1) ++s.row_nnz_1e[static_cast<size_t>(i)];
        if (s.row_nnz[static_cast<size_t>(i)] == 1) ++s.col_nnz_1e[static_cast<size_t>(j)];
    });
    return s;
}

MncSketch MncSketch::from_counts(int64_t rows, int64_t cols, std::vector<int64_t> row_nnz,
                                 std::vector<int64_t> col_nnz) {
    MncSketch s;
    s.rows = rows;
    s.cols = cols;
    s.row_nnz = std::move(row_nnz);
    s.col_nnz = std::move(col_nnz);
    s.summarize();
    return s;
}

MncSketch MncSketch::uniform(int64_t rows, int64_t cols, int64_t nnz) {
    const double total = static_cast<double>(std::min(nnz, rows * cols));
    return from_counts(rows, cols,
                       scale_counts(std::vector<double>(static_cast<size_t>(rows), 1.0), total, cols),
                       scale_counts(std::vector<double>(static_cast<size_t>(cols), 1.0), total, rows));
}

std::vector<int64_t> scale_counts(const std::vector<double> &base, double total, int64_t cap) {
    std::vector<int64_t> out(base.size(), 0);
    double sum = 0;
    for (double b : base) sum += b;
    if (sum <= 0 || total <= 0) return out;
    const double f = total / sum;
    double carry = 0; // error diffusion: the rounded prefix sums follow the exact ones
    for (size_t i = 0; i < base.size(); ++i) {
        if (base[i] <= 0) continue;
        const double want = base[i] * f + carry;
        auto v = static_cast<int64_t>(std::floor(want + 0.5));
        v = std::clamp<int64_t>(v, 0, cap);
        carry = want - static_cast<double>(v);
        out[i] = v;
    }
    return out;
}

} // namespace linea::estim
