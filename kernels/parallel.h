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

/// Kahan (compensated) summation; partial results merge in a fixed order.
struct Kahan {
    double sum = 0.0;
    double corr = 0.0;
    void add(double x) {
        const double y = x - corr;
        const double t = sum + y;
        corr = (t - sum) - y;
        sum = t;
    }
    void merge(const Kahan &o) {
        add(o.sum);
        add(-o.corr);
    }
};

/// Eight interleaved Kahan sums: independent dependency chains let the CPU overlap the additions
/// (a single compensated sum is latency-bound). Lanes merge in a fixed order, so results stay
/// independent of the thread count. Shared by the dense aggregates and the fused operators, whose
/// sums must agree bit for bit.
struct KahanLanes {
    Kahan lane[8];
    int next = 0;
    void add(double v) {
        lane[next].add(v);
        next = (next + 1) & 7;
    }
    /// Adds v[0..n) (each value squared when `squares`) exactly as n calls of add() would: every lane
    /// sees the same values in the same order. Whole groups of eight go lane by lane with the lanes in
    /// registers, so the eight compensated sums run side by side (SIMD) instead of through memory.
    void add_span(const double *v, int64_t n, bool squares = false) {
        if (squares)
            add_span_impl<true>(v, n);
        else
            add_span_impl<false>(v, n);
    }
    void merge(const KahanLanes &o) {
        for (int i = 0; i < 8; ++i) lane[i].merge(o.lane[i]);
    }
    Kahan total() const {
        Kahan k = lane[0];
        for (int i = 1; i < 8; ++i) k.merge(lane[i]);
        return k;
    }

private:
    template <bool Squares> void add_span_impl(const double *v, int64_t n) {
        auto value = [v](int64_t t) { return Squares ? v[t] * v[t] : v[t]; };
        int64_t t = 0;
        for (; t < n && next != 0; ++t) add(value(t));
        // Lanes 2h, 2h+1 as one 2-wide vector (GCC vector extension, SSE2: element-wise IEEE operations, so
        // the same bits as add()), the four pairs in registers.
        typedef double Pair __attribute__((vector_size(16)));
        Pair s0, s1, s2, s3, c0, c1, c2, c3;
        auto load = [this](Pair &sum, Pair &corr, int l) {
            sum = Pair{lane[l].sum, lane[l + 1].sum};
            corr = Pair{lane[l].corr, lane[l + 1].corr};
        };
        load(s0, c0, 0);
        load(s1, c1, 2);
        load(s2, c2, 4);
        load(s3, c3, 6);
        auto step = [](Pair &sum, Pair &corr, const double *p) {
            Pair x;
            std::memcpy(&x, p, sizeof x);
            if constexpr (Squares) x = x * x;
            const Pair y = x - corr;
            const Pair s = sum + y;
            corr = (s - sum) - y;
            sum = s;
        };
        for (; t + 8 <= n; t += 8) {
            step(s0, c0, v + t);
            step(s1, c1, v + t + 2);
            step(s2, c2, v + t + 4);
            step(s3, c3, v + t + 6);
        }
        auto store = [this](const Pair &sum, const Pair &corr, int l) {
            lane[l].sum = sum[0];
            lane[l + 1].sum = sum[1];
            lane[l].corr = corr[0];
            lane[l + 1].corr = corr[1];
        };
        store(s0, c0, 0);
        store(s1, c1, 2);
        store(s2, c2, 4);
        store(s3, c3, 6);
        for (; t < n; ++t) add(value(t));
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
