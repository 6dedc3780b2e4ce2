// MNC (matrix non-zero count) sketch of a matrix's non-zero structure.
#pragma once

#include "kernels/matrix_block.h"

#include <cstdint>
#include <vector>

namespace linea::estim {

/// Per-row and per-column nnz counts plus summary statistics. The extended counts (`row_nnz_1e`,
/// `col_nnz_1e`) are empty when unknown (propagated sketches drop them where they cannot be derived).
struct MncSketch {
    int64_t rows = 0, cols = 0;
    std::vector<int64_t> row_nnz; ///< nnz of each row
    std::vector<int64_t> col_nnz; ///< nnz of each column
    /// nnz of each row that lie in columns holding a single non-zero.
    std::vector<int64_t> row_nnz_1e;
    /// nnz of each column that lie in rows holding a single non-zero.
    std::vector<int64_t> col_nnz_1e;

    // Summaries (summarize() derives them from the counts).
    int64_t nnz = 0;
    int64_t max_row_nnz = 0, max_col_nnz = 0;
    int64_t nonempty_rows = 0, nonempty_cols = 0;
    int64_t single_rows = 0, single_cols = 0;       ///< rows / columns with exactly one non-zero
    int64_t half_full_rows = 0, half_full_cols = 0; ///< rows with nnz > cols/2, columns with nnz > rows/2

    /// The exact sketch of a block, extended counts included, in O(nnz) for CSR (O(cells) for dense).
    static MncSketch of(const kernels::MatrixBlock &m);
    /// A sketch from row and column counts (no extended counts); the counts must have equal sums.
    static MncSketch from_counts(int64_t rows, int64_t cols, std::vector<int64_t> row_nnz,
                                 std::vector<int64_t> col_nnz);
    /// The sketch of a matrix known only by its metadata: nnz spread evenly over rows and columns.
    static MncSketch uniform(int64_t rows, int64_t cols, int64_t nnz);

    bool extended() const { return !row_nnz_1e.empty() && !col_nnz_1e.empty(); }
    /// Recomputes the summaries from row_nnz and col_nnz.
    void summarize();
};

/// `base` scaled to sum to `total` (rounded with error diffusion so the sum is preserved; zeros stay
/// zero; each entry capped at `cap`).
std::vector<int64_t> scale_counts(const std::vector<double> &base, double total, int64_t cap);

} // namespace linea::estim
