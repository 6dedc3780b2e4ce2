#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>

namespace linea::kernels {
namespace {

using testing::make_block;

double max_abs_diff(const MatrixBlock &a, const MatrixBlock &b) {
    EXPECT_EQ(a.rows(), b.rows());
    EXPECT_EQ(a.cols(), b.cols());
    double d = 0;
    for (int64_t i = 0; i < a.cells(); ++i) d = std::max(d, std::abs(a.data()[i] - b.data()[i]));
    return d;
}

MatrixPtr identity(int64_t n) {
    auto m = std::make_shared<MatrixBlock>(n, n, 0.0);
    for (int64_t i = 0; i < n; ++i) m->set(i, i, 1.0);
    return m;
}

/// A symmetric positive definite matrix: t(X) X + n I.
MatrixPtr spd(int64_t n) {
    MatrixPtr x = make_block(n + 3, n, 11);
    return binary(BinaryOp::Add, *tsmm(*x, true),
                  *binary_scalar(BinaryOp::Mul, *identity(n), static_cast<double>(n), false));
}

TEST(KernelDecompositions, InverseAndDet) {
    for (int64_t n : {1, 2, 5, 40}) {
        MatrixPtr a = spd(n);
        MatrixPtr ai = inverse(*a);
        EXPECT_LT(max_abs_diff(*matmult(*a, *ai), *identity(n)), 1e-9);
        // det through the product of eigenvalues
        std::vector<MatrixPtr> e = eigen(*a);
        double p = 1;
        for (int64_t i = 0; i < n; ++i) p *= e[0]->get(i, 0);
        EXPECT_NEAR(det(*a) / p, 1.0, 1e-9);
    }
    MatrixBlock nonsym(2, 2);
    nonsym.set(0, 0, 1);
    nonsym.set(0, 1, 2);
    nonsym.set(1, 0, 3);
    nonsym.set(1, 1, 4);
    EXPECT_DOUBLE_EQ(det(nonsym), -2.0);
    EXPECT_LT(max_abs_diff(*matmult(nonsym, *inverse(nonsym)), *identity(2)), 1e-12);
    EXPECT_THROW(inverse(MatrixBlock(2, 2, 1.0)), KernelError);
    EXPECT_THROW(inverse(MatrixBlock(2, 3, 1.0)), KernelError);
    EXPECT_EQ(det(MatrixBlock(2, 2, 1.0)), 0.0);
    EXPECT_EQ(det(MatrixBlock(0, 0)), 1.0);
    EXPECT_EQ(inverse(MatrixBlock(0, 0))->rows(), 0);
}

TEST(KernelDecompositions, Cholesky) {
    for (int64_t n : {0, 1, 3, 30}) {
        MatrixPtr a = spd(n);
        MatrixPtr l = cholesky(*a);
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = i + 1; j < n; ++j) EXPECT_EQ(l->get(i, j), 0.0);
        if (n > 0) {
            EXPECT_LT(max_abs_diff(*matmult(*l, *transpose(*l)), *a), 1e-9 * n * n);
        }
    }
    MatrixBlock ns(2, 2, 1.0);
    ns.set(0, 1, 2);
    EXPECT_THROW(cholesky(ns), KernelError);
    MatrixBlock indef(2, 2, 1.0); // singular, not positive definite
    indef.set(1, 1, -1);
    indef.set(0, 1, 0);
    indef.set(1, 0, 0);
    EXPECT_THROW(cholesky(indef), KernelError);
}

TEST(KernelDecompositions, EigenSymmetric) {
    for (int64_t n : {0, 1, 4, 25}) {
        MatrixPtr a = spd(n);
        std::vector<MatrixPtr> e = eigen(*a);
        ASSERT_EQ(e[0]->rows(), n);
        ASSERT_EQ(e[0]->cols(), 1);
        for (int64_t i = 1; i < n; ++i) EXPECT_LE(e[0]->get(i - 1, 0), e[0]->get(i, 0));
        if (n == 0) continue;
        MatrixPtr av = matmult(*a, *e[1]);
        MatrixPtr vl = matmult(*e[1], *diag(*e[0]));
        EXPECT_LT(max_abs_diff(*av, *vl), 1e-9 * n * n);
        EXPECT_LT(max_abs_diff(*tsmm(*e[1], true), *identity(n)), 1e-10 * n);
    }
    EXPECT_THROW(eigen(*make_block(3, 3, 2)), KernelError);
}

TEST(KernelDecompositions, LuPermutedFactors) {
    for (int64_t n : {0, 1, 3, 20}) {
        MatrixPtr a = make_block(n, n, 17);
        if (n > 0) a = binary(BinaryOp::Add, *a, *identity(n)); // keep it non-singular
        std::vector<MatrixPtr> f = lu(*a);
        ASSERT_EQ(f.size(), 3u);
        if (n == 0) continue;
        for (int64_t i = 0; i < n; ++i) {
            EXPECT_EQ(f[1]->get(i, i), 1.0);
            for (int64_t j = i + 1; j < n; ++j) {
                EXPECT_EQ(f[1]->get(i, j), 0.0);
                EXPECT_EQ(f[2]->get(j, i), 0.0);
            }
        }
        EXPECT_LT(max_abs_diff(*matmult(*f[0], *a), *matmult(*f[1], *f[2])), 1e-9 * n);
    }
    MatrixBlock a(2, 2);
    a.set(0, 0, 1);
    a.set(0, 1, 2);
    a.set(1, 0, 3);
    a.set(1, 1, 4);
    std::vector<MatrixPtr> f = lu(a);
    EXPECT_EQ(f[0]->get(0, 1), 1.0); // the row with the larger pivot comes first
    EXPECT_THROW(lu(MatrixBlock(2, 2, 1.0)), KernelError);
    EXPECT_THROW(lu(MatrixBlock(2, 3, 1.0)), KernelError);
}

/// Q = Q_1 ... Q_p built from H as Commons Math defines it: Q_k = I - h h' / h_k.
MatrixPtr q_from_h(const MatrixBlock &h) {
    const int64_t m = h.rows(), p = std::min(h.rows(), h.cols());
    MatrixPtr q = identity(m);
    for (int64_t k = p - 1; k >= 0; --k) {
        auto qk = std::make_shared<MatrixBlock>(*identity(m));
        const double hk = h.get(k, k);
        for (int64_t i = k; i < m; ++i)
            for (int64_t j = k; j < m; ++j) qk->set(i, j, qk->get(i, j) - h.get(i, k) * h.get(j, k) / hk);
        q = matmult(*qk, *q);
    }
    return q;
}

TEST(KernelDecompositions, QrHouseholderAsCommonsMath) {
    for (auto [m, n] :
         std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 2}, {2, 3}, {30, 7}, {7, 30}, {6, 6}}) {
        MatrixPtr a = make_block(m, n, 23);
        a = binary_scalar(BinaryOp::Add, *a, 0.5, false); // no all-zero columns
        std::vector<MatrixPtr> f = qr(*a);
        ASSERT_EQ(f[0]->rows(), m);
        ASSERT_EQ(f[0]->cols(), n);
        ASSERT_EQ(f[1]->rows(), m);
        ASSERT_EQ(f[1]->cols(), n);
        for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < std::min(i, n); ++j) EXPECT_EQ(f[1]->get(i, j), 0.0);
        MatrixPtr q = q_from_h(*f[0]);
        EXPECT_LT(max_abs_diff(*matmult(*q, *f[1]), *a), 1e-9 * (m + n));
    }
    // An already triangular column is still reflected, as in Commons Math: R[0,0] = -5, H[0,0] = 2.
    MatrixBlock one(1, 1, 5.0);
    std::vector<MatrixPtr> f = qr(one);
    EXPECT_EQ(f[0]->get(0, 0), 2.0);
    EXPECT_EQ(f[1]->get(0, 0), -5.0);
    MatrixBlock a(3, 2);
    const double v[] = {1, 2, 3, 4, 5, 6};
    for (int64_t i = 0; i < 6; ++i) a.set(i / 2, i % 2, v[i]);
    f = qr(a);
    EXPECT_NEAR(f[1]->get(0, 0), -std::sqrt(35.0), 1e-12);
    EXPECT_NEAR(f[0]->get(0, 0), (1 + std::sqrt(35.0)) / std::sqrt(35.0), 1e-12);
}

TEST(KernelDecompositions, SvdReconstructs) {
    for (auto [m, n] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {5, 3}, {3, 5}, {40, 12}, {0, 3}}) {
        MatrixPtr a = make_block(m, n, 29);
        std::vector<MatrixPtr> f = svd(*a);
        const int64_t p = std::min(m, n);
        ASSERT_EQ(f[0]->rows(), m);
        ASSERT_EQ(f[0]->cols(), p);
        ASSERT_EQ(f[1]->rows(), p);
        ASSERT_EQ(f[2]->rows(), n);
        ASSERT_EQ(f[2]->cols(), p);
        for (int64_t i = 1; i < p; ++i) EXPECT_GE(f[1]->get(i - 1, i - 1), f[1]->get(i, i));
        if (p == 0) continue;
        MatrixPtr r = matmult(*matmult(*f[0], *f[1]), *transpose(*f[2]));
        EXPECT_LT(max_abs_diff(*r, *a), 1e-9 * (m + n));
    }
}

} // namespace
} // namespace linea::kernels
