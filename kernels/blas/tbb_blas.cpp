// BLAS calls split over TBB tasks with OpenBLAS single-threaded; the one owner of OpenBLAS's thread count.
#include "kernels/blas/tbb_blas.h"

#include "kernels/blas/blas_util.h"
#include "kernels/ops.h"

#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <mutex>
#include <vector>

extern "C" void openblas_set_num_threads(int num_threads);

namespace linea::kernels::blas {

namespace {

/// LAPACK calls below this many flops keep OpenBLAS single-threaded.
constexpr double kLapackParallelFlops = 64.0 * 1024 * 1024;
/// The smallest block (rows or columns of C) a split product hands to one task.
constexpr int64_t kMinBlock = 64;
/// At most this many blocks per split dimension: enough to balance two busy cores, few enough that
/// every block call stays efficient.
constexpr int64_t kMaxBlocks = 16;

std::mutex g_mutex;
int g_raised_users = 0;

void ensure_single_threaded() {
    static std::once_flag once;
    std::call_once(once, [] { openblas_set_num_threads(1); });
}

/// Block length splitting `len` into at most kMaxBlocks pieces of at least kMinBlock (a function of the
/// shape only).
int64_t block_len(int64_t len) {
    const int64_t by_count = (len + kMaxBlocks - 1) / kMaxBlocks;
    const int64_t b = std::max(kMinBlock, by_count);
    return (b + 7) / 8 * 8;
}

double flops(int64_t m, int64_t n, int64_t k) {
    return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
}

/// Runs fn(block) for block in [0, blocks) as independent TBB tasks (one task per block).
template <class F> void for_blocks(int64_t blocks, F &&fn) {
    tbb::parallel_for(
        tbb::blocked_range<int64_t>(0, blocks, 1),
        [&](const tbb::blocked_range<int64_t> &r) {
            for (int64_t i = r.begin(); i < r.end(); ++i) fn(i);
        },
        tbb::simple_partitioner());
}

void gemm_call(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double *a, int64_t lda,
               const double *b, int64_t ldb, double *c, int64_t ldc) {
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                to_blas(m), to_blas(n), to_blas(k), 1.0, a, to_blas(lda), b, to_blas(ldb), 0.0, c,
                to_blas(ldc));
}

} // namespace

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double *a, int64_t lda,
          const double *b, int64_t ldb, double *c, int64_t ldc) {
    ensure_single_threaded();
    if (flops(m, n, k) < static_cast<double>(kParallelFlops)) {
        gemm_call(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
    if (std::max(m, n) < 2 * kMinBlock) {
        // Small result over a long inner dimension: chunks of k, one private result each, added in order.
        const int64_t bs = block_len(k);
        const int64_t chunks = (k + bs - 1) / bs;
        std::vector<double> partial(static_cast<size_t>((chunks - 1) * m * n));
        for_blocks(chunks, [&](int64_t ch) {
            const int64_t k0 = ch * bs, len = std::min(bs, k - k0);
            const double *ap = trans_a ? a + k0 * lda : a + k0;
            const double *bp = trans_b ? b + k0 : b + k0 * ldb;
            if (ch == 0)
                gemm_call(trans_a, trans_b, m, n, len, ap, lda, bp, ldb, c, ldc);
            else
                gemm_call(trans_a, trans_b, m, n, len, ap, lda, bp, ldb, partial.data() + (ch - 1) * m * n,
                          n);
        });
        for (int64_t ch = 1; ch < chunks; ++ch) {
            const double *p = partial.data() + (ch - 1) * m * n;
            for (int64_t i = 0; i < m; ++i)
                for (int64_t j = 0; j < n; ++j) c[i * ldc + j] += p[i * n + j];
        }
        return;
    }
    if (m >= n) {
        // Row blocks of C: rows i0.. of op(A) are rows of A, or columns of A when transposed.
        const int64_t bs = block_len(m);
        for_blocks((m + bs - 1) / bs, [&](int64_t blk) {
            const int64_t i0 = blk * bs, len = std::min(bs, m - i0);
            gemm_call(trans_a, trans_b, len, n, k, trans_a ? a + i0 : a + i0 * lda, lda, b, ldb, c + i0 * ldc,
                      ldc);
        });
    } else {
        const int64_t bs = block_len(n);
        for_blocks((n + bs - 1) / bs, [&](int64_t blk) {
            const int64_t j0 = blk * bs, len = std::min(bs, n - j0);
            gemm_call(trans_a, trans_b, m, len, k, a, lda, trans_b ? b + j0 * ldb : b + j0, ldb, c + j0, ldc);
        });
    }
}

void gemv(bool trans, int64_t rows, int64_t cols, const double *a, int64_t lda, const double *x, double *y) {
    ensure_single_threaded();
    auto call = [&](int64_t r, int64_t c, const double *ap, const double *xp, double *yp) {
        cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, to_blas(r), to_blas(c), 1.0, ap,
                    to_blas(lda), xp, 1, 0.0, yp, 1);
    };
    if (flops(rows, cols, 1) < static_cast<double>(kParallelFlops) || rows < 2 * kMinBlock) {
        call(rows, cols, a, x, y);
        return;
    }
    const int64_t bs = block_len(rows);
    const int64_t blocks = (rows + bs - 1) / bs;
    if (!trans) {
        for_blocks(blocks, [&](int64_t blk) {
            const int64_t r0 = blk * bs;
            call(std::min(bs, rows - r0), cols, a + r0 * lda, x, y + r0);
        });
        return;
    }
    // t(A) x sums over rows: partial vectors per row block, added in block order.
    std::vector<double> partial(static_cast<size_t>(blocks * cols));
    for_blocks(blocks, [&](int64_t blk) {
        const int64_t r0 = blk * bs;
        call(std::min(bs, rows - r0), cols, a + r0 * lda, x + r0, partial.data() + blk * cols);
    });
    std::copy(partial.begin(), partial.begin() + cols, y);
    for (int64_t blk = 1; blk < blocks; ++blk) {
        const double *p = partial.data() + blk * cols;
        for (int64_t j = 0; j < cols; ++j) y[j] += p[j];
    }
}

void syrk_upper(bool trans, int64_t n, int64_t k, const double *a, int64_t lda, double *c, int64_t ldc) {
    ensure_single_threaded();
    auto syrk_call = [&](int64_t nn, int64_t kk, const double *ap, double *cp, int64_t ldcp) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, trans ? CblasTrans : CblasNoTrans, to_blas(nn), to_blas(kk),
                    1.0, ap, to_blas(lda), 0.0, cp, to_blas(ldcp));
    };
    if (flops(n, n, k) / 2 < static_cast<double>(kParallelFlops)) {
        syrk_call(n, k, a, c, ldc);
        return;
    }
    if (k >= 4 * n) {
        // Tall: split the summed dimension into row chunks, one private triangle each, added in order.
        const int64_t bs = std::max(block_len(k), n);
        const int64_t chunks = (k + bs - 1) / bs;
        std::vector<double> partial(static_cast<size_t>((chunks - 1) * n * n));
        for_blocks(chunks, [&](int64_t ch) {
            const int64_t k0 = ch * bs, len = std::min(bs, k - k0);
            const double *ap = trans ? a + k0 * lda : a + k0;
            if (ch == 0)
                syrk_call(n, len, ap, c, ldc);
            else
                syrk_call(n, len, ap, partial.data() + (ch - 1) * n * n, n);
        });
        for (int64_t ch = 1; ch < chunks; ++ch) {
            const double *p = partial.data() + (ch - 1) * n * n;
            for (int64_t i = 0; i < n; ++i)
                for (int64_t j = i; j < n; ++j) c[i * ldc + j] += p[i * n + j];
        }
        return;
    }
    // Square or wide: blocks of the upper triangle, dsyrk on the diagonal and dgemm above it.
    const int64_t bs = block_len(n);
    const int64_t nb = (n + bs - 1) / bs;
    std::vector<std::pair<int64_t, int64_t>> tiles;
    for (int64_t bi = 0; bi < nb; ++bi)
        for (int64_t bj = bi; bj < nb; ++bj) tiles.emplace_back(bi, bj);
    for_blocks(static_cast<int64_t>(tiles.size()), [&](int64_t t) {
        const int64_t i0 = tiles[static_cast<size_t>(t)].first * bs;
        const int64_t j0 = tiles[static_cast<size_t>(t)].second * bs;
        const int64_t li = std::min(bs, n - i0), lj = std::min(bs, n - j0);
        // op(A) rows i0.. are columns of A (trans) or rows of A.
        const double *ai = trans ? a + i0 : a + i0 * lda;
        const double *aj = trans ? a + j0 : a + j0 * lda;
        if (i0 == j0)
            syrk_call(li, k, ai, c + i0 * ldc + i0, ldc);
        else
            gemm_call(trans, !trans, li, lj, k, ai, lda, aj, lda, c + i0 * ldc + j0, ldc);
    });
}

namespace detail {

bool enter_blas_threads(double flops) {
    ensure_single_threaded();
    if (flops < kLapackParallelFlops) return false;
    const int threads = std::min(num_threads(), tbb::this_task_arena::max_concurrency());
    if (threads <= 1) return false;
    std::lock_guard lock(g_mutex);
    if (g_raised_users++ == 0) openblas_set_num_threads(threads);
    return true;
}

void leave_blas_threads() {
    std::lock_guard lock(g_mutex);
    if (--g_raised_users == 0) openblas_set_num_threads(1);
}

} // namespace detail

} // namespace linea::kernels::blas
