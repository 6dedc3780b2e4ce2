// Sparsity estimators against the exact nnz of the computed results (compiler/estim/).
#include "compiler/estim/estimator.h"
#include "compiler/estim/mnc_sketch.h"
#include "kernels/ops.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace {

namespace es = linea::estim;
namespace k = linea::kernels;
using k::MatrixPtr;

/// A rows x cols CSR block with the given cells set to positive values.
MatrixPtr from_cells(int64_t rows, int64_t cols, std::vector<std::pair<int64_t, int64_t>> cells) {
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    k::CsrVector<int64_t> rp(static_cast<size_t>(rows) + 1, 0);
    k::CsrVector<int32_t> ci;
    k::CsrVector<double> cv;
    for (auto [i, j] : cells) {
        ++rp[static_cast<size_t>(i) + 1];
        ci.push_back(static_cast<int32_t>(j));
        cv.push_back(1.0 + static_cast<double>((i + j) % 7));
    }
    for (int64_t i = 0; i < rows; ++i) rp[static_cast<size_t>(i) + 1] += rp[static_cast<size_t>(i)];
    return k::MatrixBlock::sparse(rows, cols, std::move(rp), std::move(ci), std::move(cv));
}

MatrixPtr uniform(int64_t rows, int64_t cols, double density, unsigned seed) {
    std::mt19937_64 g(seed);
    std::bernoulli_distribution hit(density);
    std::vector<std::pair<int64_t, int64_t>> cells;
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
            if (hit(g)) cells.emplace_back(i, j);
    return from_cells(rows, cols, cells);
}

/// A permutation matrix (one non-zero per row and column).
MatrixPtr permutation(int64_t n, unsigned seed) {
    std::vector<int64_t> p(static_cast<size_t>(n));
    std::iota(p.begin(), p.end(), 0);
    std::shuffle(p.begin(), p.end(), std::mt19937_64(seed));
    std::vector<std::pair<int64_t, int64_t>> cells;
    for (int64_t i = 0; i < n; ++i) cells.emplace_back(i, p[static_cast<size_t>(i)]);
    return from_cells(n, n, cells);
}

/// A one-hot encoding: row i has a single 1 in a random column (skewed towards small columns).
MatrixPtr one_hot(int64_t rows, int64_t cats, unsigned seed) {
    std::mt19937_64 g(seed);
    std::geometric_distribution<int64_t> d(0.2);
    std::vector<std::pair<int64_t, int64_t>> cells;
    for (int64_t i = 0; i < rows; ++i) cells.emplace_back(i, std::min(cats - 1, d(g)));
    return from_cells(rows, cats, cells);
}

double exact(const es::EstimNode &n) {
    return es::make_bitset()->estimate_nnz(n);
}

TEST(Estim, SketchCountsAndSummaries) {
    // 1 1 0
    // 0 0 1
    // 0 0 0
    // 1 0 1
    auto m = from_cells(4, 3, {{0, 0}, {0, 1}, {1, 2}, {3, 0}, {3, 2}});
    for (const MatrixPtr &b : {m, k::to_dense(*m)}) {
        es::MncSketch s = es::MncSketch::of(*b);
        EXPECT_EQ(s.row_nnz, (std::vector<int64_t>{2, 1, 0, 2}));
        EXPECT_EQ(s.col_nnz, (std::vector<int64_t>{2, 1, 2}));
        EXPECT_EQ(s.row_nnz_1e, (std::vector<int64_t>{1, 0, 0, 0})); // column 1 holds a single nnz
        EXPECT_EQ(s.col_nnz_1e, (std::vector<int64_t>{0, 0, 1}));    // row 1 holds a single nnz
        EXPECT_EQ(s.nnz, 5);
        EXPECT_EQ(s.max_row_nnz, 2);
        EXPECT_EQ(s.max_col_nnz, 2);
        EXPECT_EQ(s.nonempty_rows, 3);
        EXPECT_EQ(s.nonempty_cols, 3);
        EXPECT_EQ(s.single_rows, 1);
        EXPECT_EQ(s.single_cols, 1);
        EXPECT_EQ(s.half_full_rows, 2); // 2 > 3/2
        EXPECT_EQ(s.half_full_cols, 0); // 2 is not > 4/2
    }
}

TEST(Estim, ScaleCountsKeepsTotalsAndZeros) {
    auto v = es::scale_counts({1, 0, 1, 1, 0, 1}, 6, 10);
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), int64_t{0}), 6);
    EXPECT_EQ(v[1], 0);
    EXPECT_EQ(v[4], 0);
}

TEST(Estim, BitsetMatchesComputedResults) {
    auto a = uniform(40, 30, 0.1, 1), b = uniform(30, 50, 0.08, 2), c = uniform(40, 30, 0.2, 3);
    auto la = es::leaf(a), lb = es::leaf(b), lc = es::leaf(c);
    EXPECT_EQ(exact(*es::matmult(la, lb)), static_cast<double>(k::matmult(*a, *b)->nnz()));
    EXPECT_EQ(exact(*es::mult(la, lc)), static_cast<double>(k::binary(k::BinaryOp::Mul, *a, *c)->nnz()));
    EXPECT_EQ(exact(*es::plus(la, lc)), static_cast<double>(k::binary(k::BinaryOp::Add, *a, *c)->nnz()));
    // == assumes different values where both are non-zero (c2 doubles c's values).
    auto c2 = k::binary_scalar(k::BinaryOp::Mul, *c, 2.0, false);
    EXPECT_EQ(exact(*es::equal(la, es::leaf(c2))),
              static_cast<double>(k::binary(k::BinaryOp::Eq, *a, *c2)->nnz()));
    EXPECT_EQ(exact(*es::reshape(la, 20, 60)), static_cast<double>(a->nnz()));
    EXPECT_EQ(exact(*es::slice(la, 5, 17, 3, 29)), static_cast<double>(k::slice(*a, 5, 17, 3, 29)->nnz()));
    auto sq = uniform(30, 30, 0.3, 4);
    EXPECT_EQ(exact(*es::diag(es::leaf(sq))), static_cast<double>(k::diag(*sq)->nnz()));
}

TEST(Estim, MncIsExactOnStructuralProducts) {
    auto mnc = es::make_mnc();
    auto x = es::leaf(uniform(200, 80, 0.05, 5));
    auto p = es::leaf(permutation(200, 6));
    auto w = es::leaf(uniform(80, 60, 0.3, 7));
    auto oh = es::leaf(one_hot(300, 200, 8));
    // Selection: every row of S picks one row of X (duplicates allowed), some rows pick none.
    std::vector<std::pair<int64_t, int64_t>> sel;
    for (int64_t i = 0; i < 90; ++i)
        if (i % 9) sel.emplace_back(i, (i * 37) % 200);
    auto s = es::leaf(from_cells(90, 200, sel));
    for (const auto &e : {es::matmult(p, x), es::matmult(s, x), es::matmult(p, es::matmult(p, x)),
                          es::matmult(es::matmult(p, p), x), es::matmult(oh, es::transpose(p)),
                          es::matmult(x, es::transpose(es::leaf(one_hot(60, 80, 9)))),
                          es::matmult(es::transpose(x), es::transpose(p))}) {
        EXPECT_EQ(mnc->estimate_nnz(*e), exact(*e)) << to_string(e->op);
    }
    // Extended counts: the single-nnz rows of A are counted exactly (here 2 of the 6), the rest estimated.
    auto a = es::leaf(from_cells(4, 3, {{0, 0}, {0, 1}, {1, 2}, {3, 0}, {3, 2}}));
    auto b = es::leaf(from_cells(3, 2, {{0, 0}, {1, 1}, {2, 0}, {2, 1}}));
    EXPECT_NEAR(mnc->estimate_nnz(*es::matmult(a, b)), exact(*es::matmult(a, b)), 1.0);
}

TEST(Estim, MncPropagatesExactlyThroughShapeOperators) {
    auto mnc = es::make_mnc();
    auto a = es::leaf(uniform(50, 40, 0.1, 10)), b = es::leaf(uniform(50, 20, 0.2, 11));
    auto p = es::leaf(permutation(50, 12));
    // Through the reorganisations the sketch stays exact, so the product with P is exact too.
    for (const auto &e : {es::matmult(p, es::cbind({a, b})),
                          es::matmult(es::transpose(es::rbind({es::transpose(a), es::transpose(b)})),
                                      es::transpose(es::leaf(permutation(60, 13)))),
                          es::matmult(p, es::slice(a, 0, 50, 5, 25)), es::transpose(es::matmult(p, a)),
                          es::matmult(es::diag(es::leaf(uniform(50, 1, 0.3, 14))), b)}) {
        EXPECT_EQ(mnc->estimate_nnz(*e), exact(*e));
    }
    EXPECT_EQ(mnc->estimate_nnz(*es::remove_empty(es::matmult(p, a), true)), exact(*es::matmult(p, a)));
    EXPECT_EQ(mnc->estimate_nnz(*es::reshape(es::matmult(p, a), 100, 20)), exact(*es::matmult(p, a)));
}

TEST(Estim, TableOfASequenceIsAOneHotEncoding) {
    std::vector<double> ids(500), cats(500);
    std::mt19937_64 g(14);
    for (size_t i = 0; i < ids.size(); ++i) {
        ids[i] = static_cast<double>(i + 1);
        cats[i] = static_cast<double>(1 + g() % 40);
    }
    auto a = k::from_values(ids, 500, 1, true), b = k::from_values(cats, 500, 1, true);
    auto t = es::table(a, b, 500, 40);
    auto mnc = es::make_mnc();
    EXPECT_EQ(mnc->estimate_nnz(*t), 500);
    EXPECT_EQ(exact(*t), static_cast<double>(k::table({a.get()}, {b.get()}, {nullptr, 1.0}, 500, 40)->nnz()));
    // One-hot %*% dense weights: exact (one non-zero per row on the left).
    auto w = es::leaf(uniform(40, 10, 0.5, 15));
    EXPECT_EQ(mnc->estimate_nnz(*es::matmult(t, w)), exact(*es::matmult(t, w)));
    // Repeated pairs merge: a table of two short-range vectors is estimated close to its exact count.
    for (auto &v : ids) v = static_cast<double>(1 + g() % 30);
    auto t2 = es::table(k::from_values(ids, 500, 1, true), b, 30, 40);
    EXPECT_NEAR(mnc->estimate_nnz(*t2), exact(*t2), 0.1 * exact(*t2));
}

TEST(Estim, MncIsCloseOnUniformAndBeatsMetadataOnSkew) {
    auto mnc = es::make_mnc(), avg = es::make_meta_average(), worst = es::make_meta_worst();
    for (double d : {0.001, 0.01, 0.05}) {
        auto e = es::matmult(es::leaf(uniform(300, 400, d, 16)), es::leaf(uniform(400, 300, d, 17)));
        const double ex = exact(*e);
        EXPECT_NEAR(mnc->estimate_nnz(*e), ex, 0.1 * ex + 5) << d;
        EXPECT_GE(worst->estimate_nnz(*e), ex) << d;
    }
    // Skewed: a few dense columns of A meet a few dense rows of B.
    std::vector<std::pair<int64_t, int64_t>> ca, cb;
    for (int64_t i = 0; i < 300; ++i) ca.emplace_back(i, i % 3), ca.emplace_back(i, 3 + (i * 7) % 297);
    for (int64_t j = 0; j < 300; ++j) cb.emplace_back(j % 3, j), cb.emplace_back(3 + (j * 11) % 297, j);
    auto e = es::matmult(es::leaf(from_cells(300, 300, ca)), es::leaf(from_cells(300, 300, cb)));
    const double ex = exact(*e);
    const double err_mnc = std::abs(mnc->estimate_nnz(*e) - ex),
                 err_avg = std::abs(avg->estimate_nnz(*e) - ex);
    EXPECT_LT(err_mnc, err_avg);
}

TEST(Estim, MetadataEstimatorsWithoutData) {
    auto e = es::matmult(es::meta_leaf(1000, 100, 1000), es::meta_leaf(100, 10, 1000));
    EXPECT_NEAR(es::make_meta_average()->estimate_nnz(*e), 10000 * (1 - std::pow(1 - 0.01, 100)), 1e-6);
    EXPECT_DOUBLE_EQ(es::make_meta_worst()->estimate_nnz(*e), 10000);
    EXPECT_GT(es::make_mnc()->estimate_nnz(*e), 0);
    EXPECT_THROW(es::make_bitset()->estimate_nnz(*e), std::invalid_argument);
    EXPECT_THROW(es::matmult(es::meta_leaf(2, 3, 0), es::meta_leaf(2, 3, 0)), std::invalid_argument);
}

TEST(Estim, MncSubChainEstimatesMatchTheChainEstimator) {
    auto mnc = es::make_mnc();
    std::vector<es::EstimNodePtr> ops = {es::leaf(permutation(120, 20)), es::leaf(uniform(120, 90, 0.05, 21)),
                                         es::leaf(uniform(90, 70, 0.04, 22)),
                                         es::leaf(uniform(70, 30, 0.2, 23))};
    auto sub = es::mnc_chain_nnz(ops);
    ASSERT_EQ(sub.size(), ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
        for (size_t j = i; j < ops.size(); ++j) {
            std::vector<es::EstimNodePtr> part(ops.begin() + static_cast<std::ptrdiff_t>(i),
                                               ops.begin() + static_cast<std::ptrdiff_t>(j) + 1);
            EXPECT_NEAR(sub[i][j], mnc->estimate_nnz(*es::chain(part)), 1e-9) << i << " " << j;
        }
    EXPECT_EQ(sub[0][1], exact(*es::matmult(ops[0], ops[1]))); // a permutation on the left: exact
    EXPECT_TRUE(es::mnc_chain_nnz({ops[0], ops[2]}).empty());  // shapes that do not chain
}

} // namespace
