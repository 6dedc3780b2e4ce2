// Aggregates of CSR blocks: sums visit only stored entries (compensated like the dense kernels, so
// results agree to rounding), min/max also consider the implicit zeros of rows/columns that have any.
#include "kernels/parallel.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace linea::kernels::sparse {

namespace {

using detail::Kahan;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kChunk = 16 * 1024;

bool is_sum(AggOp op) {
    return op == AggOp::Sum || op == AggOp::SumSq || op == AggOp::Mean;
}

double fold_minmax(AggOp op, double acc, double v) {
    return apply_binary(op == AggOp::Min ? BinaryOp::Min : BinaryOp::Max, acc, v);
}

/// Kahan sum of values (squared when `sq`) over fixed chunks merged in order.
Kahan sum_values(const double *v, int64_t n, bool sq) {
    const int64_t chunk = detail::chunk_size(n, kChunk);
    const int64_t nchunks = n == 0 ? 0 : (n + chunk - 1) / chunk;
    std::vector<Kahan> parts(static_cast<size_t>(nchunks));
    detail::parallel_range(nchunks, n, [&](int64_t k0, int64_t k1) {
        for (int64_t k = k0; k < k1; ++k) {
            // Eight interleaved compensated sums (independent chains overlap in the CPU), merged in order.
            Kahan lane[8];
            const int64_t b = k * chunk, end = std::min(n, (k + 1) * chunk);
            int64_t i = b;
            if (sq) {
                for (; i + 8 <= end; i += 8)
                    for (int l = 0; l < 8; ++l) lane[l].add(v[i + l] * v[i + l]);
                for (; i < end; ++i) lane[0].add(v[i] * v[i]);
            } else {
                for (; i + 8 <= end; i += 8)
                    for (int l = 0; l < 8; ++l) lane[l].add(v[i + l]);
                for (; i < end; ++i) lane[0].add(v[i]);
            }
            for (int l = 1; l < 8; ++l) lane[0].merge(lane[l]);
            parts[k] = lane[0];
        }
    });
    Kahan total;
    for (const Kahan &p : parts) total.merge(p);
    return total;
}

} // namespace

bool aggregate_all(AggOp op, const MatrixBlock &a, double &out) {
    const int64_t cells = a.cells(), nnz = a.nnz();
    if (is_sum(op)) {
        const double s = sum_values(a.values(), nnz, op == AggOp::SumSq).sum;
        out = op == AggOp::Mean ? (cells == 0 ? kNaN : s / static_cast<double>(cells)) : s;
        return true;
    }
    if ((op == AggOp::Min || op == AggOp::Max) && cells > 0) {
        double acc = nnz < cells ? 0.0 : a.values()[0];
        const double *v = a.values();
        for (int64_t k = 0; k < nnz; ++k) acc = fold_minmax(op, acc, v[k]);
        out = acc;
        return true;
    }
    return false;
}

MatrixPtr aggregate(AggOp op, AggDir dir, const MatrixBlock &a) {
    if (!(is_sum(op) || op == AggOp::Min || op == AggOp::Max) || dir == AggDir::All) return nullptr;
    const int64_t rows = a.rows(), cols = a.cols();
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    if (dir == AggDir::Row) {
        auto out = MatrixBlock::uninitialized(rows, 1);
        double *o = out->mutable_data();
        detail::parallel_range(rows, a.nnz() + rows, [&](int64_t r0, int64_t r1) {
            for (int64_t i = r0; i < r1; ++i) {
                const int64_t b = rp[i], e = rp[i + 1];
                if (is_sum(op)) {
                    Kahan k;
                    for (int64_t p = b; p < e; ++p) k.add(op == AggOp::SumSq ? cv[p] * cv[p] : cv[p]);
                    o[i] = op == AggOp::Mean ? (cols == 0 ? kNaN : k.sum / static_cast<double>(cols)) : k.sum;
                } else if (cols == 0) {
                    o[i] = 0.0;
                } else {
                    double acc = e - b < cols ? 0.0 : cv[b];
                    for (int64_t p = b; p < e; ++p) acc = fold_minmax(op, acc, cv[p]);
                    o[i] = acc;
                }
            }
        });
        out->recompute_nnz();
        return with_chosen_format(out);
    }
    // Column aggregates: row chunks (a count fixed by the shape) fill partial accumulators, merged in order.
    const int64_t nnz = a.nnz();
    const int64_t nchunks = std::clamp<int64_t>(nnz / std::max<int64_t>(cols * 4, 64 * 1024), 1, 16);
    const int64_t chunk = rows == 0 ? 1 : (rows + nchunks - 1) / nchunks;
    std::vector<std::vector<Kahan>> sums;
    std::vector<std::vector<double>> ext;
    std::vector<std::vector<int64_t>> counts(static_cast<size_t>(nchunks), std::vector<int64_t>(cols, 0));
    if (is_sum(op))
        sums.assign(static_cast<size_t>(nchunks), std::vector<Kahan>(cols));
    else
        ext.assign(static_cast<size_t>(nchunks), std::vector<double>(cols, 0.0));
    detail::parallel_range(nchunks, nnz + rows, [&](int64_t k0, int64_t k1) {
        for (int64_t k = k0; k < k1; ++k) {
            const int64_t r1 = std::min(rows, (k + 1) * chunk);
            for (int64_t i = k * chunk; i < r1; ++i)
                for (int64_t p = rp[i]; p < rp[i + 1]; ++p) {
                    const int32_t j = ci[p];
                    if (is_sum(op)) {
                        sums[k][j].add(op == AggOp::SumSq ? cv[p] * cv[p] : cv[p]);
                    } else {
                        ext[k][j] = counts[k][j] == 0 ? cv[p] : fold_minmax(op, ext[k][j], cv[p]);
                    }
                    ++counts[k][j];
                }
        }
    });
    auto out = MatrixBlock::uninitialized(1, cols);
    double *o = out->mutable_data();
    for (int64_t j = 0; j < cols; ++j) {
        if (is_sum(op)) {
            Kahan total;
            for (int64_t k = 0; k < nchunks; ++k) total.merge(sums[k][j]);
            o[j] = op == AggOp::Mean ? (rows == 0 ? kNaN : total.sum / static_cast<double>(rows)) : total.sum;
        } else {
            int64_t count = 0;
            double acc = 0.0;
            for (int64_t k = 0; k < nchunks; ++k) {
                if (counts[k][j] == 0) continue;
                acc = count == 0 ? ext[k][j] : fold_minmax(op, acc, ext[k][j]);
                count += counts[k][j];
            }
            if (count > 0 && count < rows) acc = fold_minmax(op, acc, 0.0);
            o[j] = rows == 0 ? 0.0 : acc;
        }
    }
    out->recompute_nnz();
    return with_chosen_format(out);
}

} // namespace linea::kernels::sparse
