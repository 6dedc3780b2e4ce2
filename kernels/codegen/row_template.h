// The row template of fused operators: matrix-vector chains evaluated one row of X at a time.
#pragma once

#include "kernels/matrix_block.h"

namespace linea::kernels::codegen {

/// t(X) %*% (w * (X %*% v)) (w optional: t(X) %*% (X %*% v)) in one pass over the rows of a dense or CSR X:
/// each row's dot product with v, scaled by w_i, is added times the row into a cols x 1 accumulator.
/// Rows go in fixed chunks (from the shape only), each with its own accumulator, merged in chunk order, so
/// the result does not depend on the thread count; it differs from the two-pass BLAS mmchain by rounding
/// (the sums are reassociated). X is n x m, v m x 1, w n x 1. Throws KernelError for shape mismatches.
MatrixPtr row_mmchain(const MatrixBlock &x, const MatrixBlock &v, const MatrixBlock *w);

} // namespace linea::kernels::codegen
