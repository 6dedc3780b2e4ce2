#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::same;
using testing::test_shapes;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::shared_ptr<MatrixBlock> col(std::initializer_list<double> v) {
    auto m = std::make_shared<MatrixBlock>(static_cast<int64_t>(v.size()), 1);
    int64_t i = 0;
    for (double x : v) m->set(i++, 0, x);
    m->recompute_nnz();
    return m;
}

TEST(KernelOrder, StableInBothDirectionsNaNLast) {
    auto a = col({3, 1, kNaN, 3, 2, 1});
    MatrixPtr up = order(*a, 0, false, true);
    std::vector<double> expect_up{2, 6, 5, 1, 4, 3};
    for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(up->get(i, 0), expect_up[static_cast<size_t>(i)]);
    MatrixPtr down = order(*a, 0, true, true);
    std::vector<double> expect_down{3, 1, 4, 5, 2, 6};
    for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(down->get(i, 0), expect_down[static_cast<size_t>(i)]);
}

TEST(KernelOrder, SortsRowsByColumnOverShapes) {
    for (auto [m, n] : test_shapes()) {
        if (n == 0) {
            EXPECT_THROW(order(*make_block(m, n), 0, false, false), KernelError);
            continue;
        }
        auto a = make_block(m, n, 5);
        const int64_t by = n - 1;
        MatrixPtr s = order(*a, by, false, false);
        ASSERT_EQ(s->rows(), m);
        for (int64_t i = 1; i < m; ++i) EXPECT_LE(s->get(i - 1, by), s->get(i, by));
        double total = 0, total_sorted = 0;
        for (int64_t i = 0; i < a->cells(); ++i) {
            total += a->data()[i];
            total_sorted += s->data()[i];
        }
        EXPECT_DOUBLE_EQ(total, total_sorted);
    }
    EXPECT_THROW(order(*make_block(3, 2), 2, false, false), KernelError);
}

TEST(KernelRemoveEmpty, RowsColsSelectAndEmptyReturn) {
    MatrixBlock a(3, 3, 0.0);
    a.set(0, 1, 5);
    a.set(2, 2, kNaN);
    a.recompute_nnz();
    MatrixPtr r = remove_empty(a, true, nullptr, true);
    ASSERT_EQ(r->rows(), 2);
    EXPECT_EQ(r->get(0, 1), 5.0);
    EXPECT_TRUE(std::isnan(r->get(1, 2)));
    MatrixPtr c = remove_empty(a, false, nullptr, true);
    ASSERT_EQ(c->cols(), 2);
    auto sel = col({0, 0, 1});
    MatrixPtr s = remove_empty(a, true, sel.get(), true);
    ASSERT_EQ(s->rows(), 1);
    EXPECT_TRUE(std::isnan(s->get(0, 2)));
    MatrixBlock z(4, 3, 0.0);
    MatrixPtr e1 = remove_empty(z, true, nullptr, true);
    EXPECT_EQ(e1->rows(), 1);
    EXPECT_EQ(e1->cols(), 3);
    MatrixPtr e0 = remove_empty(z, false, nullptr, false);
    EXPECT_EQ(e0->rows(), 4);
    EXPECT_EQ(e0->cols(), 0);
    EXPECT_THROW(remove_empty(a, true, col({1, 0}).get(), true), KernelError);
}

TEST(KernelReplace, ValueAndNaNPattern) {
    for (auto [m, n] : test_shapes()) {
        auto a = make_block(m, n, 9);
        MatrixPtr r = replace(*a, 0.0, -1.0);
        for (int64_t i = 0; i < a->cells(); ++i)
            EXPECT_EQ(r->data()[i], a->data()[i] == 0.0 ? -1.0 : a->data()[i]);
    }
    auto b = col({kNaN, 1, std::numeric_limits<double>::infinity()});
    MatrixPtr r = replace(*b, kNaN, 7);
    EXPECT_EQ(r->get(0, 0), 7.0);
    EXPECT_EQ(r->get(1, 0), 1.0);
    EXPECT_TRUE(std::isinf(r->get(2, 0)));
}

TEST(KernelUnique, DistinctValuesInFirstOccurrenceOrder) {
    auto a = col({2, 1, 2, kNaN, 1, kNaN, -0.0, 0.0});
    MatrixPtr u = unique(*a);
    ASSERT_EQ(u->rows(), 4);
    EXPECT_EQ(u->get(0, 0), 2.0);
    EXPECT_EQ(u->get(1, 0), 1.0);
    EXPECT_TRUE(std::isnan(u->get(2, 0)));
    EXPECT_EQ(u->get(3, 0), 0.0);
    for (auto [m, n] : test_shapes()) {
        auto b = make_block(m, n, 2);
        std::set<double> ref(b->data(), b->data() + b->cells());
        EXPECT_EQ(unique(*b)->rows(), static_cast<int64_t>(ref.size()));
    }
}

TEST(KernelTriangle, MaskAndValues) {
    for (auto [m, n] : test_shapes()) {
        auto a = make_block(m, n, 4);
        for (bool lower : {true, false})
            for (bool diag : {true, false})
                for (bool values : {true, false}) {
                    MatrixPtr t = triangle(*a, lower, diag, values);
                    for (int64_t i = 0; i < m; ++i)
                        for (int64_t j = 0; j < n; ++j) {
                            const bool sel =
                                lower ? (j < i || (diag && i == j)) : (j > i || (diag && i == j));
                            const double want = sel ? (values ? a->get(i, j) : 1.0) : 0.0;
                            ASSERT_EQ(t->get(i, j), want);
                        }
                }
    }
}

TEST(KernelOuter, AllPairsAndShapeErrors) {
    auto a = col({1, 4});
    MatrixBlock b(1, 2);
    b.set(0, 0, 3);
    b.set(0, 1, 6);
    MatrixPtr lt = outer(*a, b, BinaryOp::Lt);
    EXPECT_EQ(lt->get(0, 0), 1.0);
    EXPECT_EQ(lt->get(1, 0), 0.0);
    MatrixPtr mul = outer(*a, b, BinaryOp::Mul);
    EXPECT_EQ(mul->get(1, 1), 24.0);
    EXPECT_THROW(outer(b, *a, BinaryOp::Mul), KernelError);
    MatrixPtr e = outer(MatrixBlock(0, 1), b, BinaryOp::Add);
    EXPECT_EQ(e->rows(), 0);
    EXPECT_EQ(e->cols(), 2);
}

TEST(KernelSample, WithoutReplacementIsAPermutationSubset) {
    for (auto [range, size] :
         std::vector<std::pair<int64_t, int64_t>>{{10, 10}, {100, 5}, {int64_t{1} << 40, 50}, {5, 0}}) {
        MatrixPtr s = sample(range, size, false, 42);
        ASSERT_EQ(s->rows(), size);
        std::set<double> seen;
        for (int64_t i = 0; i < size; ++i) {
            const double v = s->get(i, 0);
            EXPECT_GE(v, 1.0);
            EXPECT_LE(v, static_cast<double>(range));
            EXPECT_EQ(v, std::floor(v));
            EXPECT_TRUE(seen.insert(v).second);
        }
    }
    MatrixPtr r1 = sample(3, 100, true, 1), r2 = sample(3, 100, true, 1);
    for (int64_t i = 0; i < 100; ++i) {
        EXPECT_EQ(r1->get(i, 0), r2->get(i, 0));
        EXPECT_GE(r1->get(i, 0), 1.0);
        EXPECT_LE(r1->get(i, 0), 3.0);
    }
    EXPECT_THROW(sample(5, 6, false, 1), KernelError);
    EXPECT_THROW(sample(0, 1, true, 1), KernelError);
}

} // namespace
} // namespace linea::kernels
