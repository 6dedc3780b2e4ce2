// Internal helpers for kernels: when and how to split work across threads.
// Results must never depend on the number of threads: helpers hand out chunks whose
// boundaries depend only on the problem size, never on the thread count.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>

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
    void merge(const KahanLanes &o) {
        for (int i = 0; i < 8; ++i) lane[i].merge(o.lane[i]);
    }
    Kahan total() const {
        Kahan k = lane[0];
        for (int i = 1; i < 8; ++i) k.merge(lane[i]);
        return k;
    }
};

/// Minimum cells per chunk of the dense aggregate kernels (and of fused operators, which match them).
constexpr int64_t kAggChunkCells = 16 * 1024;

} // namespace linea::kernels::detail
