#include "kernels/math/distributions.h"

#include <gtest/gtest.h>

#include <cmath>

namespace linea::kernels {
namespace {

// The lower and upper tails are computed separately; they must still add up to one.
TEST(Distributions, TailsAreComplements) {
    const DistParams normal{};
    DistParams chisq, f, t;
    chisq.df = 3.5;
    f.df1 = 4;
    f.df2 = 7.5;
    t.df = 2.5;
    for (double x : {-30.0, -3.0, -0.5, 0.0, 0.01, 0.7, 1.0, 2.0, 9.0, 45.0, 400.0}) {
        for (auto [d, p] : {std::pair{Distribution::Normal, normal}, std::pair{Distribution::ChiSq, chisq},
                            std::pair{Distribution::F, f}, std::pair{Distribution::T, t},
                            std::pair{Distribution::Exp, normal}}) {
            const double lo = dist_cdf(d, p, x, true), up = dist_cdf(d, p, x, false);
            EXPECT_NEAR(lo + up, 1.0, 1e-14) << static_cast<int>(d) << " at " << x;
            EXPECT_GE(lo, 0.0);
            EXPECT_LE(lo, 1.0);
        }
    }
}

// The quantile inverts the cdf across the whole probability range, tails included.
TEST(Distributions, QuantileInvertsCdf) {
    DistParams chisq, f, t, normal;
    chisq.df = 0.7;
    f.df1 = 2;
    f.df2 = 30;
    t.df = 1.2;
    normal.mean = -4;
    normal.sd = 3;
    for (double prob : {1e-12, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9}) {
        for (auto [d, p] : {std::pair{Distribution::Normal, normal}, std::pair{Distribution::ChiSq, chisq},
                            std::pair{Distribution::F, f}, std::pair{Distribution::T, t}}) {
            const double q = dist_icdf(d, p, prob);
            const bool lower = prob <= 0.5;
            const double back = dist_cdf(d, p, q, lower);
            EXPECT_NEAR(back, lower ? prob : 1 - prob, 1e-12 * (lower ? prob : 1 - prob) + 1e-300)
                << static_cast<int>(d) << " p=" << prob;
        }
    }
}

// Special cases with closed forms: chi-squared with 2 degrees of freedom is exponential with rate 1/2,
// t with 1 degree of freedom is Cauchy.
TEST(Distributions, ClosedForms) {
    DistParams chisq2, t1;
    chisq2.df = 2;
    t1.df = 1;
    for (double x : {0.1, 1.0, 5.0, 60.0}) {
        EXPECT_NEAR(dist_cdf(Distribution::ChiSq, chisq2, x, false), std::exp(-x / 2),
                    1e-14 * std::exp(-x / 2));
        EXPECT_NEAR(dist_cdf(Distribution::T, t1, x, true), 0.5 + std::atan(x) / M_PI, 1e-15);
    }
    double p = 0, q = 0;
    gamma_pq(1.0, 2.0, p, q); // P(1, x) = 1 - exp(-x)
    EXPECT_NEAR(q, std::exp(-2.0), 1e-16);
    beta_pq(1.0, 1.0, 0.3, p, q); // uniform
    EXPECT_NEAR(p, 0.3, 1e-16);
    EXPECT_TRUE(std::isnan(dist_cdf(Distribution::Normal, DistParams{}, NAN, true)));
}

} // namespace
} // namespace linea::kernels
