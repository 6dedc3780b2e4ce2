// exp: within 1 ulp of expl over the whole range (including subnormal results), exact special values, and
// the same bits from the scalar path (apply_unary, DML scalars), the vectorized kernel (unary) and
// sigmoid.
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

/// 1M+ inputs: uniform over the whole finite-result range, near zero, and in the subnormal-result range.
std::vector<double> random_inputs() {
    std::mt19937_64 g(7);
    std::uniform_real_distribution<double> whole(-746.0, 709.78), unit(-1.0, 1.0), sub(-745.2, -708.3);
    std::vector<double> x(1 << 20);
    for (size_t i = 0; i < x.size(); ++i) {
        switch (i % 4) {
        case 0:
            x[i] = whole(g);
            break;
        case 1:
            x[i] = unit(g);
            break;
        case 2:
            x[i] = unit(g) * std::ldexp(1.0, -static_cast<int>(i % 60));
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
    double worst = 0.0, worst_x = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double err = ulp_error(x[i], out->data()[i]);
        if (err > worst) {
            worst = err;
            worst_x = x[i];
        }
    }
    EXPECT_LE(worst, 1.0) << "at x = " << worst_x;
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
    for (double x : {1.0, -1.0, 0.5, 10.0, -10.0, 700.0, -700.0, -740.0})
        EXPECT_LE(ulp_error(x, math::exp(x)), 1.0) << x;
}

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
