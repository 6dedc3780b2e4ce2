// KahanLanes::add_span must be exactly a run of add() calls (the dense aggregates and the fused
// operators rely on it for bit-identical sums).
#include "kernels/parallel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace linea::kernels {
namespace {

using detail::KahanLanes;

bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_same_lanes(const KahanLanes &a, const KahanLanes &b) {
    EXPECT_EQ(a.next, b.next);
    for (int l = 0; l < detail::kKahanLanes; ++l) {
        EXPECT_TRUE(same_bits(a.sum[l], b.sum[l])) << "lane " << l;
        EXPECT_TRUE(same_bits(a.corr[l], b.corr[l])) << "lane " << l;
    }
}

TEST(KahanLanes, SpanAddEqualsElementByElementAddBitForBit) {
    std::mt19937_64 g(42);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> v(1100);
    // Values of very different magnitudes, so that the compensation terms are non-trivial.
    for (size_t i = 0; i < v.size(); ++i) v[i] = u(g) * (i % 3 == 0 ? 1e12 : (i % 3 == 1 ? 1.0 : 1e-9));
    for (bool squares : {false, true})
        for (int64_t offset : {0, 1, 3, 7, 8, 13, 31, 32, 33})
            for (int64_t len : {0, 1, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200, 977}) {
                // Start from lanes that are already mid-cycle: a first span of `offset` values.
                KahanLanes spans, adds;
                spans.add_span(v.data(), offset, squares);
                spans.add_span(v.data() + offset, len, squares);
                for (int64_t t = 0; t < offset + len; ++t) adds.add(squares ? v[t] * v[t] : v[t]);
                SCOPED_TRACE("squares " + std::to_string(squares) + " offset " + std::to_string(offset) +
                             " len " + std::to_string(len));
                expect_same_lanes(spans, adds);
                EXPECT_TRUE(same_bits(spans.total().sum, adds.total().sum));
            }
}

TEST(KahanLanes, SpanAddKeepsNaNAndInf) {
    const std::vector<double> v = {1.0, 2.0, std::numeric_limits<double>::infinity(), 4.0, 5.0, 6.0, 7.0,
                                   8.0, 9.0};
    KahanLanes k;
    k.add_span(v.data(), static_cast<int64_t>(v.size()));
    EXPECT_TRUE(std::isnan(k.total().sum) || std::isinf(k.total().sum));
    KahanLanes adds;
    for (double x : v) adds.add(x);
    EXPECT_TRUE(same_bits(k.total().sum, adds.total().sum));
}

// add_span runs the plain Kahan steps and repeats a span with kahan_step's check when a lane's sum ends up
// Inf or NaN: the lanes must still equal element-wise add() everywhere.
TEST(KahanLanes, SpanAddEqualsAddWithInfNaNAndOverflow) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const std::vector<double> specials = {kInf, -kInf, std::numeric_limits<double>::quiet_NaN(), 1e308};
    std::mt19937_64 g(5);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (size_t kind = 0; kind < specials.size(); ++kind)
        for (int64_t at : {0, 5, 40, 63, 100, 199}) {
            std::vector<double> v(200);
            for (double &x : v) x = u(g);
            v[static_cast<size_t>(at)] = specials[kind];
            if (kind == 3) v[static_cast<size_t>(at + 32) % v.size()] = 1e308; // the same lane overflows
            if (kind == 0) v[static_cast<size_t>(at + 64) % v.size()] = -kInf; // Inf - Inf in one lane
            for (bool squares : {false, true}) {
                KahanLanes spans, adds;
                spans.add_span(v.data(), static_cast<int64_t>(v.size()), squares);
                for (double x : v) adds.add(squares ? x * x : x);
                SCOPED_TRACE("kind " + std::to_string(kind) + " at " + std::to_string(at));
                for (int l = 0; l < detail::kKahanLanes; ++l) {
                    const bool nan_both = std::isnan(spans.sum[l]) && std::isnan(adds.sum[l]);
                    EXPECT_TRUE(nan_both || same_bits(spans.sum[l], adds.sum[l])) << "lane " << l;
                    EXPECT_TRUE(same_bits(spans.corr[l], adds.corr[l])) << "lane " << l;
                }
            }
        }
}

TEST(NonZero, CountsLikeComparisonWithZero) {
    const double cases[] = {0.0,
                            -0.0,
                            1.0,
                            -1.0,
                            5e-324,
                            -5e-324,
                            std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity()};
    for (double v : cases) EXPECT_EQ(detail::nonzero(v), v != 0.0 ? 1u : 0u) << v;
}

} // namespace
} // namespace linea::kernels
