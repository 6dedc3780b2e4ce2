#include "test_util.h"

#include <gtest/gtest.h>

#include <limits>

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::same;
using testing::test_shapes;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const BinaryOp kAllBinary[] = {BinaryOp::Add,    BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Pow,
                               BinaryOp::IntDiv, BinaryOp::Mod, BinaryOp::Lt,  BinaryOp::Le,  BinaryOp::Gt,
                               BinaryOp::Ge,     BinaryOp::Eq,  BinaryOp::Ne,  BinaryOp::And, BinaryOp::Or,
                               BinaryOp::Xor,    BinaryOp::Min, BinaryOp::Max, BinaryOp::Log};

TEST(ApplyBinary, ScalarSemantics) {
    EXPECT_EQ(apply_binary(BinaryOp::Div, 1, 0), kInf);
    EXPECT_TRUE(std::isnan(apply_binary(BinaryOp::Div, 0, 0)));
    EXPECT_EQ(apply_binary(BinaryOp::IntDiv, 7, 2), 3);
    EXPECT_EQ(apply_binary(BinaryOp::IntDiv, -7, 2), -3);
    EXPECT_EQ(apply_binary(BinaryOp::IntDiv, 7, 0), kInf);
    EXPECT_EQ(apply_binary(BinaryOp::IntDiv, -7, 0), -kInf);
    EXPECT_TRUE(std::isnan(apply_binary(BinaryOp::IntDiv, 0, 0)));
    EXPECT_EQ(apply_binary(BinaryOp::Mod, 7, 3), 1);
    EXPECT_EQ(apply_binary(BinaryOp::Mod, -7, 3), -1);
    EXPECT_EQ(apply_binary(BinaryOp::Mod, 7.5, 2), 1.5);
    EXPECT_TRUE(std::isnan(apply_binary(BinaryOp::Mod, 5, 0)));
    EXPECT_EQ(apply_binary(BinaryOp::Pow, 2, 10), 1024);
    EXPECT_EQ(apply_binary(BinaryOp::Lt, kNaN, 1), 0);
    EXPECT_EQ(apply_binary(BinaryOp::Eq, kNaN, kNaN), 0);
    EXPECT_EQ(apply_binary(BinaryOp::Ne, kNaN, kNaN), 1);
    EXPECT_EQ(apply_binary(BinaryOp::And, 2, -1), 1);
    EXPECT_EQ(apply_binary(BinaryOp::And, 2, 0), 0);
    EXPECT_EQ(apply_binary(BinaryOp::Or, 0, 0), 0);
    EXPECT_EQ(apply_binary(BinaryOp::Xor, 3, 0), 1);
    EXPECT_EQ(apply_binary(BinaryOp::Xor, 3, 4), 0);
    EXPECT_TRUE(std::isnan(apply_binary(BinaryOp::Min, kNaN, 1)));
    EXPECT_TRUE(std::isnan(apply_binary(BinaryOp::Max, 1, kNaN)));
    EXPECT_EQ(apply_binary(BinaryOp::Min, -1, 2), -1);
    EXPECT_DOUBLE_EQ(apply_binary(BinaryOp::Log, 8, 2), 3);
}

TEST(ApplyUnary, ScalarSemantics) {
    // round follows Java Math.round (SystemDS): halves go towards +Inf, NaN gives 0.
    EXPECT_EQ(apply_unary(UnaryOp::Round, 2.5), 3);
    EXPECT_EQ(apply_unary(UnaryOp::Round, -2.5), -2);
    EXPECT_EQ(apply_unary(UnaryOp::Round, -2.6), -3);
    EXPECT_EQ(apply_unary(UnaryOp::Round, 0.49999999999999994), 0);
    EXPECT_EQ(apply_unary(UnaryOp::Round, kNaN), 0);
    EXPECT_EQ(apply_unary(UnaryOp::Sign, -3), -1);
    EXPECT_EQ(apply_unary(UnaryOp::Sign, 0), 0);
    EXPECT_EQ(apply_unary(UnaryOp::Sign, 7), 1);
    EXPECT_TRUE(std::isnan(apply_unary(UnaryOp::Sign, kNaN)));
    EXPECT_EQ(apply_unary(UnaryOp::Not, 0), 1);
    EXPECT_EQ(apply_unary(UnaryOp::Not, -2), 0);
    EXPECT_EQ(apply_unary(UnaryOp::Sigmoid, 0), 0.5);
    EXPECT_EQ(apply_unary(UnaryOp::IsNA, kNaN), 1);
    EXPECT_EQ(apply_unary(UnaryOp::IsNaN, 1), 0);
    EXPECT_EQ(apply_unary(UnaryOp::IsInf, -kInf), 1);
    EXPECT_EQ(apply_unary(UnaryOp::IsInf, kNaN), 0);
    EXPECT_TRUE(std::isnan(apply_unary(UnaryOp::Sqrt, -1)));
    EXPECT_EQ(apply_unary(UnaryOp::Log, 0), -kInf);
}

TEST(Binary, MatrixMatrixAllOps) {
    for (auto [r, c] : test_shapes()) {
        auto a = make_block(r, c, 1), b = make_block(r, c, 2);
        for (BinaryOp op : kAllBinary) {
            auto out = binary(op, *a, *b);
            ASSERT_EQ(out->rows(), r);
            ASSERT_EQ(out->cols(), c);
            int64_t nnz = 0;
            for (int64_t i = 0; i < r; ++i)
                for (int64_t j = 0; j < c; ++j) {
                    const double want = apply_binary(op, a->get(i, j), b->get(i, j));
                    ASSERT_TRUE(same(out->get(i, j), want))
                        << static_cast<int>(op) << " at " << i << "," << j;
                    nnz += want != 0.0;
                }
            EXPECT_EQ(out->nnz(), nnz);
        }
    }
}

TEST(Binary, BroadcastingBothSides) {
    for (auto [r, c] : test_shapes()) {
        auto a = make_block(r, c, 3);
        auto col = make_block(r, 1, 4), row = make_block(1, c, 5), one = make_block(1, 1, 6);
        one->set(0, 0, 2.5);
        for (BinaryOp op : kAllBinary) {
            for (auto *v : {col.get(), row.get(), one.get()}) {
                auto right = binary(op, *a, *v);
                auto left = binary(op, *v, *a);
                ASSERT_EQ(right->rows(), r);
                ASSERT_EQ(right->cols(), c);
                ASSERT_EQ(left->rows(), r);
                ASSERT_EQ(left->cols(), c);
                for (int64_t i = 0; i < r; ++i)
                    for (int64_t j = 0; j < c; ++j) {
                        const double bv = v->get(v->rows() == 1 ? 0 : i, v->cols() == 1 ? 0 : j);
                        ASSERT_TRUE(same(right->get(i, j), apply_binary(op, a->get(i, j), bv)));
                        ASSERT_TRUE(same(left->get(i, j), apply_binary(op, bv, a->get(i, j))));
                    }
            }
        }
    }
}

TEST(Binary, MismatchThrows) {
    MatrixBlock a(3, 4), b(2, 4), c(3, 1), d(1, 5);
    try {
        binary(BinaryOp::Add, a, b);
        FAIL();
    } catch (const KernelError &e) {
        EXPECT_STREQ(e.what(), "dimension mismatch in cell-wise operation: 3x4 and 2x4");
    }
    EXPECT_NO_THROW(binary(BinaryOp::Add, a, c));
    EXPECT_THROW(binary(BinaryOp::Add, a, d), KernelError);
    EXPECT_THROW(binary(BinaryOp::Add, d, c), KernelError); // row vector op column vector: no outer op
}

TEST(Binary, ColumnVectorOpRowVectorIsOuter) {
    for (bool sparse : {false, true}) {
        auto c = make_block(7, 1, 3), r = make_block(1, 5, 4);
        MatrixPtr cc = sparse ? to_sparse(*c) : MatrixPtr(c), rr = sparse ? to_sparse(*r) : MatrixPtr(r);
        for (BinaryOp op : {BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Eq}) {
            auto o = binary(op, *cc, *rr);
            ASSERT_EQ(o->rows(), 7);
            ASSERT_EQ(o->cols(), 5);
            for (int64_t i = 0; i < 7; ++i)
                for (int64_t j = 0; j < 5; ++j)
                    ASSERT_TRUE(same(o->get(i, j), apply_binary(op, c->get(i, 0), r->get(0, j))))
                        << i << "," << j;
        }
    }
    auto e = binary(BinaryOp::Add, MatrixBlock(0, 1), *make_block(1, 4, 1));
    EXPECT_EQ(e->rows(), 0);
    EXPECT_EQ(e->cols(), 4);
}

TEST(Binary, ScalarBothSides) {
    for (auto [r, c] : test_shapes()) {
        auto a = make_block(r, c, 7);
        for (BinaryOp op : kAllBinary)
            for (double s : {0.0, -1.5, 3.0, kNaN}) {
                auto right = binary_scalar(op, *a, s, false);
                auto left = binary_scalar(op, *a, s, true);
                for (int64_t i = 0; i < r; ++i)
                    for (int64_t j = 0; j < c; ++j) {
                        ASSERT_TRUE(same(right->get(i, j), apply_binary(op, a->get(i, j), s)));
                        ASSERT_TRUE(same(left->get(i, j), apply_binary(op, s, a->get(i, j))));
                    }
            }
    }
}

TEST(Unary, AllOpsIncludingSpecials) {
    const UnaryOp ops[] = {UnaryOp::Neg,  UnaryOp::Not,   UnaryOp::Abs,   UnaryOp::Exp,  UnaryOp::Log,
                           UnaryOp::Sqrt, UnaryOp::Round, UnaryOp::Floor, UnaryOp::Ceil, UnaryOp::Sign,
                           UnaryOp::Sin,  UnaryOp::Cos,   UnaryOp::Tan,   UnaryOp::Asin, UnaryOp::Acos,
                           UnaryOp::Atan, UnaryOp::Sinh,  UnaryOp::Cosh,  UnaryOp::Tanh, UnaryOp::Sigmoid,
                           UnaryOp::IsNA, UnaryOp::IsNaN, UnaryOp::IsInf};
    for (auto [r, c] : test_shapes()) {
        auto a = make_block(r, c, 8);
        if (a->cells() >= 3) {
            a->mutable_data()[0] = kNaN;
            a->mutable_data()[1] = kInf;
            a->mutable_data()[2] = -kInf;
        }
        for (UnaryOp op : ops) {
            auto out = unary(op, *a);
            for (int64_t k = 0; k < a->cells(); ++k)
                ASSERT_TRUE(same(out->data()[k], apply_unary(op, a->data()[k])));
        }
    }
}

TEST(IfElse, MatrixAndScalarOperands) {
    auto c = make_block(4, 5, 1), a = make_block(4, 5, 2), b = make_block(4, 5, 3);
    auto out = ifelse(c.get(), 0, a.get(), 0, nullptr, -1);
    for (int64_t k = 0; k < 20; ++k) EXPECT_EQ(out->data()[k], c->data()[k] != 0 ? a->data()[k] : -1);
    auto out2 = ifelse(nullptr, 1, a.get(), 0, b.get(), 0);
    for (int64_t k = 0; k < 20; ++k) EXPECT_EQ(out2->data()[k], a->data()[k]);
    MatrixBlock bad(3, 5);
    EXPECT_THROW(ifelse(c.get(), 0, &bad, 0, nullptr, 0), KernelError);
}

TEST(Cellwise, LargeParallelMatchesSequentialReference) {
    auto a = make_block(700, 300, 9), b = make_block(700, 1, 10);
    auto out = binary(BinaryOp::Mul, *a, *b);
    for (int64_t i = 0; i < 700; ++i)
        for (int64_t j = 0; j < 300; ++j) ASSERT_EQ(out->get(i, j), a->get(i, j) * b->get(i, 0));
}

} // namespace
} // namespace linea::kernels
