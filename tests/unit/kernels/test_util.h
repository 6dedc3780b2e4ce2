// Shared helpers for kernel tests: deterministic inputs and shape lists.
#pragma once

#include "kernels/ops.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace linea::kernels::testing {

/// Shapes every kernel test runs over: empty, 1x1, row/column vectors, tall, wide.
inline std::vector<std::pair<int64_t, int64_t>> test_shapes() {
    return {{0, 0}, {0, 3}, {1, 1}, {1, 9}, {9, 1}, {300, 7}, {7, 300}};
}

/// A deterministic block with varied values (including zeros and negatives).
inline std::shared_ptr<MatrixBlock> make_block(int64_t rows, int64_t cols, uint64_t seed = 1) {
    auto m = std::make_shared<MatrixBlock>(rows, cols, 0.0);
    uint64_t s = seed * 2654435761u + 12345;
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            const int v = static_cast<int>((s >> 33) % 21) - 10; // -10..10
            m->set(i, j, v % 4 == 0 ? 0.0 : v * 0.75);
        }
    m->recompute_nnz();
    return m;
}

/// Equality treating NaN == NaN.
inline bool same(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

inline bool near(double a, double b, double tol = 1e-9) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (std::isinf(a) || std::isinf(b)) return a == b;
    return std::abs(a - b) <= tol * std::max(1.0, std::max(std::abs(a), std::abs(b)));
}

} // namespace linea::kernels::testing
