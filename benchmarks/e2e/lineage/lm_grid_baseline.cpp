// Hand-written baseline for scripts/examples/lm_lambda_grid.dml: the same data and 20 ridge fits, with
// t(X)%*%X and t(X)%*%y hoisted out of the lambda loop by hand, calling OpenBLAS/LAPACK directly.
// Usage: lm_grid_baseline n m
#include <cblas.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b,
                       const int *ldb, int *info);

int main(int argc, char **argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 5000, m = argc > 2 ? std::atoi(argv[2]) : 100;
    std::vector<double> X(static_cast<size_t>(n) * m), y(n), beta_true(m);
    for (int j = 0; j < m; ++j) beta_true[j] = std::cos(j + 1.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < m; ++j)
            X[static_cast<size_t>(i) * m + j] =
                std::sin(0.7 * (i + 1) + 1.3 * (j + 1)) + std::cos((i + 1.0) * (j + 1.0) * 0.011);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, m, 1.0, X.data(), m, beta_true.data(), 1, 0.0, y.data(), 1);
    for (int i = 0; i < n; ++i) y[i] += 0.1 * std::sin((i + 1) * 2.9);

    std::vector<double> XtX(static_cast<size_t>(m) * m), Xty(m);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, m, n, 1.0, X.data(), m, 0.0, XtX.data(), m);
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < i; ++j) XtX[static_cast<size_t>(i) * m + j] = XtX[static_cast<size_t>(j) * m + i];
    cblas_dgemv(CblasRowMajor, CblasTrans, n, m, 1.0, X.data(), m, y.data(), 1, 0.0, Xty.data(), 1);

    std::printf(" k      lambda      train_mse     coef_norm\n");
    std::vector<double> A(static_cast<size_t>(m) * m), b(m), r(n);
    std::vector<int> piv(m);
    for (int k = 1; k <= 20; ++k) {
        const double lambda = std::pow(10.0, -3 + (k - 1) * 5.0 / 19);
        A = XtX;
        for (int i = 0; i < m; ++i) A[static_cast<size_t>(i) * m + i] += lambda;
        b = Xty;
        int one = 1, info = 0;
        dgesv_(&m, &one, A.data(), &m, piv.data(), b.data(), &m, &info); // A symmetric: row/col major agree
        if (info != 0) return 1;
        r = y;
        cblas_dgemv(CblasRowMajor, CblasNoTrans, n, m, -1.0, X.data(), m, b.data(), 1, 1.0, r.data(), 1);
        double mse = 0, norm = 0;
        for (int i = 0; i < n; ++i) mse += r[i] * r[i];
        for (int j = 0; j < m; ++j) norm += b[j] * b[j];
        std::printf("%2d  %10.4e  %12.8f  %12.8f\n", k, lambda, mse / n, std::sqrt(norm));
    }
    return 0;
}
