#include "test_util.h"

#include <gtest/gtest.h>

#include <cstring>

namespace linea::kernels {
namespace {

TEST(Datagen, FillAndFromValues) {
    auto f = fill(2, 3, 7);
    EXPECT_EQ(f->nnz(), 6);
    EXPECT_EQ(fill(0, 5, 1)->cells(), 0);
    auto r = from_values({1, 2, 3, 4, 5, 6}, 2, 3, true);
    EXPECT_EQ(r->get(1, 0), 4);
    auto c = from_values({1, 2, 3, 4, 5, 6}, 2, 3, false);
    EXPECT_EQ(c->get(1, 0), 2);
    EXPECT_EQ(c->get(0, 1), 3);
    EXPECT_EQ(from_values({3}, 2, 2, true)->get(1, 1), 3);
    try {
        from_values({1, 2, 3, 4, 5}, 2, 3, true);
        FAIL();
    } catch (const KernelError &e) {
        EXPECT_STREQ(e.what(), "cannot fill a 2x3 matrix with 5 values");
    }
}

TEST(Datagen, Seq) {
    auto s = seq(1, 10, 1);
    ASSERT_EQ(s->rows(), 10);
    EXPECT_EQ(s->get(9, 0), 10);
    auto d = seq(10, 1, -3);
    ASSERT_EQ(d->rows(), 4);
    EXPECT_EQ(d->get(3, 0), 1);
    auto f = seq(0, 1, 0.1);
    EXPECT_EQ(f->rows(), 11);
    EXPECT_EQ(seq(5, 5, 1)->rows(), 1);
    EXPECT_EQ(seq(1, 2, 0.3)->rows(), 4);
    try {
        seq(1, 10, -1);
        FAIL();
    } catch (const KernelError &e) {
        EXPECT_STREQ(e.what(), "wrong sign for increment in seq(1, 10, -1)");
    }
    EXPECT_THROW(seq(1, 10, 0), KernelError);
}

TEST(Datagen, RandDeterministicAndInRange) {
    auto a = rand(300, 70, -2, 3, 1.0, RandPdf::Uniform, 1, 123);
    auto b = rand(300, 70, -2, 3, 1.0, RandPdf::Uniform, 1, 123);
    auto c = rand(300, 70, -2, 3, 1.0, RandPdf::Uniform, 1, 124);
    EXPECT_EQ(std::memcmp(a->data(), b->data(), a->size_in_bytes()), 0);
    EXPECT_NE(std::memcmp(a->data(), c->data(), a->size_in_bytes()), 0);
    for (int64_t k = 0; k < a->cells(); ++k) {
        ASSERT_GE(a->data()[k], -2);
        ASSERT_LE(a->data()[k], 3);
    }
    EXPECT_NEAR(aggregate_all(AggOp::Mean, *a), 0.5, 0.05);
}

TEST(Datagen, RandThreadIndependent) {
    set_num_threads(1);
    auto a = rand(500, 400, 0, 1, 0.5, RandPdf::Normal, 1, 9);
    set_num_threads(2);
    auto b = rand(500, 400, 0, 1, 0.5, RandPdf::Normal, 1, 9);
    set_num_threads(0);
    EXPECT_EQ(std::memcmp(a->data(), b->data(), a->size_in_bytes()), 0);
}

TEST(Datagen, RandSparsityAndDistributions) {
    auto s = rand(400, 250, 1, 2, 0.3, RandPdf::Uniform, 1, 5);
    const double density = static_cast<double>(s->nnz()) / static_cast<double>(s->cells());
    EXPECT_NEAR(density, 0.3, 0.01);
    EXPECT_EQ(rand(10, 10, 1, 2, 0.0, RandPdf::Uniform, 1, 5)->nnz(), 0);
    auto n = rand(400, 250, 0, 0, 1.0, RandPdf::Normal, 1, 6);
    EXPECT_NEAR(aggregate_all(AggOp::Mean, *n), 0.0, 0.02);
    EXPECT_NEAR(aggregate_all(AggOp::Sd, *n), 1.0, 0.02);
    for (double lambda : {3.0, 50.0}) {
        auto p = rand(400, 250, 0, 0, 1.0, RandPdf::Poisson, lambda, 7);
        EXPECT_NEAR(aggregate_all(AggOp::Mean, *p), lambda, lambda * 0.02);
        EXPECT_NEAR(aggregate_all(AggOp::Var, *p), lambda, lambda * 0.05);
        EXPECT_EQ(aggregate_all(AggOp::Sum,
                                *unary(UnaryOp::Abs, *binary(BinaryOp::Sub, *p, *unary(UnaryOp::Round, *p)))),
                  0);
    }
    EXPECT_THROW(rand(2, 2, 3, 1, 1.0, RandPdf::Uniform, 1, 1), KernelError);
    EXPECT_THROW(rand(2, 2, 0, 1, 1.5, RandPdf::Uniform, 1, 1), KernelError);
    EXPECT_THROW(rand(2, 2, 0, 1, -0.1, RandPdf::Uniform, 1, 1), KernelError);
    EXPECT_EQ(rand(0, 3, 0, 1, 1, RandPdf::Uniform, 1, 1)->cells(), 0);
}

} // namespace
} // namespace linea::kernels
