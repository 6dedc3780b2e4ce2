// Column-wise cumulative aggregates: cumsum (Kahan), cumprod, cummin, cummax.
#include "kernels/ops.h"
#include "kernels/parallel.h"

#include <vector>

namespace linea::kernels {

namespace {
/// Columns per parallel task: wide enough that each row segment fills cache lines.
constexpr int64_t kColBlock = 64;
} // namespace

MatrixPtr cumulative(CumOp op, const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const int64_t m = a.rows(), n = a.cols();
    auto out = MatrixBlock::uninitialized(m, n);
    if (a.empty()) return out;
    const int64_t blocks = (n + kColBlock - 1) / kColBlock;
    // Each task scans a block of columns top to bottom; results do not depend on the split.
    detail::parallel_range(blocks, a.cells(), [&](int64_t b0, int64_t b1) {
        const int64_t c0 = b0 * kColBlock, c1 = std::min(n, b1 * kColBlock);
        std::vector<detail::Kahan> acc(op == CumOp::Sum ? static_cast<size_t>(c1 - c0) : 0);
        for (int64_t i = 0; i < m; ++i) {
            const double *src = a.row(i);
            double *dst = out->mutable_row(i);
            const double *prev = i > 0 ? out->row(i - 1) : nullptr;
            for (int64_t j = c0; j < c1; ++j) {
                const double v = src[j];
                switch (op) {
                case CumOp::Sum: {
                    detail::Kahan &k = acc[static_cast<size_t>(j - c0)];
                    k.add(v);
                    dst[j] = k.sum;
                    break;
                }
                case CumOp::Prod:
                    dst[j] = prev ? prev[j] * v : v;
                    break;
                case CumOp::Min:
                    dst[j] = prev ? apply_binary(BinaryOp::Min, prev[j], v) : v;
                    break;
                case CumOp::Max:
                    dst[j] = prev ? apply_binary(BinaryOp::Max, prev[j], v) : v;
                    break;
                }
            }
        }
    });
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
