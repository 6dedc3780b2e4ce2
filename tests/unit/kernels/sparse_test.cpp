// Sparse (CSR) blocks and sparse-aware kernels: every kernel runs on {dense, sparse} inputs over the
// shapes of test_util.h plus an ultra-sparse one, and is compared with a plain reference loop.
#include "kernels/ops.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <stdexcept>

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::near;
using testing::same;

constexpr int64_t kUltraRows = 600, kUltraCols = 200;

std::vector<std::pair<int64_t, int64_t>> shapes() {
    auto s = testing::test_shapes();
    s.push_back({3, 0});
    s.push_back({kUltraRows, kUltraCols}); // ultra-sparse, see make_input
    return s;
}

/// A deterministic block; the ultra-sparse shape gets 7 non-zeros (fewer than rows and columns).
MatrixPtr make_input(int64_t rows, int64_t cols, uint64_t seed) {
    if (rows == kUltraRows && cols == kUltraCols) {
        auto m = std::make_shared<MatrixBlock>(rows, cols, 0.0);
        for (int64_t k = 0; k < 7; ++k) m->set((k * 331 + seed) % rows, (k * 97 + seed * 3) % cols, 1.5 + k);
        m->recompute_nnz();
        return m;
    }
    return make_block(rows, cols, seed);
}

/// Both formats of the same data.
std::vector<MatrixPtr> both(const MatrixPtr &m) {
    return {to_dense(*m), to_sparse(*m)};
}

void expect_equal(const MatrixBlock &want, const MatrixBlock &got, double tol = 0.0) {
    ASSERT_EQ(want.rows(), got.rows());
    ASSERT_EQ(want.cols(), got.cols());
    int64_t nnz = 0;
    for (int64_t i = 0; i < want.rows(); ++i)
        for (int64_t j = 0; j < want.cols(); ++j) {
            const double w = want.get(i, j), g = got.get(i, j);
            nnz += g != 0.0;
            if (tol == 0.0)
                ASSERT_TRUE(same(w, g)) << "cell (" << i << "," << j << "): " << w << " vs " << g;
            else
                ASSERT_TRUE(near(w, g, tol)) << "cell (" << i << "," << j << "): " << w << " vs " << g;
        }
    EXPECT_EQ(got.nnz(), nnz);
}

/// Reference: out(i,j) = f(i,j) over a rows x cols shape.
MatrixPtr ref(int64_t rows, int64_t cols, const std::function<double(int64_t, int64_t)> &f) {
    auto m = std::make_shared<MatrixBlock>(rows, cols, 0.0);
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) m->set(i, j, f(i, j));
    m->recompute_nnz();
    return m;
}

TEST(SparseBlock, ConstructionAndAccess) {
    auto m = MatrixBlock::sparse(2, 3, {0, 2, 3}, {0, 2, 1}, {1.0, 0.0, 5.0});
    EXPECT_TRUE(m->is_sparse());
    EXPECT_EQ(m->nnz(), 2); // the stored zero is dropped
    EXPECT_EQ(m->get(0, 0), 1.0);
    EXPECT_EQ(m->get(0, 2), 0.0);
    EXPECT_EQ(m->get(1, 1), 5.0);
    EXPECT_THROW((void)m->data(), std::logic_error);
    EXPECT_THROW(MatrixBlock::sparse(1, 3, {0, 2}, {2, 1}, {1.0, 2.0}), std::logic_error); // unsorted
    EXPECT_THROW(MatrixBlock::sparse(1, 3, {0, 1}, {3}, {1.0}), std::logic_error);         // out of range
    EXPECT_THROW(MatrixBlock::sparse(2, 3, {0, 1}, {0}, {1.0}), std::logic_error);         // offsets
    const MatrixBlock copy(*m);
    EXPECT_TRUE(copy.is_sparse());
    expect_equal(*m, copy);
}

TEST(SparseBlock, ConversionsRoundTrip) {
    for (auto [r, c] : shapes()) {
        auto d = make_input(r, c, 5);
        auto s = to_sparse(*d);
        expect_equal(*d, *s);
        expect_equal(*d, *to_dense(*s));
        auto dv = dense_input(*s);
        EXPECT_FALSE(dv->is_sparse());
        EXPECT_EQ(dense_input(*d).get(), d.get()); // a dense block is used as is
    }
}

TEST(SparseBlock, FormatPolicy) {
    EXPECT_TRUE(prefer_sparse(1000, 1000, 1000));
    EXPECT_FALSE(prefer_sparse(1000, 1000, 500000)); // density 0.5
    EXPECT_FALSE(prefer_sparse(100000, 1, 10));      // a column vector: CSR never saves memory
    EXPECT_FALSE(prefer_sparse(10, 10, 0));          // too small to matter
    set_sparse_policy(SparsePolicy::Force);
    EXPECT_TRUE(prefer_sparse(10, 10, 99));
    EXPECT_FALSE(prefer_sparse(10, 10, 100));
    set_sparse_policy(SparsePolicy::Auto);
    auto sparse_data = std::make_shared<MatrixBlock>(100, 100, 0.0);
    EXPECT_TRUE(with_chosen_format(sparse_data)->is_sparse());
    auto full = std::make_shared<MatrixBlock>(100, 100, 1.0);
    EXPECT_FALSE(with_chosen_format(to_sparse(*full))->is_sparse());
}

TEST(SparseKernels, CellwiseMatchesReference) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (auto [r, c] : shapes()) {
        auto x = make_input(r, c, 1), y = make_input(r, c, 2);
        if (r * c > 0 && r != kUltraRows) {
            auto xn = std::make_shared<MatrixBlock>(*x);
            xn->set(0, 0, nan); // NaN * 0 must stay NaN
            xn->recompute_nnz();
            x = xn;
        }
        for (const auto &a : both(x))
            for (const auto &b : both(y))
                for (BinaryOp op :
                     {BinaryOp::Mul, BinaryOp::Add, BinaryOp::Sub, BinaryOp::Max, BinaryOp::Lt}) {
                    SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c));
                    auto want = ref(r, c, [&](int64_t i, int64_t j) {
                        return apply_binary(op, x->get(i, j), y->get(i, j));
                    });
                    expect_equal(*want, *binary(op, *a, *b));
                }
        for (const auto &a : both(x)) {
            expect_equal(*ref(r, c, [&](int64_t i, int64_t j) { return x->get(i, j) * 2.5; }),
                         *binary_scalar(BinaryOp::Mul, *a, 2.5, false));
            expect_equal(*ref(r, c, [&](int64_t i, int64_t j) { return x->get(i, j) / 3.0; }),
                         *binary_scalar(BinaryOp::Div, *a, 3.0, false));
            expect_equal(*ref(r, c, [&](int64_t i, int64_t j) { return x->get(i, j) + 1.0; }),
                         *binary_scalar(BinaryOp::Add, *a, 1.0, false));
            for (UnaryOp op :
                 {UnaryOp::Abs, UnaryOp::Sqrt, UnaryOp::Round, UnaryOp::Sign, UnaryOp::Sin, UnaryOp::Exp})
                expect_equal(*ref(r, c, [&](int64_t i, int64_t j) { return apply_unary(op, x->get(i, j)); }),
                             *unary(op, *a));
        }
        // Broadcasting a row vector and a column vector against a sparse matrix.
        if (r > 0 && c > 0) {
            auto rv = make_input(1, c, 3), cv = make_input(r, 1, 4);
            for (const auto &a : both(x)) {
                expect_equal(*ref(r, c, [&](int64_t i, int64_t j) { return x->get(i, j) * rv->get(0, j); }),
                             *binary(BinaryOp::Mul, *a, *rv));
                expect_equal(*ref(r, c, [&](int64_t i, int64_t j) { return cv->get(i, 0) - x->get(i, j); }),
                             *binary(BinaryOp::Sub, *cv, *a));
            }
        }
    }
}

TEST(SparseKernels, AggregatesMatchReference) {
    for (auto [r, c] : shapes()) {
        auto x = make_input(r, c, 7);
        double sum = 0, sumsq = 0;
        for (int64_t i = 0; i < r; ++i)
            for (int64_t j = 0; j < c; ++j) {
                sum += x->get(i, j);
                sumsq += x->get(i, j) * x->get(i, j);
            }
        for (const auto &a : both(x)) {
            SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c) +
                         (a->is_sparse() ? " sparse" : " dense"));
            EXPECT_TRUE(near(aggregate_all(AggOp::Sum, *a), sum, 1e-12));
            EXPECT_TRUE(near(aggregate_all(AggOp::SumSq, *a), sumsq, 1e-12));
            if (r * c > 0) {
                double mn = x->get(0, 0), mx = mn;
                for (int64_t i = 0; i < r; ++i)
                    for (int64_t j = 0; j < c; ++j) {
                        mn = std::min(mn, x->get(i, j));
                        mx = std::max(mx, x->get(i, j));
                    }
                EXPECT_EQ(aggregate_all(AggOp::Min, *a), mn);
                EXPECT_EQ(aggregate_all(AggOp::Max, *a), mx);
            }
            auto rs = ref(r, 1, [&](int64_t i, int64_t) {
                double s = 0;
                for (int64_t j = 0; j < c; ++j) s += x->get(i, j);
                return s;
            });
            expect_equal(*rs, *aggregate(AggOp::Sum, AggDir::Row, *a), 1e-12);
            auto cs = ref(1, c, [&](int64_t, int64_t j) {
                double s = 0;
                for (int64_t i = 0; i < r; ++i) s += x->get(i, j);
                return s;
            });
            expect_equal(*cs, *aggregate(AggOp::Sum, AggDir::Col, *a), 1e-12);
            auto cmax = ref(1, c, [&](int64_t, int64_t j) {
                double m = r > 0 ? x->get(0, j) : 0.0;
                for (int64_t i = 0; i < r; ++i) m = std::max(m, x->get(i, j));
                return m;
            });
            expect_equal(*cmax, *aggregate(AggOp::Max, AggDir::Col, *a));
            auto rmin = ref(r, 1, [&](int64_t i, int64_t) {
                double m = c > 0 ? x->get(i, 0) : 0.0;
                for (int64_t j = 0; j < c; ++j) m = std::min(m, x->get(i, j));
                return m;
            });
            expect_equal(*rmin, *aggregate(AggOp::Min, AggDir::Row, *a));
            if (c > 0)
                expect_equal(
                    *ref(r, 1, [&](int64_t i, int64_t) { return rs->get(i, 0) / static_cast<double>(c); }),
                    *aggregate(AggOp::Mean, AggDir::Row, *a), 1e-12);
        }
    }
}

TEST(SparseKernels, ReorgAndIndexingMatchReference) {
    for (auto [r, c] : shapes()) {
        auto x = make_input(r, c, 9);
        for (const auto &a : both(x)) {
            SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c) +
                         (a->is_sparse() ? " sparse" : " dense"));
            expect_equal(*ref(c, r, [&](int64_t i, int64_t j) { return x->get(j, i); }), *transpose(*a));
            const int64_t r0 = r / 3, r1 = r - r / 4, c0 = c / 2, c1 = c;
            expect_equal(*ref(r1 - r0, c1 - c0, [&](int64_t i, int64_t j) { return x->get(r0 + i, c0 + j); }),
                         *slice(*a, r0, r1, c0, c1));
            expect_equal(*ref(r, 2 * c, [&](int64_t i, int64_t j) { return x->get(i, j % c); }),
                         *cbind({a.get(), x.get()}));
            expect_equal(*ref(2 * r, c, [&](int64_t i, int64_t j) { return x->get(i % r, j); }),
                         *rbind({a.get(), a.get()}));
            // removeEmpty rows: the rows with a non-zero, in order.
            std::vector<int64_t> kept;
            for (int64_t i = 0; i < r; ++i) {
                bool any = false;
                for (int64_t j = 0; j < c; ++j) any = any || x->get(i, j) != 0.0;
                if (any) kept.push_back(i);
            }
            auto re = remove_empty(*a, true, nullptr, false);
            if (!kept.empty())
                expect_equal(
                    *ref(static_cast<int64_t>(kept.size()), c,
                         [&](int64_t i, int64_t j) { return x->get(kept[static_cast<size_t>(i)], j); }),
                    *re);
            else
                EXPECT_EQ(re->rows(), 0);
        }
    }
    for (const auto &v : both(make_input(50, 1, 3)))
        expect_equal(*ref(50, 50, [&](int64_t i, int64_t j) { return i == j ? v->get(i, 0) : 0.0; }),
                     *diag(*v));
}

TEST(SparseKernels, MatmultAndTsmmMatchReference) {
    for (auto [r, c] : shapes()) {
        auto x = make_input(r, c, 11);
        auto w = make_input(c, 5, 12);
        auto u = make_input(4, r, 13);
        auto mm = [](const MatrixBlock &a, const MatrixBlock &b) {
            return ref(a.rows(), b.cols(), [&](int64_t i, int64_t j) {
                double s = 0;
                for (int64_t k = 0; k < a.cols(); ++k) s += a.get(i, k) * b.get(k, j);
                return s;
            });
        };
        auto xt = ref(c, r, [&](int64_t i, int64_t j) { return x->get(j, i); });
        for (const auto &a : both(x)) {
            SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c) +
                         (a->is_sparse() ? " sparse" : " dense"));
            for (const auto &b : both(w)) expect_equal(*mm(*x, *w), *matmult(*a, *b), 1e-12);
            for (const auto &b : both(u)) expect_equal(*mm(*u, *x), *matmult(*b, *a), 1e-12);
            expect_equal(*mm(*xt, *x), *tsmm(*a, true), 1e-12);
            expect_equal(*mm(*x, *xt), *tsmm(*a, false), 1e-12);
        }
    }
    // NaN meets an implicit zero: 0 * NaN is NaN, so the sparse path must not skip it.
    auto a = to_sparse(*ref(2, 2, [](int64_t i, int64_t j) { return i == j ? 1.0 : 0.0; }));
    auto b =
        ref(2, 2, [](int64_t i, int64_t) { return i == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0; });
    auto c = matmult(*a, *b);
    EXPECT_TRUE(std::isnan(c->get(0, 0)));
    EXPECT_TRUE(std::isnan(c->get(1, 0)));
    EXPECT_TRUE(std::isnan(c->get(1, 1)));
}

TEST(SparseKernels, SparseHintBuildsCsrWithTheSameValues) {
    // Every shape and format: the hinted product equals the unhinted one cell for cell (same
    // accumulation order).
    for (auto [r, c] : shapes()) {
        auto x = make_input(r, c, 21);
        auto w = make_input(c, 5, 22);
        auto u = make_input(4, r, 23);
        for (const auto &a : both(x)) {
            SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c) +
                         (a->is_sparse() ? " sparse" : " dense"));
            for (const auto &b : both(w))
                expect_equal(*matmult(*a, *b), *matmult(*a, *b, FormatHint::Sparse));
            for (const auto &b : both(u))
                expect_equal(*matmult(*b, *a), *matmult(*b, *a, FormatHint::Sparse));
            for (bool left : {true, false})
                expect_equal(*tsmm(*a, left), *tsmm(*a, left, FormatHint::Sparse));
        }
    }
    // Ultra-sparse outputs: a CSR selection of 5 rows times a dense matrix, a dense matrix times a CSR
    // block with 3 non-empty columns, t(X) %*% X of a CSR X with one entry per row: CSR results.
    auto sel = std::make_shared<MatrixBlock>(2000, 300, 0.0);
    for (int64_t k = 0; k < 5; ++k) sel->set(k * 397, k * 59, 1.0 + k);
    sel->recompute_nnz();
    auto dense = make_block(300, 400, 24);
    auto s = to_sparse(*sel);
    auto p = matmult(*s, *dense, FormatHint::Sparse);
    EXPECT_TRUE(p->is_sparse());
    expect_equal(*matmult(*s, *dense), *p);
    auto few_cols = std::make_shared<MatrixBlock>(400, 3000, 0.0);
    for (int64_t i = 0; i < 400; i += 7) few_cols->set(i, (i % 3) * 1000, 0.5 + static_cast<double>(i));
    few_cols->recompute_nnz();
    auto q = matmult(*dense, *to_sparse(*few_cols), FormatHint::Sparse);
    EXPECT_TRUE(q->is_sparse());
    expect_equal(*matmult(*dense, *to_sparse(*few_cols)), *q);
    auto one_per_row = std::make_shared<MatrixBlock>(3000, 2000, 0.0);
    for (int64_t i = 0; i < 3000; ++i) one_per_row->set(i, (i * 7) % 2000, 1.0 + static_cast<double>(i % 5));
    one_per_row->recompute_nnz();
    auto t = tsmm(*to_sparse(*one_per_row), true, FormatHint::Sparse);
    EXPECT_TRUE(t->is_sparse());
    expect_equal(*tsmm(*to_sparse(*one_per_row), true), *t);
}

TEST(SparseKernels, RandProducesCsrWithTheDenseValues) {
    auto s = rand(400, 300, 0.0, 1.0, 0.05, RandPdf::Uniform, 1.0, 42);
    EXPECT_TRUE(s->is_sparse());
    EXPECT_NEAR(static_cast<double>(s->nnz()) / 120000.0, 0.05, 0.01);
    for (int64_t i = 0; i < s->rows(); ++i)
        for (int64_t p = s->row_ptr()[i]; p < s->row_ptr()[i + 1]; ++p) {
            EXPECT_GE(s->values()[p], 0.0);
            EXPECT_LE(s->values()[p], 1.0);
        }
}

TEST(SparseKernels, TableBuildsCsrWhenTheEntriesAreFew) {
    // 300 entries into 200 x 150 cells: at most 300 non-zeros, so CSR without a dense block.
    std::vector<double> a(300), b(300), w(300);
    for (size_t k = 0; k < a.size(); ++k) {
        a[k] = static_cast<double>(1 + (k * 7) % 200);
        b[k] = static_cast<double>(1 + (k * k) % 150);
        w[k] = k % 5 == 0 ? -1.0 : 0.5 * static_cast<double>(k % 3);
    }
    auto ma = from_values(a, 300, 1, true), mb = from_values(b, 300, 1, true),
         mw = from_values(w, 300, 1, true);
    auto t = table({ma.get()}, {mb.get()}, {mw.get()}, 200, 150);
    ASSERT_TRUE(t->is_sparse());
    MatrixBlock ref(200, 150, 0.0);
    for (size_t k = 0; k < a.size(); ++k) {
        const auto r = static_cast<int64_t>(a[k]) - 1, c = static_cast<int64_t>(b[k]) - 1;
        ref.set(r, c, ref.get(r, c) + w[k]);
    }
    ref.recompute_nnz();
    EXPECT_EQ(t->nnz(), ref.nnz());
    for (int64_t i = 0; i < 200; ++i)
        for (int64_t j = 0; j < 150; ++j) EXPECT_EQ(t->get(i, j), ref.get(i, j));
    // Cells outside the requested output dimensions are dropped.
    auto small = table({ma.get()}, {mb.get()}, {nullptr, 1.0}, 40, 150);
    int64_t inside = 0;
    for (double x : a) inside += x <= 40;
    EXPECT_EQ(aggregate_all(AggOp::Sum, *small), static_cast<double>(inside));
}

} // namespace
} // namespace linea::kernels
