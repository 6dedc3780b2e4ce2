#include "kernels/parallel.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::near;
using testing::test_shapes;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ref_all(AggOp op, const std::vector<double> &x) {
    const double n = static_cast<double>(x.size());
    double s = 0, sq = 0, p = 1;
    for (double v : x) {
        s += v;
        sq += v * v;
        p *= v;
    }
    switch (op) {
    case AggOp::Sum:
        return s;
    case AggOp::SumSq:
        return sq;
    case AggOp::Mean:
        return x.empty() ? kNaN : s / n;
    case AggOp::Prod:
        return p;
    case AggOp::Min: {
        double m = x[0];
        for (double v : x) m = std::min(m, v);
        return m;
    }
    case AggOp::Max: {
        double m = x[0];
        for (double v : x) m = std::max(m, v);
        return m;
    }
    case AggOp::Var:
    case AggOp::Sd: {
        double var;
        if (x.empty())
            var = kNaN;
        else if (x.size() == 1)
            var = 0;
        else {
            double m2 = 0;
            for (double v : x) m2 += (v - s / n) * (v - s / n);
            var = m2 / (n - 1);
        }
        return op == AggOp::Var ? var : std::sqrt(var);
    }
    case AggOp::IndexMax: {
        size_t best = 0;
        for (size_t k = 0; k < x.size(); ++k)
            if (x[k] >= x[best]) best = k;
        return static_cast<double>(best + 1);
    }
    case AggOp::IndexMin: {
        size_t best = 0;
        for (size_t k = 0; k < x.size(); ++k)
            if (x[k] <= x[best]) best = k;
        return static_cast<double>(best + 1);
    }
    default:
        return kNaN;
    }
}

const AggOp kOps[] = {AggOp::Sum, AggOp::SumSq, AggOp::Mean, AggOp::Min,
                      AggOp::Max, AggOp::Prod,  AggOp::Var,  AggOp::Sd};

TEST(Aggregate, AllDirectionsAgainstReference) {
    for (auto [r, c] : test_shapes()) {
        auto a = make_block(r, c, 11);
        for (AggOp op : kOps) {
            std::vector<double> all(a->data(), a->data() + a->cells());
            if (!all.empty() || (op != AggOp::Min && op != AggOp::Max)) {
                EXPECT_TRUE(near(aggregate_all(op, *a), ref_all(op, all)))
                    << static_cast<int>(op) << " " << r;
            }
            auto rows = aggregate(op, AggDir::Row, *a);
            ASSERT_EQ(rows->rows(), r);
            ASSERT_EQ(rows->cols(), 1);
            for (int64_t i = 0; i < r && c > 0; ++i) {
                std::vector<double> x(a->row(i), a->row(i) + c);
                EXPECT_TRUE(near(rows->get(i, 0), ref_all(op, x)));
            }
            auto cols = aggregate(op, AggDir::Col, *a);
            ASSERT_EQ(cols->rows(), 1);
            ASSERT_EQ(cols->cols(), c);
            for (int64_t j = 0; j < c && r > 0; ++j) {
                std::vector<double> x;
                for (int64_t i = 0; i < r; ++i) x.push_back(a->get(i, j));
                EXPECT_TRUE(near(cols->get(0, j), ref_all(op, x)));
            }
            if (!all.empty()) {
                EXPECT_EQ(aggregate(op, AggDir::All, *a)->rows(), 1);
            }
        }
    }
}

TEST(Aggregate, IndexMaxMinFollowSystemDS) {
    for (auto [r, c] : test_shapes()) {
        if (c == 0) continue;
        auto a = make_block(r, c, 12);
        for (AggOp op : {AggOp::IndexMax, AggOp::IndexMin}) {
            auto out = aggregate(op, AggDir::Row, *a);
            for (int64_t i = 0; i < r; ++i) {
                std::vector<double> x(a->row(i), a->row(i) + c);
                EXPECT_EQ(out->get(i, 0), ref_all(op, x));
            }
            EXPECT_THROW(aggregate(op, AggDir::Col, *a), KernelError);
        }
    }
    // Ties give the last position; NaN cells are skipped; an all-NaN row gives 1.
    auto m = from_values({1, 3, 3, kNaN, kNaN, kNaN, 2, kNaN, 2}, 3, 3, true);
    auto mx = aggregate(AggOp::IndexMax, AggDir::Row, *m);
    EXPECT_EQ(mx->get(0, 0), 3);
    EXPECT_EQ(mx->get(1, 0), 1);
    EXPECT_EQ(mx->get(2, 0), 3);
}

TEST(Aggregate, SpecialCases) {
    MatrixBlock empty(0, 0);
    EXPECT_EQ(aggregate_all(AggOp::Sum, empty), 0.0);
    EXPECT_TRUE(std::isnan(aggregate_all(AggOp::Mean, empty)));
    EXPECT_THROW(aggregate_all(AggOp::Min, empty), KernelError);
    EXPECT_THROW(aggregate_all(AggOp::Max, empty), KernelError);
    MatrixBlock one(1, 1, 5.0);
    EXPECT_EQ(aggregate_all(AggOp::Var, one), 0.0);
    auto nan = from_values({1, kNaN, 3, 4}, 2, 2, true);
    EXPECT_TRUE(std::isnan(aggregate_all(AggOp::Max, *nan)));
    EXPECT_TRUE(std::isnan(aggregate_all(AggOp::Min, *nan)));
    EXPECT_TRUE(std::isnan(aggregate_all(AggOp::Sum, *nan)));
    auto sq = from_values({1, 2, 3, 4}, 2, 2, true);
    EXPECT_EQ(aggregate_all(AggOp::Trace, *sq), 5);
    MatrixBlock rect(2, 3);
    EXPECT_THROW(aggregate_all(AggOp::Trace, rect), KernelError);
}

TEST(Aggregate, KahanSummationIsAccurate) {
    // 1 + many tiny values: naive summation loses them all.
    const int64_t n = 200001;
    auto a = std::make_shared<MatrixBlock>(n, 1, 1e-16);
    a->set(0, 0, 1.0);
    a->recompute_nnz();
    EXPECT_NEAR(aggregate_all(AggOp::Sum, *a), 1.0 + 2e-11, 1e-15);
    EXPECT_NEAR(aggregate(AggOp::Sum, AggDir::Col, *a)->get(0, 0), 1.0 + 2e-11, 1e-15);
}

// Column sums run the plain Kahan steps and repeat a row chunk with kahan_step's check when a column's sum
// ends up Inf or NaN: every column must still be its own sequence of Kahan steps.
TEST(Aggregate, ColumnSumsWithInfNaNAndOverflowAreKahanSteps) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const int64_t rows = 203, cols = 37; // one row chunk
    auto a = rand(rows, cols, -1, 1, 1.0, RandPdf::Uniform, 1, 7);
    auto m = std::make_shared<MatrixBlock>(*a);
    m->set(3, 1, kInf);
    m->set(100, 2, -kInf);
    m->set(10, 3, kInf);
    m->set(150, 3, -kInf);
    m->set(7, 4, kNaN);
    m->set(50, 5, 1e308);
    m->set(51, 5, 1e308);
    m->set(202, 6, 1e200); // its square overflows
    m->recompute_nnz();
    for (AggOp op : {AggOp::Sum, AggOp::SumSq}) {
        const MatrixPtr got = aggregate(op, AggDir::Col, *m);
        for (int64_t j = 0; j < cols; ++j) {
            detail::Kahan k;
            for (int64_t i = 0; i < rows; ++i)
                k.add(op == AggOp::Sum ? m->get(i, j) : m->get(i, j) * m->get(i, j));
            const double g = got->get(0, j);
            EXPECT_TRUE((std::isnan(g) && std::isnan(k.sum)) || std::memcmp(&g, &k.sum, sizeof g) == 0)
                << "column " << j << ": " << g << " vs " << k.sum;
        }
    }
    // Many row chunks (merged in order): the same specials in a later chunk.
    auto tall = std::make_shared<MatrixBlock>(*rand(5000, cols, -1, 1, 1.0, RandPdf::Uniform, 1, 8));
    tall->set(4000, 1, kInf);
    tall->set(3000, 2, -kInf);
    tall->set(10, 3, kInf);
    tall->set(4990, 3, -kInf);
    tall->set(2500, 4, kNaN);
    tall->set(1000, 5, 1e308);
    tall->set(4999, 5, 1e308);
    tall->recompute_nnz();
    const MatrixPtr got = aggregate(AggOp::Sum, AggDir::Col, *tall);
    EXPECT_EQ(got->get(0, 1), kInf);
    EXPECT_EQ(got->get(0, 2), -kInf);
    EXPECT_TRUE(std::isnan(got->get(0, 3)));
    EXPECT_TRUE(std::isnan(got->get(0, 4)));
    EXPECT_EQ(got->get(0, 5), kInf);
    for (int64_t j : {0, 6, 36}) EXPECT_TRUE(std::isfinite(got->get(0, j))) << j;
}

TEST(Aggregate, ThreadCountIndependent) {
    auto a = rand(1000, 700, -1, 1, 1.0, RandPdf::Uniform, 1, 42);
    set_num_threads(1);
    const double s1 = aggregate_all(AggOp::Sum, *a);
    auto c1 = aggregate(AggOp::Sum, AggDir::Col, *a);
    auto v1 = aggregate(AggOp::Var, AggDir::Col, *a);
    set_num_threads(2);
    const double s2 = aggregate_all(AggOp::Sum, *a);
    auto c2 = aggregate(AggOp::Sum, AggDir::Col, *a);
    auto v2 = aggregate(AggOp::Var, AggDir::Col, *a);
    set_num_threads(0);
    EXPECT_EQ(std::memcmp(&s1, &s2, sizeof s1), 0);
    EXPECT_EQ(std::memcmp(c1->data(), c2->data(), c1->size_in_bytes()), 0);
    EXPECT_EQ(std::memcmp(v1->data(), v2->data(), v1->size_in_bytes()), 0);
    EXPECT_GE(num_threads(), 1);
}

} // namespace
} // namespace linea::kernels
