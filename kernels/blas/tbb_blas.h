// BLAS calls split into independent blocks run as TBB tasks, each block a single-threaded OpenBLAS call.
// OpenBLAS's own thread pool stays at one thread (its idle workers spin and yield against TBB's, which made
// small products ~20x slower on a busy machine), so TBB is the only pool and `-threads n` caps all kernels.
// The exception are very large gemm and square-ish syrk products (kPoolFlops) called outside any parallel
// region: they run as ONE OpenBLAS call with its pool raised to the thread cap (its threads share packed
// panels, which split calls cannot), then back to one thread. Split block boundaries depend only on the
// shape, and OpenBLAS's threaded dsyrk computes the bits of its single-threaded one, so results do not
// depend on the thread count, except those of pooled gemm calls: OpenBLAS's threaded dgemm may differ from
// the split calls in the last bits of some cells (it blocks k and its threads' edges differently). Those
// are still the same for a given thread cap, shape and calling context.
#pragma once

#include <cstdint>

namespace linea::kernels::blas {

/// Products of at least this many flops are split over TBB tasks; smaller ones are one call.
constexpr int64_t kParallelFlops = int64_t{4} << 20;

/// gemm products, and syrk products that are not tall (k < 4 n), of at least this many flops with a result
/// of at least kPoolMinDim rows and columns are one OpenBLAS call (threaded by OpenBLAS when the caller is
/// outside a parallel region) instead of split TBB tasks. Below ~1e9 flops one raised call was up to 8x
/// slower than the split on a busy machine (its threads wait for each other's time slices); above, it is
/// as fast as a direct call.
constexpr double kPoolFlops = 1e9;
/// The smallest result dimension OpenBLAS's own threading divides well (smaller results stay split).
constexpr int64_t kPoolMinDim = 256;

/// Overrides kPoolFlops (a value <= 0 restores it), for benchmarks and tests comparing the split and the
/// one-call variants. Not for concurrent use with running products.
void set_pool_flops(double flops);

/// Row-major C (m x n, leading dimension ldc) = op(A) op(B), op(A) m x k and op(B) k x n.
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double *a, int64_t lda,
          const double *b, int64_t ldb, double *c, int64_t ldc);

/// y = A x (trans false, y has `rows` entries) or y = t(A) x (trans true, y has `cols` entries) for a
/// row-major rows x cols A with leading dimension lda.
void gemv(bool trans, int64_t rows, int64_t cols, const double *a, int64_t lda, const double *x, double *y);

/// The upper triangle of C (n x n, leading dimension ldc): t(A) A for a k x n A (trans true) or A t(A) for
/// an n x k A (trans false); row-major A with leading dimension lda. The strict lower triangle is
/// unspecified.
void syrk_upper(bool trans, int64_t n, int64_t k, const double *a, int64_t lda, double *c, int64_t ldc);

/// Runs fn with OpenBLAS allowed up to kernels::num_threads() threads (for LAPACK routines, which thread
/// only through OpenBLAS) when `flops` is large and the caller is not inside a TBB task or a one-thread
/// arena (a parfor worker); otherwise fn runs with OpenBLAS single-threaded.
template <class F> void with_blas_threads(double flops, F &&fn);

namespace detail {
/// Threads OpenBLAS may use for a LAPACK call of `flops`: the thread cap for large calls outside parallel
/// regions, else 1.
int lapack_threads(double flops);

/// Holds OpenBLAS's pool for the duration of one BLAS or LAPACK call. With `threads` > 1 it waits until no
/// other call runs, then owns the pool and raises it to `threads`; otherwise the call runs single-threaded
/// alongside other single-threaded calls, after any raised call has finished. So a raised call never
/// shares the cores with other BLAS calls, and concurrent callers take turns. Nested scopes of one thread
/// do nothing.
class PoolScope {
public:
    explicit PoolScope(int threads);
    ~PoolScope();
    PoolScope(const PoolScope &) = delete;
    PoolScope &operator=(const PoolScope &) = delete;
    /// Whether this scope raised OpenBLAS's threads.
    bool raised() const { return held_ == Held::Exclusive; }

private:
    enum class Held { None, Shared, Exclusive };
    Held held_ = Held::None;
};
} // namespace detail

template <class F> void with_blas_threads(double flops, F &&fn) {
    detail::PoolScope scope(detail::lapack_threads(flops));
    fn();
}

} // namespace linea::kernels::blas
