#include "test_util.h"

#include <gtest/gtest.h>

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::test_shapes;

TEST(Reorg, TransposeAndRev) {
    for (auto [r, c] : test_shapes()) {
        auto a = make_block(r, c, 1);
        auto t = transpose(*a);
        ASSERT_EQ(t->rows(), c);
        ASSERT_EQ(t->cols(), r);
        auto v = rev(*a);
        for (int64_t i = 0; i < r; ++i)
            for (int64_t j = 0; j < c; ++j) {
                ASSERT_EQ(t->get(j, i), a->get(i, j));
                ASSERT_EQ(v->get(r - 1 - i, j), a->get(i, j));
            }
        EXPECT_EQ(t->nnz(), a->nnz());
    }
    auto big = make_block(517, 301, 2); // parallel, uneven tiles
    auto tb = transpose(*big);
    for (int64_t i = 0; i < 517; ++i)
        for (int64_t j = 0; j < 301; ++j) ASSERT_EQ(tb->get(j, i), big->get(i, j));
}

TEST(Reorg, Diag) {
    auto v = from_values({1, 2, 3}, 3, 1, true);
    auto d = diag(*v);
    ASSERT_EQ(d->rows(), 3);
    EXPECT_EQ(d->get(1, 1), 2);
    EXPECT_EQ(d->get(0, 1), 0);
    EXPECT_EQ(d->nnz(), 3);
    auto back = diag(*d);
    ASSERT_EQ(back->cols(), 1);
    EXPECT_EQ(back->get(2, 0), 3);
    EXPECT_THROW(diag(MatrixBlock(2, 3)), KernelError);
    EXPECT_EQ(diag(MatrixBlock(1, 1, 4.0))->get(0, 0), 4.0);
}

TEST(Reorg, Reshape) {
    auto a = from_values({1, 2, 3, 4, 5, 6}, 2, 3, true); // [1 2 3; 4 5 6]
    auto r = reshape(*a, 3, 2, true);                     // [1 2; 3 4; 5 6]
    EXPECT_EQ(r->get(1, 0), 3);
    EXPECT_EQ(r->get(2, 1), 6);
    auto c = reshape(*a, 3, 2, false); // column-major: 1 4 2 5 3 6 -> [1 5; 4 3; 2 6]
    EXPECT_EQ(c->get(0, 0), 1);
    EXPECT_EQ(c->get(1, 0), 4);
    EXPECT_EQ(c->get(2, 0), 2);
    EXPECT_EQ(c->get(0, 1), 5);
    EXPECT_EQ(c->get(1, 1), 3);
    EXPECT_EQ(c->get(2, 1), 6);
    EXPECT_THROW(reshape(*a, 4, 2, true), KernelError);
    EXPECT_EQ(reshape(MatrixBlock(0, 3), 3, 0, false)->rows(), 3);
}

TEST(Indexing, SliceAndLeftIndex) {
    for (auto [r, c] : test_shapes()) {
        auto a = make_block(r, c, 3);
        const int64_t r0 = r / 3, r1 = r - r / 4, c0 = c / 3, c1 = c - c / 4;
        auto s = slice(*a, r0, r1, c0, c1);
        ASSERT_EQ(s->rows(), r1 - r0);
        ASSERT_EQ(s->cols(), c1 - c0);
        for (int64_t i = r0; i < r1; ++i)
            for (int64_t j = c0; j < c1; ++j) ASSERT_EQ(s->get(i - r0, j - c0), a->get(i, j));
        auto b = make_block(r1 - r0, c1 - c0, 4);
        auto li = left_index(*a, *b, r0, r1, c0, c1);
        auto ls = left_index_scalar(*a, 9.5, r0, r1, c0, c1);
        for (int64_t i = 0; i < r; ++i)
            for (int64_t j = 0; j < c; ++j) {
                const bool in = i >= r0 && i < r1 && j >= c0 && j < c1;
                ASSERT_EQ(li->get(i, j), in ? b->get(i - r0, j - c0) : a->get(i, j));
                ASSERT_EQ(ls->get(i, j), in ? 9.5 : a->get(i, j));
            }
    }
    MatrixBlock a(3, 3), b(2, 2);
    EXPECT_THROW(left_index(a, b, 0, 3, 0, 2), KernelError);
    EXPECT_THROW(slice(a, 0, 4, 0, 1), KernelError);
}

TEST(Indexing, CbindRbind) {
    auto a = make_block(4, 2, 1), b = make_block(4, 3, 2), e = make_block(4, 0, 3);
    auto c = cbind({a.get(), e.get(), b.get()});
    ASSERT_EQ(c->cols(), 5);
    for (int64_t i = 0; i < 4; ++i) {
        EXPECT_EQ(c->get(i, 1), a->get(i, 1));
        EXPECT_EQ(c->get(i, 4), b->get(i, 2));
    }
    auto x = make_block(2, 3, 4), y = make_block(5, 3, 5);
    auto r = rbind({x.get(), y.get()});
    ASSERT_EQ(r->rows(), 7);
    EXPECT_EQ(r->get(6, 2), y->get(4, 2));
    EXPECT_EQ(r->nnz(), x->nnz() + y->nnz());
    EXPECT_THROW(cbind({a.get(), x.get()}), KernelError);
    EXPECT_THROW(rbind({a.get(), x.get()}), KernelError);
}

} // namespace
} // namespace linea::kernels
