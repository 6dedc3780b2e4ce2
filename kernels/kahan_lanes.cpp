// The vector body of KahanLanes::add_span (kernels/parallel.h): kKahanLanes interleaved Kahan sums held
// in registers while a span streams through.
#include "kernels/parallel.h"

namespace linea::kernels::detail {

namespace {

// Four lanes as one vector (GCC vector extension): element-wise IEEE operations, so the AVX2 clone (one
// ymm register) and the baseline clone (two SSE2 registers) compute the same bits as Kahan::add.
typedef double Quad __attribute__((vector_size(32)));
constexpr int kQuads = kKahanLanes / 4;

template <bool Squares>
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
            c[q] = (sum - sum == 0.0) ? d : Quad{}; // kahan_step: no correction once a lane is not finite
            s[q] = sum;
        }
    }
}

} // namespace

LINEA_AVX2_CLONES void kahan_lanes_span(double *sum, double *corr, const double *v, int64_t n, bool squares) {
    Quad s[kQuads], c[kQuads];
    std::memcpy(s, sum, sizeof s);
    std::memcpy(c, corr, sizeof c);
    if (squares)
        span_body<true>(s, c, v, n);
    else
        span_body<false>(s, c, v, n);
    std::memcpy(sum, s, sizeof s);
    std::memcpy(corr, c, sizeof c);
}

} // namespace linea::kernels::detail
