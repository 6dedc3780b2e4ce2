// Sparse-aware kernel bodies (internal to kernels/). The public functions of ops.h dispatch here when
// an input is CSR and the operation can exploit it; everything else converts with dense_input().
#pragma once

#include "kernels/ops.h"

#include <vector>

namespace linea::kernels::sparse {

/// True when op(0) is 0, so zero cells stay zero and only stored entries need computing.
bool unary_keeps_zeros(UnaryOp op);
/// True when (scalar_left ? op(s, 0) : op(0, s)) is 0.
bool scalar_keeps_zeros(BinaryOp op, double s, bool scalar_left);
/// Cell-wise ops with at least one CSR input; only for ops where op(0, 0) == 0. Shapes as binary().
MatrixPtr binary(BinaryOp op, const MatrixBlock &a, const MatrixBlock &b, int64_t rows, int64_t cols);
MatrixPtr binary_scalar(BinaryOp op, const MatrixBlock &a, double s, bool scalar_left);
MatrixPtr unary(UnaryOp op, const MatrixBlock &a);

/// Sum, SumSq, Mean, Min, Max of a CSR block (All/Row/Col); other ops return nullptr / false.
bool aggregate_all(AggOp op, const MatrixBlock &a, double &out);
MatrixPtr aggregate(AggOp op, AggDir dir, const MatrixBlock &a);

/// nullptr when a has more than INT32_MAX rows (the caller transposes densely).
MatrixPtr transpose(const MatrixBlock &a);
/// diag of a column vector, as a CSR block.
MatrixPtr diag_vector(const MatrixBlock &a);
MatrixPtr slice(const MatrixBlock &a, int64_t r0, int64_t r1, int64_t c0, int64_t c1);
MatrixPtr cbind(const std::vector<const MatrixBlock *> &parts, int64_t rows, int64_t cols);
MatrixPtr rbind(const std::vector<const MatrixBlock *> &parts, int64_t rows, int64_t cols);
/// The rows (or columns) `kept` (increasing, 0-based) of a CSR block (removeEmpty's selection).
MatrixPtr select(const MatrixBlock &a, bool rows, const std::vector<int64_t> &kept);

/// table() as CSR from 1-based category indices (`ri`, `ci`; -1 or out of rows x cols = skipped) and
/// weights `w` (a dense vector or a scalar); never allocates rows x cols cells.
MatrixPtr table(const std::vector<int64_t> &ri, const std::vector<int64_t> &ci, const CellSource &w,
                int64_t rows, int64_t cols);

/// a %*% b where a or b is CSR (shapes already checked). With FormatHint::Sparse the result is built as
/// CSR directly (no dense temporary) when the structural bound of its nnz is sparse by the policy.
MatrixPtr matmult(const MatrixBlock &a, const MatrixBlock &b, FormatHint hint = FormatHint::None);
/// t(a) %*% a (left) or a %*% t(a) of a CSR block; the hint as for matmult.
MatrixPtr tsmm(const MatrixBlock &a, bool left, FormatHint hint = FormatHint::None);

} // namespace linea::kernels::sparse
