// Large products as one call on OpenBLAS's own pool (kernels/blas/tbb_blas.h): the same bits as the split
// calls and as one thread, the pool back at one thread afterwards, no raise inside TBB tasks, and
// concurrent callers.
#include "kernels/blas/tbb_blas.h"

#include "kernels/ops.h"

#include <gtest/gtest.h>
#include <tbb/parallel_for.h>

#include <cstring>
#include <thread>
#include <vector>

extern "C" int openblas_get_num_threads(void);

namespace linea::kernels {
namespace {

/// Restores the pool threshold and the thread cap when a test ends.
struct PoolFlops {
    explicit PoolFlops(double flops) { blas::set_pool_flops(flops); }
    ~PoolFlops() {
        blas::set_pool_flops(0);
        set_num_threads(0);
    }
};

MatrixPtr uniform(int64_t rows, int64_t cols, uint64_t seed) {
    return rand(rows, cols, -1, 1, 1.0, RandPdf::Uniform, 1, seed);
}

bool same_bits(const std::vector<double> &a, const std::vector<double> &b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<double> gemm_of(bool ta, bool tb, int64_t m, int64_t n, int64_t k) {
    auto a = ta ? uniform(k, m, 1) : uniform(m, k, 1);
    auto b = tb ? uniform(n, k, 2) : uniform(k, n, 2);
    std::vector<double> c(static_cast<size_t>(m * n));
    blas::gemm(ta, tb, m, n, k, a->data(), a->cols(), b->data(), b->cols(), c.data(), n);
    return c;
}

/// The upper triangle of t(A) A (trans) or A t(A), the lower one zeroed.
std::vector<double> syrk_of(bool trans, int64_t n, int64_t k) {
    auto a = trans ? uniform(k, n, 3) : uniform(n, k, 3);
    std::vector<double> c(static_cast<size_t>(n * n), 0.0);
    blas::syrk_upper(trans, n, k, a->data(), a->cols(), c.data(), n);
    for (int64_t i = 1; i < n; ++i)
        for (int64_t j = 0; j < i; ++j) c[static_cast<size_t>(i * n + j)] = 0.0;
    return c;
}

TEST(BlasPool, OneRaisedGemmIsDeterministicAndMatchesTheSplitCalls) {
    // OpenBLAS's threaded dgemm blocks k and the edges of its thread ranges differently from the
    // single-threaded one (last bits of some cells, for some shapes), so only equality across runs at one
    // thread count holds bit for bit; across variants the cells agree to rounding.
    const int64_t dims[][3] = {{300, 257, 301}, {517, 300, 129}, {260, 700, 90}};
    for (auto &d : dims)
        for (bool ta : {false, true})
            for (bool tb : {false, true}) {
                PoolFlops pool(1.0); // every product above the split threshold is one call
                const auto raised = gemm_of(ta, tb, d[0], d[1], d[2]);
                EXPECT_EQ(openblas_get_num_threads(), 1);
                EXPECT_TRUE(same_bits(raised, gemm_of(ta, tb, d[0], d[1], d[2])));
                blas::set_pool_flops(1e30); // split over TBB tasks
                const auto split = gemm_of(ta, tb, d[0], d[1], d[2]);
                for (size_t i = 0; i < split.size(); ++i)
                    ASSERT_NEAR(raised[i], split[i], 1e-12 * static_cast<double>(d[2]))
                        << ta << tb << " " << d[0] << "x" << d[1] << "x" << d[2] << " cell " << i;
            }
}

TEST(BlasPool, OneRaisedSyrkEqualsOneSingleThreadedCallAndTheTiles) {
    // Not tall (k < 4 n): one call; OpenBLAS's threaded dsyrk gives the single-threaded bits.
    for (auto [n, k] : {std::pair<int64_t, int64_t>{300, 1000}, {513, 700}})
        for (bool trans : {false, true}) {
            PoolFlops pool(1.0);
            const auto raised = syrk_of(trans, n, k);
            EXPECT_EQ(openblas_get_num_threads(), 1);
            set_num_threads(1);
            EXPECT_TRUE(same_bits(raised, syrk_of(trans, n, k))) << trans << " " << n << "x" << k;
            set_num_threads(0);
            blas::set_pool_flops(1e30); // tiles: dsyrk on the diagonal, dgemm above it
            const auto tiles = syrk_of(trans, n, k);
            for (size_t i = 0; i < tiles.size(); ++i)
                ASSERT_NEAR(raised[i], tiles[i], 1e-12 * static_cast<double>(k)) << trans << " cell " << i;
        }
}

TEST(BlasPool, TbbTasksNeverRaiseThePool) {
    std::vector<int> seen(8, 0);
    tbb::parallel_for(0, 8, [&](int i) {
        blas::with_blas_threads(1e12, [&] { seen[static_cast<size_t>(i)] = openblas_get_num_threads(); });
    });
    for (int s : seen) EXPECT_EQ(s, 1);
}

TEST(BlasPool, NestedScopeOfTheOwnerChangesNothing) {
    if (num_threads() < 2) GTEST_SKIP() << "needs two threads";
    {
        blas::detail::PoolScope first(2);
        ASSERT_TRUE(first.raised());
        EXPECT_EQ(openblas_get_num_threads(), 2);
        blas::detail::PoolScope nested(2);
        EXPECT_FALSE(nested.raised());
        EXPECT_EQ(openblas_get_num_threads(), 2);
    }
    EXPECT_EQ(openblas_get_num_threads(), 1);
}

TEST(BlasPool, ConcurrentCallersGetCorrectResultsAndLeaveOneThread) {
    PoolFlops pool(1.0);
    const auto want_gemm = gemm_of(false, false, 400, 300, 350);
    const auto want_syrk = syrk_of(true, 300, 1000);
    std::vector<std::vector<double>> got(4);
    std::vector<std::thread> callers;
    for (size_t t = 0; t < got.size(); ++t)
        callers.emplace_back([&, t] {
            for (int rep = 0; rep < 3; ++rep)
                got[t] = t % 2 == 0 ? gemm_of(false, false, 400, 300, 350) : syrk_of(true, 300, 1000);
        });
    for (auto &c : callers) c.join();
    for (size_t t = 0; t < got.size(); ++t)
        EXPECT_TRUE(same_bits(got[t], t % 2 == 0 ? want_gemm : want_syrk)) << t;
    EXPECT_EQ(openblas_get_num_threads(), 1);
}

} // namespace
} // namespace linea::kernels
