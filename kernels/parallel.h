// Internal helpers for kernels: when and how to split work across threads.
// Results must never depend on the number of threads: helpers hand out chunks whose
// boundaries depend only on the problem size, never on the thread count.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

/// Compiles a hot loop twice, for AVX2 and for the baseline (SSE2), picked at load time by the CPU.
/// FMA is never enabled, so both versions compute the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LINEA_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LINEA_AVX2_CLONES
#endif

namespace linea::kernels::detail {

/// Below this many cells a kernel runs sequentially (thread start-up costs more than it saves).
constexpr int64_t kParallelCells = 64 * 1024;

/// Calls fn(begin, end) over [0, n), in parallel when `work` (cells touched) is large enough.
/// Chunks are independent; fn must only write disjoint outputs.
template <class F> void parallel_range(int64_t n, int64_t work, F &&fn) {
    if (n <= 0) return;
    if (work < kParallelCells || n == 1) {
        fn(int64_t{0}, n);
        return;
    }
    const int64_t per_item = std::max<int64_t>(1, work / n);
    const int64_t grain = std::max<int64_t>(1, (kParallelCells / 4) / per_item);
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, grain),
                      [&](const tbb::blocked_range<int64_t> &r) { fn(r.begin(), r.end()); });
}

/// Number of fixed-size chunks used for deterministic partial reductions over `n` items:
/// a pure function of n (at most 256 chunks of at least `min_chunk` items).
inline int64_t chunk_size(int64_t n, int64_t min_chunk) {
    const int64_t by_count = (n + 255) / 256;
    return std::max<int64_t>(min_chunk, by_count);
}

/// One compensated step: s += x, the rounding error carried in c. Once the sum is not finite (an
/// infinite or NaN value, or overflow) the correction is 0, so the sum is what plain addition gives (Inf,
/// or NaN after Inf - Inf or a NaN), as SystemDS's KahanPlus and NumPy, instead of the NaN of Inf - Inf
/// in the correction. For finite sums this is exactly Kahan's step.
inline void kahan_step(double &s, double &c, double x) {
    const double y = x - c;
    const double t = s + y;
    c = (t - t == 0.0) ? (t - s) - y : 0.0;
    s = t;
}

/// True when no s[j], j < n, is Inf or NaN: whether sums taken with the plain Kahan step (no finiteness
/// check) have kahan_step's bits, as a sum that once turns Inf or NaN stays so.
inline bool all_finite(const double *s, int64_t n) {
    uint64_t not_finite = 0;
    for (int64_t j = 0; j < n; ++j) not_finite |= s[j] - s[j] == 0.0 ? 0 : 1;
    return not_finite == 0;
}

/// Kahan (compensated) summation; partial results merge in a fixed order.
struct Kahan {
    double sum = 0.0;
    double corr = 0.0;
    void add(double x) { kahan_step(sum, corr, x); }
    void merge(const Kahan &o) {
        add(o.sum);
        add(-o.corr);
    }
};

/// Number of interleaved Kahan sums in KahanLanes.
constexpr int kKahanLanes = 32;

/// Adds v[0..n) (each value squared when `squares`; n a multiple of kKahanLanes) to the Kahan sums
/// sum[l], corr[l], value t going to lane t % kKahanLanes: the body of KahanLanes::add_span, with the
/// lanes in SIMD registers (AVX2 or SSE2, same bits). Defined in kahan_lanes.cpp.
void kahan_lanes_span(double *sum, double *corr, const double *v, int64_t n, bool squares);

/// kKahanLanes interleaved Kahan sums: independent dependency chains let the CPU overlap the additions
/// (a single compensated sum is latency-bound, and even eight chains are: 32 keep two AVX2 adders busy).
/// Lanes merge in a fixed order, so results stay independent of the thread count. Shared by the dense
/// aggregates and the fused operators, whose sums must agree bit for bit.
struct KahanLanes {
    double sum[kKahanLanes] = {};
    double corr[kKahanLanes] = {};
    int next = 0; ///< lane of the next add()
    void add(double v) {
        kahan_step(sum[next], corr[next], v);
        next = (next + 1) & (kKahanLanes - 1);
    }
    /// Adds v[0..n) (each value squared when `squares`) exactly as n calls of add() would: every lane
    /// sees the same values in the same order. Whole groups of kKahanLanes go through
    /// kahan_lanes_span, the lanes side by side in vector registers.
    void add_span(const double *v, int64_t n, bool squares = false) {
        int64_t t = 0;
        for (; t < n && next != 0; ++t) add(squares ? v[t] * v[t] : v[t]);
        const int64_t body = (n - t) / kKahanLanes * kKahanLanes;
        if (body > 0) kahan_lanes_span(sum, corr, v + t, body, squares);
        for (t += body; t < n; ++t) add(squares ? v[t] * v[t] : v[t]);
    }
    /// Lane by lane Kahan::merge.
    void merge(const KahanLanes &o) {
        for (int l = 0; l < kKahanLanes; ++l) merge_lane(sum[l], corr[l], o.sum[l], o.corr[l]);
    }
    /// The lanes' sums added with their exact rounding errors (TwoSum), the errors and the lanes'
    /// corrections accumulated apart and added at the end (Ogita-Rump-Oishi Sum2): about as accurate as
    /// summing in twice the precision, and only one add per lane on the dependency chain.
    Kahan total() const {
        double s = sum[0], e = -corr[0];
        for (int l = 1; l < kKahanLanes; ++l) {
            const double t = s + sum[l];
            const double z = t - s;
            e += ((s - (t - z)) + (sum[l] - z)) - corr[l];
            s = t;
        }
        if (!(s - s == 0.0)) return Kahan{s, 0.0}; // Inf or NaN: what plain addition gives
        const double r = s + e;
        return Kahan{r, (r - s) - e};
    }

private:
    // Kahan::merge of (os, oc) into (s, c).
    static void merge_lane(double &s, double &c, double os, double oc) {
        kahan_step(s, c, os);
        kahan_step(s, c, -oc);
    }
};

/// 1 when v is not zero (NaN counts; -0.0 does not), else 0. Integer operations only, so that counting
/// loops vectorize even on SSE2 (which has no compare of doubles yielding 64-bit integers).
inline uint64_t nonzero(double v) {
    uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    b <<= 1; // drop the sign
    return (b | (uint64_t{0} - b)) >> 63;
}

/// Minimum cells per chunk of the dense aggregate kernels (and of fused operators, which match them).
constexpr int64_t kAggChunkCells = 16 * 1024;

} // namespace linea::kernels::detail
