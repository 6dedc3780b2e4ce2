// Building CSR blocks row by row, in parallel, with results independent of the thread count.
#pragma once

#include "kernels/matrix_block.h"
#include "kernels/parallel.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace linea::kernels::sparse {

/// Touches one byte per 4 KiB page of v's storage, the pages split in contiguous halves over the threads,
/// before a kernel scatters into it. A fresh buffer's pages are zeroed by the kernel on first touch; a
/// scatter touches them in an order that makes its threads fault the same huge pages, one zeroing while
/// the others wait, whereas here each thread faults its own range. Harmless on recycled buffers (the
/// kernel writes every element afterwards).
template <class T> void prefault(CsrVector<T> &v) {
    constexpr int64_t kPage = 4096;
    const int64_t bytes = static_cast<int64_t>(v.size() * sizeof(T));
    if (bytes < (int64_t{4} << 20)) return;
    char *base = reinterpret_cast<char *>(v.data());
    const int64_t pages = (bytes + kPage - 1) / kPage;
    detail::parallel_range(2, bytes / 8, [&](int64_t h0, int64_t h1) {
        for (int64_t pg = h0 * pages / 2; pg < h1 * pages / 2; ++pg) base[pg * kPage] = 0;
    });
}

/// Builds a rows x cols CSR block in two parallel passes: `bound(i)` gives an upper bound of the
/// entries of row i; `fill(i, cols_out, vals_out)` writes row i's entries (sorted columns, non-zero
/// values only) and returns how many it wrote (<= bound). Rows that wrote fewer are compacted.
/// `work` estimates the cells touched (decides whether to run in parallel).
template <class Bound, class Fill>
std::shared_ptr<MatrixBlock> build_rows(int64_t rows, int64_t cols, int64_t work, Bound bound, Fill fill) {
    CsrVector<int64_t> rp(static_cast<size_t>(rows) + 1, 0);
    detail::parallel_range(rows, work, [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) rp[i + 1] = bound(i);
    });
    for (int64_t i = 0; i < rows; ++i) rp[i + 1] += rp[i];
    CsrVector<int32_t> ci(static_cast<size_t>(rp[rows]));
    CsrVector<double> cv(static_cast<size_t>(rp[rows]));
    std::vector<int64_t> written(static_cast<size_t>(rows));
    detail::parallel_range(rows, work, [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) written[i] = fill(i, ci.data() + rp[i], cv.data() + rp[i]);
    });
    // Compact rows that wrote fewer entries than their bound.
    int64_t w = 0;
    bool moved = false;
    for (int64_t i = 0; i < rows; ++i) {
        const int64_t b = rp[i], n = written[i];
        if (b != w) {
            std::memmove(ci.data() + w, ci.data() + b, static_cast<size_t>(n) * sizeof(int32_t));
            std::memmove(cv.data() + w, cv.data() + b, static_cast<size_t>(n) * sizeof(double));
            moved = true;
        }
        rp[i] = w;
        w += n;
    }
    rp[rows] = w;
    if (moved || static_cast<int64_t>(ci.size()) != w) {
        ci.resize(static_cast<size_t>(w));
        cv.resize(static_cast<size_t>(w));
    }
    return MatrixBlock::sparse_trusted(rows, cols, std::move(rp), std::move(ci), std::move(cv));
}

} // namespace linea::kernels::sparse
