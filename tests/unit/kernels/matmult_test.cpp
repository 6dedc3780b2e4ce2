#include "test_util.h"

#include <gtest/gtest.h>

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::near;

void expect_product(const MatrixBlock &a, const MatrixBlock &b, const MatrixBlock &c) {
    ASSERT_EQ(c.rows(), a.rows());
    ASSERT_EQ(c.cols(), b.cols());
    for (int64_t i = 0; i < a.rows(); ++i)
        for (int64_t j = 0; j < b.cols(); ++j) {
            double s = 0;
            for (int64_t k = 0; k < a.cols(); ++k) s += a.get(i, k) * b.get(k, j);
            ASSERT_TRUE(near(c.get(i, j), s)) << i << "," << j;
        }
}

TEST(MatMult, ShapesIncludingVectorsAndEmpty) {
    const int64_t dims[][3] = {{0, 0, 0}, {0, 3, 2},   {3, 0, 2},   {3, 2, 0},   {1, 1, 1},   {1, 9, 1},
                               {9, 1, 9}, {300, 7, 1}, {1, 7, 300}, {300, 7, 5}, {7, 300, 7}, {5, 5, 5}};
    for (auto &d : dims) {
        auto a = make_block(d[0], d[1], 1), b = make_block(d[1], d[2], 2);
        expect_product(*a, *b, *matmult(*a, *b));
    }
}

TEST(MatMult, InnerZeroGivesZeros) {
    MatrixBlock a(3, 0), b(0, 4);
    auto c = matmult(a, b);
    EXPECT_EQ(c->rows(), 3);
    EXPECT_EQ(c->cols(), 4);
    EXPECT_EQ(c->nnz(), 0);
}

TEST(MatMult, MismatchMessage) {
    MatrixBlock a(3, 4), b(5, 2);
    try {
        matmult(a, b);
        FAIL();
    } catch (const KernelError &e) {
        EXPECT_STREQ(e.what(), "dimension mismatch in matrix multiplication: 3x4 %*% 5x2");
    }
}

TEST(Tsmm, BothSidesMatchMatmultOfTranspose) {
    for (auto [r, c] : testing::test_shapes()) {
        auto a = make_block(r, c, 3);
        auto t = transpose(*a);
        auto left = tsmm(*a, true), right = tsmm(*a, false);
        auto l2 = matmult(*t, *a), r2 = matmult(*a, *t);
        ASSERT_EQ(left->rows(), c);
        ASSERT_EQ(right->rows(), r);
        for (int64_t k = 0; k < left->cells(); ++k) ASSERT_TRUE(near(left->data()[k], l2->data()[k]));
        for (int64_t k = 0; k < right->cells(); ++k) ASSERT_TRUE(near(right->data()[k], r2->data()[k]));
    }
}

TEST(Solve, ResidualIsSmall) {
    const int64_t n = 40;
    auto a = rand(n, n, -1, 1, 1.0, RandPdf::Uniform, 1, 7);
    auto shift = std::make_shared<MatrixBlock>(*a);
    for (int64_t i = 0; i < n; ++i) shift->set(i, i, shift->get(i, i) + n); // well conditioned
    for (int64_t k : {1, 3}) {
        auto b = rand(n, k, -5, 5, 1.0, RandPdf::Uniform, 1, 8);
        auto x = solve(*shift, *b);
        auto ax = matmult(*shift, *x);
        for (int64_t i = 0; i < ax->cells(); ++i) EXPECT_NEAR(ax->data()[i], b->data()[i], 1e-10);
    }
}

TEST(Solve, Errors) {
    MatrixBlock sing(3, 3, 1.0), b(3, 1, 1.0), rect(3, 2), bad_b(2, 1);
    try {
        solve(sing, b);
        FAIL();
    } catch (const KernelError &e) {
        EXPECT_STREQ(e.what(), "solve: matrix is singular");
    }
    EXPECT_THROW(solve(rect, b), KernelError);
    EXPECT_THROW(solve(sing, bad_b), KernelError);
    auto x = solve(MatrixBlock(0, 0), MatrixBlock(0, 1));
    EXPECT_EQ(x->rows(), 0);
}

} // namespace
} // namespace linea::kernels
