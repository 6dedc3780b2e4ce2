#include "test_util.h"

#include <gtest/gtest.h>

#include <limits>

namespace linea::kernels {
namespace {

TEST(FormatDouble, JavaDoubleToString) {
    const double inf = std::numeric_limits<double>::infinity();
    const std::pair<double, const char *> cases[] = {
        {27.0, "27.0"},
        {0.1, "0.1"},
        {1e-5, "1.0E-5"},
        {12345678.0, "1.2345678E7"},
        {1e7, "1.0E7"},
        {9999999.0, "9999999.0"},
        {0.001, "0.001"},
        {1e-4, "1.0E-4"},
        {std::numeric_limits<double>::quiet_NaN(), "NaN"},
        {inf, "Infinity"},
        {-inf, "-Infinity"},
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {100.0, "100.0"},
        {1e21, "1.0E21"},
        {4.9e-324, "4.9E-324"},
        {1.7976931348623157e308, "1.7976931348623157E308"},
        {0.30000000000000004, "0.30000000000000004"},
        {1234567.0, "1234567.0"},
        {100.5, "100.5"},
        {-3.5e-4, "-3.5E-4"},
        {1e10, "1.0E10"},
        {-27.25, "-27.25"},
        {0.0012345, "0.0012345"},
        {1e23, "1.0E23"},
        {2.0E-3, "0.002"},
    };
    for (auto [v, want] : cases) EXPECT_EQ(format_double(v), want) << want;
}

TEST(ToString, SystemDSLayout) {
    auto m = from_values({1, 2.5, -3, 0.0005}, 2, 2, true);
    // Cells joined by sep, every row terminated by linesep (also the last).
    EXPECT_EQ(to_string(*m), "1.000 2.500\n-3.000 0.001\n");
    EXPECT_EQ(to_string(*m, 1, 100), "1.000 2.500\n");
    EXPECT_EQ(to_string(*m, 100, 1), "1.000\n-3.000\n");
    EXPECT_EQ(to_string(*m, 100, 100, 3, ",", "|"), "1.000,2.500|-3.000,0.001|");
    EXPECT_EQ(to_string(MatrixBlock(0, 0)), "");
}

TEST(ToString, DecimalFormatRounding) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    auto m = from_values({0.125, 0.375, 1.0005, -0.0, -0.0001, nan, inf, -inf, 1e20, 999.9996}, 1, 10, true);
    // HALF_EVEN on exact values: 0.125 -> 0.12 (2 digits), 1.0005 is really 1.000499999... -> 1.000;
    // -0.0 prints as 0.000 (SystemDS), a tiny negative keeps its sign like java.text.DecimalFormat.
    EXPECT_EQ(to_string(*m),
              "0.125 0.375 1.000 0.000 -0.000 NaN Infinity -Infinity 100000000000000000000.000 "
              "1000.000\n");
    auto two = from_values({0.125, 0.375, 1.0, 1.5}, 1, 4, true);
    // decimal < 3: at least `decimal` and at most 3 fraction digits.
    EXPECT_EQ(to_string(*two, 100, 100, 1), "0.125 0.375 1.0 1.5\n");
    EXPECT_EQ(to_string(*two, 100, 100, 0), "0.125 0.375 1 1.5\n");
    auto five = from_values({0.125, 1.0 / 3}, 1, 2, true);
    EXPECT_EQ(to_string(*five, 100, 100, 5), "0.12500 0.33333\n");
    auto half = from_values({0.5, 1.5, 2.5}, 1, 3, true);
    EXPECT_EQ(to_string(*half, 100, 100, 0), "0.5 1.5 2.5\n");
    auto tie = from_values({0.0625, 0.1875}, 1, 2, true); // exact binary ties at 3 digits
    EXPECT_EQ(to_string(*tie), "0.062 0.188\n");
}

} // namespace
} // namespace linea::kernels
