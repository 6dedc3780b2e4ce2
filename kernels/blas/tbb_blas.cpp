// BLAS calls split over TBB tasks with OpenBLAS single-threaded, very large products as one call on
// OpenBLAS's own pool; the one owner of OpenBLAS's thread count.
#include "kernels/blas/tbb_blas.h"

#include "kernels/blas/blas_util.h"
#include "kernels/ops.h"

#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <shared_mutex>
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

/// Exclusive: a call running with OpenBLAS's pool raised; shared: single-threaded calls. A holder never
/// waits for anything else (nested scopes of a thread do nothing, a raised call runs no TBB tasks), so
/// waiting for either side cannot deadlock.
std::shared_mutex g_pool;
/// Pool scopes this thread holds (nested ones do nothing) and whether the outermost one is exclusive.
thread_local int t_scopes = 0;
thread_local bool t_owner = false;

std::atomic<double> g_pool_flops{kPoolFlops};

double pool_flops() {
    return g_pool_flops.load(std::memory_order_relaxed);
}

/// Threads the caller may give OpenBLAS: the thread cap, unless it runs inside a TBB task (its arena's
/// threads are busy with the surrounding loop) or in a one-thread arena (a parfor worker).
int caller_threads() {
    if (tbb::task::current_context() != nullptr) return 1;
    return std::min(num_threads(), tbb::this_task_arena::max_concurrency());
}

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

/// Scratch for partial results: recycled large buffers, not zeroed (every partial is written by a call with
/// beta = 0), so repeated products do not fault in fresh pages.
std::shared_ptr<MatrixBlock> scratch(int64_t parts, int64_t cells) {
    return MatrixBlock::uninitialized(std::max<int64_t>(parts, 1), cells);
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
    detail::PoolScope scope(1);
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                to_blas(m), to_blas(n), to_blas(k), 1.0, a, to_blas(lda), b, to_blas(ldb), 0.0, c,
                to_blas(ldc));
}

} // namespace

void set_pool_flops(double flops) {
    g_pool_flops.store(flops > 0 ? flops : kPoolFlops, std::memory_order_relaxed);
}

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double *a, int64_t lda,
          const double *b, int64_t ldb, double *c, int64_t ldc) {
    ensure_single_threaded();
    const double f = flops(m, n, k);
    // Inside this thread's raised scope the pool is ours: split tasks on other threads would wait for it.
    if (f < static_cast<double>(kParallelFlops) || t_owner) {
        gemm_call(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
    if (std::max(m, n) < 2 * kMinBlock) {
        // Small result over a long inner dimension: chunks of k, one private result each, added in order.
        const int64_t bs = block_len(k);
        const int64_t chunks = (k + bs - 1) / bs;
        const auto partial = scratch(chunks - 1, m * n);
        for_blocks(chunks, [&](int64_t ch) {
            const int64_t k0 = ch * bs, len = std::min(bs, k - k0);
            const double *ap = trans_a ? a + k0 * lda : a + k0;
            const double *bp = trans_b ? b + k0 : b + k0 * ldb;
            if (ch == 0)
                gemm_call(trans_a, trans_b, m, n, len, ap, lda, bp, ldb, c, ldc);
            else
                gemm_call(trans_a, trans_b, m, n, len, ap, lda, bp, ldb,
                          partial->mutable_data() + (ch - 1) * m * n, n);
        });
        for (int64_t ch = 1; ch < chunks; ++ch) {
            const double *p = partial->data() + (ch - 1) * m * n;
            for (int64_t i = 0; i < m; ++i)
                for (int64_t j = 0; j < n; ++j) c[i * ldc + j] += p[i * n + j];
        }
        return;
    }
    if (f >= pool_flops() && std::min(m, n) >= kPoolMinDim) {
        // One call on OpenBLAS's pool. Where it cannot be raised (one thread, a parfor worker, a TBB task)
        // the split below runs; the two agree to rounding, not always bit for bit (OpenBLAS's threaded
        // dgemm blocks k and its thread ranges' edges differently), and the choice depends only on the
        // shape, the thread cap and the calling context.
        detail::PoolScope scope(caller_threads());
        if (scope.raised()) {
            gemm_call(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
            return;
        }
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
        detail::PoolScope scope(1);
        cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, to_blas(r), to_blas(c), 1.0, ap,
                    to_blas(lda), xp, 1, 0.0, yp, 1);
    };
    if (flops(rows, cols, 1) < static_cast<double>(kParallelFlops) || rows < 2 * kMinBlock || t_owner) {
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
        detail::PoolScope scope(1);
        cblas_dsyrk(CblasRowMajor, CblasUpper, trans ? CblasTrans : CblasNoTrans, to_blas(nn), to_blas(kk),
                    1.0, ap, to_blas(lda), 0.0, cp, to_blas(ldcp));
    };
    const double f = flops(n, n, k) / 2;
    if (f < static_cast<double>(kParallelFlops) || t_owner) {
        syrk_call(n, k, a, c, ldc);
        return;
    }
    if (f >= pool_flops() && n >= kPoolMinDim && k < 4 * n) {
        // One call instead of tiles (a choice by shape: tiles sum in another order), on OpenBLAS's pool
        // when it can be raised; its threaded dsyrk computes the same bits as the single-threaded one.
        // Tall products keep the split below: as fast as the pool on an idle machine, and faster on a
        // busy one (independent tasks, no waiting for a descheduled thread).
        detail::PoolScope scope(caller_threads());
        syrk_call(n, k, a, c, ldc);
        return;
    }
    if (k >= 4 * n) {
        // Tall: split the summed dimension into row chunks, one private triangle each, added in order.
        const int64_t bs = std::max(block_len(k), n);
        const int64_t chunks = (k + bs - 1) / bs;
        const auto partial = scratch(chunks - 1, n * n);
        for_blocks(chunks, [&](int64_t ch) {
            const int64_t k0 = ch * bs, len = std::min(bs, k - k0);
            const double *ap = trans ? a + k0 * lda : a + k0;
            if (ch == 0)
                syrk_call(n, len, ap, c, ldc);
            else
                syrk_call(n, len, ap, partial->mutable_data() + (ch - 1) * n * n, n);
        });
        for (int64_t ch = 1; ch < chunks; ++ch) {
            const double *p = partial->data() + (ch - 1) * n * n;
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

int lapack_threads(double flops) {
    return flops < kLapackParallelFlops ? 1 : caller_threads();
}

PoolScope::PoolScope(int threads) {
    ensure_single_threaded();
    if (t_scopes++ > 0) return;
    if (threads > 1) {
        g_pool.lock();
        held_ = Held::Exclusive;
        t_owner = true;
        openblas_set_num_threads(threads);
        return;
    }
    g_pool.lock_shared();
    held_ = Held::Shared;
}

PoolScope::~PoolScope() {
    --t_scopes;
    if (held_ == Held::Exclusive) {
        openblas_set_num_threads(1);
        t_owner = false;
        g_pool.unlock();
    } else if (held_ == Held::Shared) {
        g_pool.unlock_shared();
    }
}

} // namespace detail

} // namespace linea::kernels::blas
