#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace linea::kernels {
namespace {

using testing::near;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::shared_ptr<MatrixBlock> col(std::vector<double> v) {
    auto m = std::make_shared<MatrixBlock>(static_cast<int64_t>(v.size()), 1);
    for (size_t i = 0; i < v.size(); ++i) m->set(static_cast<int64_t>(i), 0, v[i]);
    m->recompute_nnz();
    return m;
}

TEST(KernelTable, CountsWeightsScalarsAndOutputSize) {
    auto a = col({1, 2, 2, 3, kNaN}), b = col({1, 1, 2, 2, 1}), w = col({1, 2, 3, 4, 5});
    MatrixPtr t = table({a.get(), 0}, {b.get(), 0}, {nullptr, 1.0}, -1, -1);
    ASSERT_EQ(t->rows(), 3);
    ASSERT_EQ(t->cols(), 2);
    EXPECT_EQ(t->get(1, 0), 1.0);
    EXPECT_EQ(t->get(1, 1), 1.0);
    EXPECT_EQ(t->get(2, 1), 1.0);
    MatrixPtr tw = table({a.get(), 0}, {b.get(), 0}, {w.get(), 0}, -1, -1);
    EXPECT_EQ(tw->get(2, 1), 4.0);
    MatrixPtr ts = table({a.get(), 0}, {nullptr, 1.0}, {nullptr, 1.0}, 2, 3);
    ASSERT_EQ(ts->rows(), 2);
    ASSERT_EQ(ts->cols(), 3);
    EXPECT_EQ(ts->get(1, 0), 2.0); // the 3 is dropped by odim1 = 2
    EXPECT_THROW(table({col({0}).get(), 0}, {nullptr, 1}, {nullptr, 1}, -1, -1), KernelError);
    EXPECT_THROW(table({a.get(), 0}, {col({1}).get(), 0}, {nullptr, 1}, -1, -1), KernelError);
    MatrixPtr e = table({col({}).get(), 0}, {col({}).get(), 0}, {nullptr, 1}, -1, -1);
    EXPECT_EQ(e->rows(), 0);
}

TEST(KernelGroupedAggregate, AllFunctionsAgainstReference) {
    auto x = col({1, 2, 3, 4, 10, -1});
    auto g = col({1, 1, 2, 2, 2, 4});
    auto check = [&](GroupFn fn, std::vector<double> want) {
        MatrixPtr r = grouped_aggregate(fn, *x, *g, nullptr, -1);
        ASSERT_EQ(r->rows(), 4);
        for (size_t i = 0; i < want.size(); ++i)
            EXPECT_TRUE(near(r->get(static_cast<int64_t>(i), 0), want[i]));
    };
    check(GroupFn::Sum, {3, 17, 0, -1});
    check(GroupFn::Count, {2, 3, 0, 1});
    check(GroupFn::Mean, {1.5, 17.0 / 3, 0, -1});
    check(GroupFn::Variance,
          {0.5, (std::pow(3 - 17.0 / 3, 2) + std::pow(4 - 17.0 / 3, 2) + std::pow(10 - 17.0 / 3, 2)) / 2, 0,
           0});
    check(GroupFn::Min, {1, 3, 0, -1});
    check(GroupFn::Max, {2, 10, 0, -1});
    MatrixPtr k = grouped_aggregate(GroupFn::Sum, *x, *g, nullptr, 2);
    EXPECT_EQ(k->rows(), 2);
    auto w = col({1, 3, 1, 1, 1, 1});
    MatrixPtr wm = grouped_aggregate(GroupFn::Mean, *x, *g, w.get(), -1);
    EXPECT_TRUE(near(wm->get(0, 0), 7.0 / 4));
    MatrixBlock wide(6, 2, 1.0);
    MatrixPtr ws = grouped_aggregate(GroupFn::Sum, wide, *g, nullptr, -1);
    EXPECT_EQ(ws->cols(), 2);
    EXPECT_EQ(ws->get(1, 1), 3.0);
    EXPECT_THROW(grouped_aggregate(GroupFn::Sum, *x, *col({1, 2}), nullptr, -1), KernelError);
}

TEST(KernelStatistics, MomentCovQuantileMedian) {
    auto x = col({2, 4, 4, 4, 5, 5, 7, 9});
    EXPECT_TRUE(near(central_moment(*x, nullptr, 2), 4.0));
    double m3 = 0;
    for (int64_t i = 0; i < 8; ++i) m3 += std::pow(x->get(i, 0) - 5, 3);
    EXPECT_TRUE(near(central_moment(*x, nullptr, 3), m3 / 8));
    auto y = col({1, 2, 3, 4, 5, 6, 7, 8});
    double c = 0;
    for (int64_t i = 0; i < 8; ++i) c += (x->get(i, 0) - 5) * (y->get(i, 0) - 4.5);
    EXPECT_TRUE(near(covariance(*x, *y, nullptr), c / 7));
    auto w = col({2, 1, 1, 1, 1, 1, 1, 1});
    // Weights act as frequencies: the same as repeating the first value.
    auto xr = col({2, 2, 4, 4, 4, 5, 5, 7, 9});
    EXPECT_TRUE(near(central_moment(*x, w.get(), 2), central_moment(*xr, nullptr, 2)));
    EXPECT_TRUE(near(median(*x, w.get()), median(*xr, nullptr)));
    EXPECT_EQ(median(*y, nullptr), 4.5);
    EXPECT_EQ(median(*col({3, 1, 2}), nullptr), 2.0);
    std::vector<double> q = quantile(*y, nullptr, {0.0, 0.25, 0.5, 0.9, 1.0});
    EXPECT_EQ(q, (std::vector<double>{1, 2, 4, 8, 8}));
    EXPECT_THROW(quantile(*y, nullptr, {1.5}), KernelError);
    EXPECT_THROW(median(*col({}), nullptr), KernelError);
    EXPECT_THROW(central_moment(*x, nullptr, 5), KernelError);
    EXPECT_THROW(covariance(*x, *col({1}), nullptr), KernelError);
    EXPECT_TRUE(std::isnan(median(*col({1, kNaN, kNaN}), nullptr)));
}

} // namespace
} // namespace linea::kernels
