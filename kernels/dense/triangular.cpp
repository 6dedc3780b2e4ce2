// lower.tri / upper.tri: triangle selection (mask or values).
#include "kernels/ops.h"
#include "kernels/parallel.h"

namespace linea::kernels {

MatrixPtr triangle(const MatrixBlock &a_in, bool lower, bool diag, bool values) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const int64_t m = a.rows(), n = a.cols();
    auto out = std::make_shared<MatrixBlock>(m, n, 0.0);
    detail::parallel_range(m, a.cells(), [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            // Selected columns of row i: [0, i) or [0, i] for lower, (i, n) or [i, n) for upper.
            const int64_t j0 = lower ? 0 : std::min(n, diag ? i : i + 1);
            const int64_t j1 = lower ? std::min(n, diag ? i + 1 : i) : n;
            const double *src = a.row(i);
            double *dst = out->mutable_row(i);
            for (int64_t j = j0; j < j1; ++j) dst[j] = values ? src[j] : 1.0;
        }
    });
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
