// The split BLAS calls (kernels/blas/tbb_blas.h): every split path against a reference loop, and the same
// cells with one thread and with all threads.
#include "kernels/blas/tbb_blas.h"

#include "test_util.h"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

extern "C" int openblas_get_num_threads(void);

namespace linea::kernels {
namespace {

using testing::make_block;
using testing::near;

/// op(A) (r x c view) of a row-major block: cell (i, j) of A or of t(A).
double op_at(const MatrixBlock &a, bool trans, int64_t i, int64_t j) {
    return trans ? a.get(j, i) : a.get(i, j);
}

void check_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k) {
    auto a = ta ? make_block(k, m, 1) : make_block(m, k, 1);
    auto b = tb ? make_block(n, k, 2) : make_block(k, n, 2);
    std::vector<double> c(static_cast<size_t>(m * n), -1.0);
    blas::gemm(ta, tb, m, n, k, a->data(), a->cols(), b->data(), b->cols(), c.data(), n);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (int64_t p = 0; p < k; ++p) s += op_at(*a, ta, i, p) * op_at(*b, tb, p, j);
            ASSERT_TRUE(near(c[static_cast<size_t>(i * n + j)], s))
                << ta << tb << " " << m << "x" << n << "x" << k << " at " << i << "," << j;
        }
}

TEST(TbbBlas, GemmEverySplitMatchesReference) {
    // One call, row blocks (m >= n), column blocks (n > m), chunks of k (small result, long k).
    const int64_t dims[][3] = {{5, 6, 7}, {200, 150, 100}, {100, 300, 100}, {20, 20, 12000}};
    for (auto &d : dims)
        for (bool ta : {false, true})
            for (bool tb : {false, true}) check_gemm(ta, tb, d[0], d[1], d[2]);
}

TEST(TbbBlas, GemvBothDirectionsAboveAndBelowTheSplit) {
    for (auto [rows, cols] : {std::pair<int64_t, int64_t>{30, 7}, {3000, 800}, {40000, 60}})
        for (bool trans : {false, true}) {
            auto a = make_block(rows, cols, 3);
            const int64_t xn = trans ? rows : cols, yn = trans ? cols : rows;
            auto x = make_block(xn, 1, 4);
            std::vector<double> y(static_cast<size_t>(yn), -1.0);
            blas::gemv(trans, rows, cols, a->data(), cols, x->data(), y.data());
            for (int64_t i = 0; i < yn; ++i) {
                double s = 0;
                for (int64_t p = 0; p < xn; ++p) s += op_at(*a, trans, i, p) * x->get(p, 0);
                ASSERT_TRUE(near(y[static_cast<size_t>(i)], s)) << rows << "x" << cols << " " << trans;
            }
        }
}

TEST(TbbBlas, SyrkTallAndTiledUpperTriangle) {
    // One call, tall (chunks of k) and square/wide (tiles of the triangle).
    const int64_t dims[][2] = {{9, 30}, {50, 2500}, {300, 100}};
    for (auto &d : dims)
        for (bool trans : {false, true}) {
            const int64_t n = d[0], k = d[1];
            auto a = trans ? make_block(k, n, 5) : make_block(n, k, 5);
            std::vector<double> c(static_cast<size_t>(n * n), -1.0);
            blas::syrk_upper(trans, n, k, a->data(), a->cols(), c.data(), n);
            for (int64_t i = 0; i < n; ++i)
                for (int64_t j = i; j < n; ++j) {
                    double s = 0;
                    for (int64_t p = 0; p < k; ++p) s += op_at(*a, trans, i, p) * op_at(*a, trans, j, p);
                    ASSERT_TRUE(near(c[static_cast<size_t>(i * n + j)], s)) << n << "x" << k << " " << trans;
                }
        }
}

TEST(TbbBlas, ResultsDoNotDependOnTheThreadCount) {
    auto x = rand(6000, 90, -1, 1, 1.0, RandPdf::Uniform, 1, 11);
    auto v = rand(90, 1, -1, 1, 1.0, RandPdf::Uniform, 1, 12);
    auto w = rand(90, 150, -1, 1, 1.0, RandPdf::Uniform, 1, 13);
    auto run = [&] {
        return std::vector<MatrixPtr>{tsmm(*x, true), tsmm(*w, false), matmult(*x, *v), matmult(*x, *w)};
    };
    const auto all = run();
    set_num_threads(1);
    const auto one = run();
    set_num_threads(0);
    for (size_t r = 0; r < all.size(); ++r) {
        ASSERT_EQ(all[r]->cells(), one[r]->cells());
        for (int64_t i = 0; i < all[r]->cells(); ++i) ASSERT_EQ(all[r]->data()[i], one[r]->data()[i]) << r;
    }
}

TEST(TbbBlas, OpenBlasPoolStaysAtOneThreadOutsideLapackScopes) {
    auto x = make_block(300, 40, 6);
    tsmm(*x, true);
    EXPECT_EQ(openblas_get_num_threads(), 1);
    const int want = std::min(num_threads(), tbb::this_task_arena::max_concurrency());
    blas::with_blas_threads(1e12, [&] { EXPECT_EQ(openblas_get_num_threads(), want); });
    EXPECT_EQ(openblas_get_num_threads(), 1);
    blas::with_blas_threads(10.0, [] { EXPECT_EQ(openblas_get_num_threads(), 1); }); // small: stays at one
    // Inside a one-thread arena (a parfor worker) large LAPACK calls stay single-threaded too.
    tbb::task_arena one(1);
    one.execute([] { blas::with_blas_threads(1e12, [] { EXPECT_EQ(openblas_get_num_threads(), 1); }); });
    set_num_threads(1);
    blas::with_blas_threads(1e12, [] { EXPECT_EQ(openblas_get_num_threads(), 1); });
    set_num_threads(0);
}

} // namespace
} // namespace linea::kernels
