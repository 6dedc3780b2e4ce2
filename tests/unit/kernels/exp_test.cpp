// exp: within 1 ulp of expl over the whole range (0.52 for normal results, 0.76 for subnormal ones), exact
// special values, the table it uses, and the same bits from the scalar path (apply_unary, DML scalars), the
// vectorized kernel (unary), sigmoid, and the AVX2 and baseline code of its branch-free part.
#include "kernels/math/exp.h"
#include "kernels/ops.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace linea::kernels {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool same_bits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

/// |y - e^x| in units of the last place of the correctly rounded result (subnormal ulp below DBL_MIN).
double ulp_error(double x, double y) {
    const long double e = expl(static_cast<long double>(x));
    const double rounded = static_cast<double>(e);
    if (std::isinf(rounded)) return std::isinf(y) ? 0.0 : kInf;
    long double ulp = 0x1p-1074L;
    if (rounded >= DBL_MIN) {
        int ex = 0;
        std::frexp(rounded, &ex);
        ulp = std::ldexp(1.0L, ex - 53);
    }
    return static_cast<double>(fabsl(static_cast<long double>(y) - e) / ulp);
}

/// 1M+ inputs: uniform over the whole finite-result range, near zero, in the subnormal-result range and
/// around the edges of exp's fast range (+-708).
std::vector<double> random_inputs() {
    std::mt19937_64 g(7);
    std::uniform_real_distribution<double> whole(-746.0, 709.78), unit(-1.0, 1.0), sub(-745.2, -708.3),
        edge(707.0, 709.0);
    std::vector<double> x(1 << 20);
    for (size_t i = 0; i < x.size(); ++i) {
        switch (i % 5) {
        case 0:
            x[i] = whole(g);
            break;
        case 1:
            x[i] = unit(g);
            break;
        case 2:
            x[i] = unit(g) * std::ldexp(1.0, -static_cast<int>(i % 60));
            break;
        case 3:
            x[i] = (i % 2 == 0 ? 1.0 : -1.0) * edge(g);
            break;
        default:
            x[i] = sub(g);
        }
    }
    return x;
}

TEST(Exp, WithinOneUlpOfExpl) {
    const std::vector<double> x = random_inputs();
    auto in = MatrixBlock::uninitialized(static_cast<int64_t>(x.size()), 1);
    std::copy(x.begin(), x.end(), in->mutable_data());
    in->recompute_nnz();
    const MatrixPtr out = unary(UnaryOp::Exp, *in); // the vectorized kernel
    double worst_normal = 0.0, worst_normal_x = 0.0, worst_subnormal = 0.0, worst_subnormal_x = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double y = out->data()[i];
        const double err = ulp_error(x[i], y);
        double &worst = y >= DBL_MIN ? worst_normal : worst_subnormal;
        if (err > worst) {
            worst = err;
            (y >= DBL_MIN ? worst_normal_x : worst_subnormal_x) = x[i];
        }
    }
    // Normal results: 0.5 for the last rounding plus ~0.01; subnormal ones round a second time.
    EXPECT_LE(worst_normal, 0.52) << "at x = " << worst_normal_x;
    EXPECT_LE(worst_subnormal, 0.76) << "at x = " << worst_subnormal_x;
}

TEST(Exp, TableHoldsPowersOfTwo) {
    for (int j = 0; j < 128; ++j) {
        const long double exact = exp2l(j / 128.0L);
        const long double hi = math::exp_detail::kExp2Table[2 * j],
                          lo = math::exp_detail::kExp2Table[2 * j + 1];
        // hi is the nearest double; hi + lo is as close as exp2l's own error (~2^-64) can tell.
        EXPECT_EQ(static_cast<double>(exact), math::exp_detail::kExp2Table[2 * j]) << j;
        EXPECT_LE(fabsl(hi + lo - exact), 0x1p-62L) << j;
    }
}

TEST(Exp, SpecialValues) {
    EXPECT_TRUE(same_bits(math::exp(0.0), 1.0));
    EXPECT_TRUE(same_bits(math::exp(-0.0), 1.0));
    EXPECT_TRUE(std::isnan(math::exp(std::numeric_limits<double>::quiet_NaN())));
    EXPECT_TRUE(same_bits(math::exp(kInf), kInf));
    EXPECT_TRUE(same_bits(math::exp(-kInf), 0.0));
    EXPECT_TRUE(same_bits(math::exp(1000.0), kInf));
    EXPECT_TRUE(same_bits(math::exp(709.79), kInf));         // just above ln(DBL_MAX)
    EXPECT_TRUE(std::isfinite(math::exp(709.782712893384))); // just below it
    EXPECT_TRUE(same_bits(math::exp(-1000.0), 0.0));
    EXPECT_TRUE(same_bits(math::exp(-745.2), 0.0));        // rounds to +0
    EXPECT_TRUE(same_bits(math::exp(-745.13), 0x1p-1074)); // the smallest subnormal
    EXPECT_GT(math::exp(-740.0), 0.0);
    EXPECT_LT(math::exp(-740.0), DBL_MIN);
    EXPECT_TRUE(same_bits(math::exp(1e-300), 1.0));
    EXPECT_TRUE(same_bits(math::exp(1.0), 2.718281828459045));
    // Both sides of the fast range's edge.
    for (double x :
         {708.0, std::nextafter(708.0, 710.0), -708.0, std::nextafter(-708.0, -710.0), 708.4, -708.3})
        EXPECT_LE(ulp_error(x, math::exp(x)), 0.52) << x;
    for (double x : {1.0, -1.0, 0.5, 10.0, -10.0, 700.0, -700.0, -740.0})
        EXPECT_LE(ulp_error(x, math::exp(x)), 1.0) << x;
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
// exp's branch-free part, one value and four at a time (math::Quad, in one pass and in the kernels' two
// passes), compiled for AVX2 and for the baseline (SSE2), as the kernels' target_clones are.
[[gnu::always_inline]] inline void exp_in_range_all(const double *a, double *one, double *four,
                                                    double *two_pass, size_t n) {
    for (size_t i = 0; i < n; ++i) one[i] = math::exp_in_range(a[i]);
    for (size_t i = 0; i + 4 <= n; i += 4) {
        math::Quad x, y;
        std::memcpy(&x, a + i, sizeof x);
        math::exp_in_range4(x, y);
        std::memcpy(four + i, &y, sizeof y);
    }
    std::vector<double> shifted(n);
    for (size_t i = 0; i + 4 <= n; i += 4) {
        math::Quad x, s;
        std::memcpy(&x, a + i, sizeof x);
        math::exp_shift4(x, s);
        std::memcpy(shifted.data() + i, &s, sizeof s);
    }
    for (size_t i = 0; i + 4 <= n; i += 4) {
        math::Quad x, y;
        std::memcpy(&x, a + i, sizeof x);
        math::exp_from_shift4(x, shifted.data() + i, y);
        std::memcpy(two_pass + i, &y, sizeof y);
    }
}
__attribute__((target("avx2"), noinline)) void exp_in_range_avx2(const double *a, double *one, double *four,
                                                                 double *two_pass, size_t n) {
    exp_in_range_all(a, one, four, two_pass, n);
}
__attribute__((noinline)) void exp_in_range_baseline(const double *a, double *one, double *four,
                                                     double *two_pass, size_t n) {
    exp_in_range_all(a, one, four, two_pass, n);
}

TEST(Exp, AvxAndBaselineCodeGiveTheSameBits) {
    if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "no AVX2";
    std::vector<double> x = random_inputs();
    const size_t n = x.size() / 4 * 4;
    std::vector<std::vector<double>> out(6, std::vector<double>(n));
    exp_in_range_avx2(x.data(), out[0].data(), out[1].data(), out[2].data(), n);
    exp_in_range_baseline(x.data(), out[3].data(), out[4].data(), out[5].data(), n);
    for (size_t k = 1; k < 6; ++k)
        EXPECT_EQ(std::memcmp(out[0].data(), out[k].data(), n * sizeof(double)), 0) << k;
}
#endif

TEST(Exp, ScalarAndKernelGiveTheSameBits) {
    std::vector<double> x = random_inputs();
    x.resize(100003); // an odd length: the vector loop's remainder runs too
    for (double s : {0.0, -0.0, kInf, -kInf, std::numeric_limits<double>::quiet_NaN(), 800.0, -800.0})
        x.push_back(s);
    auto in = MatrixBlock::uninitialized(static_cast<int64_t>(x.size()), 1);
    std::copy(x.begin(), x.end(), in->mutable_data());
    in->recompute_nnz();
    for (UnaryOp op : {UnaryOp::Exp, UnaryOp::Sigmoid}) {
        const MatrixPtr out = unary(op, *in);
        int64_t nnz = 0, mismatches = 0;
        for (size_t i = 0; i < x.size(); ++i) {
            const double scalar = apply_unary(op, x[i]);
            if (!same_bits(scalar, out->data()[i]) && !(std::isnan(scalar) && std::isnan(out->data()[i])))
                ++mismatches;
            nnz += out->data()[i] != 0.0;
        }
        EXPECT_EQ(mismatches, 0);
        EXPECT_EQ(out->nnz(), nnz);
    }
    EXPECT_TRUE(same_bits(apply_unary(UnaryOp::Exp, 0.5), math::exp(0.5)));
    EXPECT_TRUE(same_bits(apply_unary(UnaryOp::Sigmoid, 0.5), 1.0 / (1.0 + math::exp(-0.5))));
}

} // namespace
} // namespace linea::kernels
