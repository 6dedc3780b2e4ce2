// outer(a, b, op): a binary operator over all pairs of a column vector and a row vector.
#include "kernels/ops.h"
#include "kernels/parallel.h"

#include <string>

namespace linea::kernels {

MatrixPtr outer(const MatrixBlock &a_in, const MatrixBlock &b_in, BinaryOp op) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const MatrixPtr b_dense = dense_input(b_in);
    const MatrixBlock &b = *b_dense;
    if (a.cols() != 1 || b.rows() != 1)
        throw KernelError("outer: expected a column vector and a row vector, got " +
                          std::to_string(a.rows()) + "x" + std::to_string(a.cols()) + " and " +
                          std::to_string(b.rows()) + "x" + std::to_string(b.cols()));
    const int64_t m = a.rows(), n = b.cols();
    auto out = MatrixBlock::uninitialized(m, n);
    const double *bv = b.data();
    detail::parallel_range(m, m * n, [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            const double x = a.get(i, 0);
            double *dst = out->mutable_row(i);
            for (int64_t j = 0; j < n; ++j) dst[j] = apply_binary(op, x, bv[j]);
        }
    });
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
