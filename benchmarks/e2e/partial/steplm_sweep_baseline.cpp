// Hand-written block-update baseline for benchmarks/e2e/partial/steplm_sweep.dml: t(X)%*%X once
// (dsyrk), then for each candidate column z only t(X)%*%z (dgemv) and t(z)%*%z, assembled into the
// (m+1)x(m+1) Gram matrix of cbind(X, z) without forming cbind(X, z). Same sums as the script prints;
// the data differ (not linea's generator), the arithmetic is the same.
// Usage: steplm_sweep_baseline n m k
#include <cblas.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

int main(int argc, char **argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000, m = argc > 2 ? std::atoi(argv[2]) : 500,
              k = argc > 3 ? std::atoi(argv[3]) : 50;
    std::mt19937_64 gen(11);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> X(static_cast<size_t>(n) * m), Z(static_cast<size_t>(n) * k);
    for (double &x : X) x = u(gen);
    for (double &z : Z) z = u(gen);
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<double> G(static_cast<size_t>(m) * m);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, m, n, 1.0, X.data(), m, 0.0, G.data(), m);
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < i; ++j) G[static_cast<size_t>(i) * m + j] = G[static_cast<size_t>(j) * m + i];
    double trace = 0;
    for (int i = 0; i < m; ++i) trace += G[static_cast<size_t>(i) * m + i];
    const int w = m + 1;
    std::vector<double> S(static_cast<size_t>(w) * w), z(n), xz(m);
    double s = 0;
    for (int c = 0; c < k; ++c) {
        for (int r = 0; r < n; ++r) z[r] = Z[static_cast<size_t>(r) * k + c];
        cblas_dgemv(CblasRowMajor, CblasTrans, n, m, 1.0, X.data(), m, z.data(), 1, 0.0, xz.data(), 1);
        const double zz = cblas_ddot(n, z.data(), 1, z.data(), 1);
        for (int i = 0; i < m; ++i) {
            for (int j = 0; j < m; ++j) S[static_cast<size_t>(i) * w + j] = G[static_cast<size_t>(i) * m + j];
            S[static_cast<size_t>(i) * w + m] = xz[i];
            S[static_cast<size_t>(m) * w + i] = xz[i];
        }
        S[static_cast<size_t>(m) * w + m] = zz;
        for (int j = 0; j < w; ++j) s += S[static_cast<size_t>(m) * w + j];
    }
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("trace(t(X)%%*%%X) = %.6f\nsum of last rows = %.6f\ncompute seconds = %.3f\n", trace, s, dt);
    return 0;
}
