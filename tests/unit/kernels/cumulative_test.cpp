#include "test_util.h"

#include <gtest/gtest.h>

#include <limits>

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::near;
using testing::same;
using testing::test_shapes;

TEST(KernelCumulative, MatchesReferenceLoopOverShapes) {
    for (auto [m, n] : test_shapes()) {
        auto a = make_block(m, n, 7);
        for (CumOp op : {CumOp::Sum, CumOp::Prod, CumOp::Min, CumOp::Max}) {
            MatrixPtr r = cumulative(op, *a);
            ASSERT_EQ(r->rows(), m);
            ASSERT_EQ(r->cols(), n);
            for (int64_t j = 0; j < n; ++j) {
                double acc = 0;
                for (int64_t i = 0; i < m; ++i) {
                    const double v = a->get(i, j);
                    if (i == 0)
                        acc = v;
                    else if (op == CumOp::Sum)
                        acc += v;
                    else if (op == CumOp::Prod)
                        acc *= v;
                    else if (op == CumOp::Min)
                        acc = std::min(acc, v);
                    else
                        acc = std::max(acc, v);
                    ASSERT_TRUE(near(r->get(i, j), acc)) << m << "x" << n << " at " << i << "," << j;
                }
            }
        }
    }
}

TEST(KernelCumulative, WideMatrixUsesAllColumnBlocks) {
    auto a = make_block(700, 300, 3);
    MatrixPtr r = cumulative(CumOp::Sum, *a);
    for (int64_t j = 0; j < 300; j += 37) {
        double s = 0;
        for (int64_t i = 0; i < 700; ++i) s += a->get(i, j);
        EXPECT_TRUE(near(r->get(699, j), s));
    }
}

TEST(KernelCumulative, NaNPropagates) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    MatrixBlock a(3, 1);
    a.set(0, 0, 2);
    a.set(1, 0, nan);
    a.set(2, 0, 1);
    for (CumOp op : {CumOp::Sum, CumOp::Prod, CumOp::Min, CumOp::Max}) {
        MatrixPtr r = cumulative(op, a);
        EXPECT_EQ(r->get(0, 0), 2.0);
        EXPECT_TRUE(std::isnan(r->get(1, 0)));
        EXPECT_TRUE(same(r->get(2, 0), nan));
    }
}

} // namespace
} // namespace linea::kernels
