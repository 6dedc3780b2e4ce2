// The vector body of KahanLanes::add_span (kernels/parallel.h): kKahanLanes interleaved Kahan sums held
// in registers while a span streams through.
#include "kernels/parallel.h"

namespace linea::kernels::detail {

namespace {

// Four lanes as one vector (GCC vector extension): element-wise IEEE operations, so the AVX2 clone (one
// ymm register) and the baseline clone (two SSE2 registers) compute the same bits as Kahan::add.
typedef double Quad __attribute__((vector_size(32)));
constexpr int kQuads = kKahanLanes / 4;

// Kahan steps of every lane over v[0..n). `Checked`: exactly kahan_step (no correction once a lane's sum is
// not finite); otherwise the plain Kahan step, which gives the same bits whenever every lane's sum stays
// finite, and a non-finite final sum otherwise (once Inf or NaN, a sum stays Inf or NaN).
template <bool Squares, bool Checked>
[[gnu::always_inline]] inline void span_body(Quad *s, Quad *c, const double *v, int64_t n) {
    for (int64_t t = 0; t < n; t += kKahanLanes) {
#pragma GCC unroll 8
        for (int q = 0; q < kQuads; ++q) {
            Quad x;
            std::memcpy(&x, v + t + 4 * q, sizeof x);
            if constexpr (Squares) x = x * x;
            const Quad y = x - c[q];
            const Quad sum = s[q] + y;
            const Quad d = (sum - s[q]) - y;
            if constexpr (Checked)
                c[q] = (sum - sum == 0.0) ? d : Quad{};
            else
                c[q] = d;
            s[q] = sum;
        }
    }
}

template <bool Squares>
[[gnu::always_inline]] inline void span(double *sum, double *corr, const double *v, int64_t n) {
    Quad s[kQuads], c[kQuads];
    std::memcpy(s, sum, sizeof s);
    std::memcpy(c, corr, sizeof c);
    // The plain steps (two fewer operations per value); should a lane's sum end up Inf or NaN, the span
    // runs again from the unchanged sum/corr with kahan_step's check, so the bits are always kahan_step's.
    span_body<Squares, false>(s, c, v, n);
    Quad finite{};
    for (int q = 0; q < kQuads; ++q) finite += s[q] - s[q];
    bool all_finite = true;
    for (int l = 0; l < 4; ++l) all_finite &= finite[l] == 0.0;
    if (!all_finite) {
        std::memcpy(s, sum, sizeof s);
        std::memcpy(c, corr, sizeof c);
        span_body<Squares, true>(s, c, v, n);
    }
    std::memcpy(sum, s, sizeof s);
    std::memcpy(corr, c, sizeof c);
}

} // namespace

LINEA_AVX2_CLONES void kahan_lanes_span(double *sum, double *corr, const double *v, int64_t n, bool squares) {
    if (squares)
        span<true>(sum, corr, v, n);
    else
        span<false>(sum, corr, v, n);
}

} // namespace linea::kernels::detail
