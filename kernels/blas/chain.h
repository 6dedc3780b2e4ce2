// Physical matrix-multiply operators that avoid materialising transposes and intermediates.
#pragma once

#include "kernels/matrix_block.h"

namespace linea::kernels {

/// t(x) %*% y without forming t(x): x is k x m, y is k x n, the result m x n (dgemm/dgemv with Trans).
MatrixPtr matmult_trans_left(const MatrixBlock &x, const MatrixBlock &y);

/// The matrix-multiply chain t(X) %*% (X %*% v), or t(X) %*% (w * (X %*% v)) when w is given, in two
/// matrix-vector passes over X: X is n x m, v is m x 1, w is n x 1. Result m x 1.
MatrixPtr mmchain(const MatrixBlock &x, const MatrixBlock &v, const MatrixBlock *w);

} // namespace linea::kernels
