// The expressions sparsity estimators reason about: a small tree of operators over known matrices.
#pragma once

#include "kernels/matrix_block.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace linea::estim {

/// Operators whose output nnz the estimators know how to estimate.
enum class EstimOp {
    Leaf,            ///< a known matrix (`data`), or only its metadata (rows, cols, `leaf_nnz`)
    MatMult,         ///< A %*% B
    Mult,            ///< A * B (cell-wise)
    Plus,            ///< A + B (cell-wise; also the pattern of A - B)
    NotEqual,        ///< A != B (the union of the patterns, assuming the values differ)
    Equal,           ///< A == B (the complement of the union)
    Transpose,       ///< t(A)
    Reshape,         ///< matrix(A, rows, cols), row-major
    Cbind,           ///< cbind(A, B, ...)
    Rbind,           ///< rbind(A, B, ...)
    Slice,           ///< A[r0:r1, c0:c1] (0-based, half-open)
    Diag,            ///< diag(v) of a column vector, or the diagonal of a square matrix as a column
    Table,           ///< table(a, b, rows, cols) of two known category vectors (unit weights)
    RemoveEmptyRows, ///< removeEmpty(A, "rows")
    RemoveEmptyCols, ///< removeEmpty(A, "cols")
};

const char *to_string(EstimOp op);

struct EstimNode;
/// Nodes are immutable and may be shared by several parents (a DAG).
using EstimNodePtr = std::shared_ptr<const EstimNode>;

/// One operator of an estimation expression with its output dimensions.
struct EstimNode {
    EstimOp op = EstimOp::Leaf;
    std::vector<EstimNodePtr> inputs;
    kernels::MatrixPtr data; ///< Leaf: the matrix when known (else only rows, cols, leaf_nnz)
    int64_t leaf_nnz = 0;    ///< Leaf: nnz (equal to data->nnz() when data is set)
    int64_t rows = 0, cols = 0;
    int64_t r0 = 0, r1 = 0, c0 = 0, c1 = 0; ///< Slice bounds
};

// Builders; each checks the shapes and throws std::invalid_argument on a mismatch.

/// A known matrix.
EstimNodePtr leaf(kernels::MatrixPtr m);
/// A matrix known only by its metadata (the compiler's view before data exists).
EstimNodePtr meta_leaf(int64_t rows, int64_t cols, int64_t nnz);
EstimNodePtr matmult(EstimNodePtr a, EstimNodePtr b);
EstimNodePtr mult(EstimNodePtr a, EstimNodePtr b);
EstimNodePtr plus(EstimNodePtr a, EstimNodePtr b);
EstimNodePtr not_equal(EstimNodePtr a, EstimNodePtr b);
EstimNodePtr equal(EstimNodePtr a, EstimNodePtr b);
EstimNodePtr transpose(EstimNodePtr a);
EstimNodePtr reshape(EstimNodePtr a, int64_t rows, int64_t cols);
EstimNodePtr cbind(std::vector<EstimNodePtr> parts);
EstimNodePtr rbind(std::vector<EstimNodePtr> parts);
EstimNodePtr slice(EstimNodePtr a, int64_t r0, int64_t r1, int64_t c0, int64_t c1);
EstimNodePtr diag(EstimNodePtr a);
/// table(a, b) with unit weights into a rows x cols result; a and b are known vectors of 1-based
/// categories (cells outside rows x cols are dropped, as table() with output dimensions does).
EstimNodePtr table(kernels::MatrixPtr a, kernels::MatrixPtr b, int64_t rows, int64_t cols);
EstimNodePtr remove_empty(EstimNodePtr a, bool rows);
/// The product of a chain A1 %*% A2 %*% ... in the given order (left-deep).
EstimNodePtr chain(const std::vector<EstimNodePtr> &ops);

} // namespace linea::estim
