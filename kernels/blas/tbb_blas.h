// BLAS calls split into independent blocks run as TBB tasks, each block a single-threaded OpenBLAS call.
// OpenBLAS's own thread pool stays at one thread (its idle workers spin and yield against TBB's, which made
// small products ~20x slower on a busy machine), so TBB is the only pool and `-threads n` caps all kernels.
// Block boundaries depend only on the shape, so results do not depend on the thread count.
#pragma once

#include <cstdint>

namespace linea::kernels::blas {

/// Products of at least this many flops are split over TBB tasks; smaller ones are one call.
constexpr int64_t kParallelFlops = int64_t{4} << 20;

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
/// only through OpenBLAS) when `flops` is large and the caller is not inside a one-thread arena (a parfor
/// worker); otherwise fn runs with OpenBLAS single-threaded.
template <class F> void with_blas_threads(double flops, F &&fn);

namespace detail {
/// Raises OpenBLAS's thread count for a LAPACK call (counted, so nested/concurrent callers nest); returns
/// whether it did, in which case leave_blas_threads() must follow.
bool enter_blas_threads(double flops);
void leave_blas_threads();
} // namespace detail

template <class F> void with_blas_threads(double flops, F &&fn) {
    struct Scope {
        bool raised;
        ~Scope() {
            if (raised) detail::leave_blas_threads();
        }
    } scope{detail::enter_blas_threads(flops)};
    fn();
}

} // namespace linea::kernels::blas
