// sample(range, size, replace, seed): uniform integers in [1, range].
#include "kernels/ops.h"

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace linea::kernels {

namespace {
/// Uniform integer in [0, bound) without modulo bias (rejection sampling on a 64-bit generator).
uint64_t bounded(std::mt19937_64 &g, uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do x = g();
    while (x >= limit);
    return x % bound;
}
} // namespace

MatrixPtr sample(int64_t range, int64_t size, bool replace, uint64_t seed) {
    if (range < 1) throw KernelError("sample: range must be at least 1, got " + std::to_string(range));
    if (size < 0) throw KernelError("sample: size must be non-negative, got " + std::to_string(size));
    if (!replace && size > range)
        throw KernelError("sample: cannot draw " + std::to_string(size) +
                          " values without replacement from a range of " + std::to_string(range) +
                          " (use replace=TRUE)");
    std::mt19937_64 g(seed);
    auto out = MatrixBlock::uninitialized(size, 1);
    double *dst = out->mutable_data();
    const auto r = static_cast<uint64_t>(range);
    if (replace) {
        for (int64_t i = 0; i < size; ++i) dst[i] = static_cast<double>(bounded(g, r) + 1);
    } else if (range <= 4 * size || range <= (int64_t{1} << 20)) {
        // Partial Fisher-Yates over 1..range.
        std::vector<int64_t> pool(static_cast<size_t>(range));
        for (int64_t i = 0; i < range; ++i) pool[static_cast<size_t>(i)] = i + 1;
        for (int64_t i = 0; i < size; ++i) {
            const auto k = static_cast<int64_t>(bounded(g, static_cast<uint64_t>(range - i))) + i;
            std::swap(pool[static_cast<size_t>(i)], pool[static_cast<size_t>(k)]);
            dst[i] = static_cast<double>(pool[static_cast<size_t>(i)]);
        }
    } else {
        // Floyd's algorithm for a few values out of a huge range, then a shuffle for a random order.
        std::unordered_set<int64_t> chosen;
        std::vector<int64_t> vals;
        vals.reserve(static_cast<size_t>(size));
        for (int64_t j = range - size + 1; j <= range; ++j) {
            const auto t = static_cast<int64_t>(bounded(g, static_cast<uint64_t>(j))) + 1;
            const int64_t v = chosen.insert(t).second ? t : j;
            if (v == j) chosen.insert(j);
            vals.push_back(v);
        }
        for (int64_t i = size - 1; i > 0; --i)
            std::swap(vals[static_cast<size_t>(i)], vals[bounded(g, static_cast<uint64_t>(i + 1))]);
        for (int64_t i = 0; i < size; ++i) dst[i] = static_cast<double>(vals[static_cast<size_t>(i)]);
    }
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
