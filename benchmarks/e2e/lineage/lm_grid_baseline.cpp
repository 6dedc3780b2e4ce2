// Hand-written baseline for scripts/examples/lm_lambda_grid.dml: the same data and 20 ridge fits, with
// t(X)%*%X and t(X)%*%y hoisted out of the lambda loop by hand, calling OpenBLAS/LAPACK directly, and the
// fits evaluated after the sweep in one product X %*% B, as the script does.
// Usage: lm_grid_baseline n m            (generates the script's data)
//        lm_grid_baseline X.bin y.bin    (reads dense linea binary files, as `-nvargs X=... Y=...`)
#include <cblas.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b,
                       const int *ldb, int *info);

namespace {

// Reads a dense (layout 0) linea binary file: a 64-byte header (rows at byte 16, cols at 24), then the
// row-major doubles. The checksums are not verified here (linea verifies them when it reads).
bool read_dense(const char *path, std::vector<double> &v, int &rows, int &cols) {
    std::FILE *f = std::fopen(path, "rb");
    if (!f) return false;
    unsigned char h[64];
    bool ok = std::fread(h, 1, 64, f) == 64 && std::memcmp(h, "LINEAMTX", 8) == 0;
    uint32_t layout = 1;
    int64_t r = 0, c = 0;
    if (ok) {
        std::memcpy(&layout, h + 12, 4);
        std::memcpy(&r, h + 16, 8);
        std::memcpy(&c, h + 24, 8);
        ok = layout == 0 && r > 0 && c > 0;
    }
    if (ok) {
        v.resize(static_cast<size_t>(r * c));
        ok = std::fread(v.data(), sizeof(double), v.size(), f) == v.size();
    }
    std::fclose(f);
    rows = static_cast<int>(r);
    cols = static_cast<int>(c);
    return ok;
}

void generate(int n, int m, std::vector<double> &X, std::vector<double> &y) {
    X.resize(static_cast<size_t>(n) * m);
    y.assign(n, 0.0);
    std::vector<double> beta_true(m);
    for (int j = 0; j < m; ++j) beta_true[j] = std::cos(j + 1.0);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < m; ++j)
            X[static_cast<size_t>(i) * m + j] =
                std::sin(0.7 * (i + 1) + 1.3 * (j + 1)) + std::cos((i + 1.0) * (j + 1.0) * 0.011);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, m, 1.0, X.data(), m, beta_true.data(), 1, 0.0, y.data(), 1);
    for (int i = 0; i < n; ++i) y[i] += 0.1 * std::sin((i + 1) * 2.9);
}

} // namespace

int main(int argc, char **argv) {
    std::vector<double> X, y;
    int n = 5000, m = 100;
    if (argc > 2 && std::strstr(argv[1], ".bin")) {
        int yr = 0, yc = 0;
        if (!read_dense(argv[1], X, n, m) || !read_dense(argv[2], y, yr, yc) || yr != n || yc != 1) {
            std::fprintf(stderr, "lm_grid_baseline: cannot read dense binary files %s %s\n", argv[1],
                         argv[2]);
            return 1;
        }
    } else {
        if (argc > 1) n = std::atoi(argv[1]);
        if (argc > 2) m = std::atoi(argv[2]);
        generate(n, m, X, y);
    }

    std::vector<double> XtX(static_cast<size_t>(m) * m), Xty(m);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, m, n, 1.0, X.data(), m, 0.0, XtX.data(), m);
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < i; ++j) XtX[static_cast<size_t>(i) * m + j] = XtX[static_cast<size_t>(j) * m + i];
    cblas_dgemv(CblasRowMajor, CblasTrans, n, m, 1.0, X.data(), m, y.data(), 1, 0.0, Xty.data(), 1);

    const int nlambda = 20;
    std::vector<double> A(static_cast<size_t>(m) * m), b(m), B(static_cast<size_t>(m) * nlambda),
        lambdas(nlambda);
    std::vector<int> piv(m);
    for (int k = 1; k <= nlambda; ++k) {
        const double lambda = std::pow(10.0, -3 + (k - 1) * 5.0 / (nlambda - 1));
        lambdas[k - 1] = lambda;
        A = XtX;
        for (int i = 0; i < m; ++i) A[static_cast<size_t>(i) * m + i] += lambda;
        b = Xty;
        int one = 1, info = 0;
        dgesv_(&m, &one, A.data(), &m, piv.data(), b.data(), &m, &info); // A symmetric: row/col major agree
        if (info != 0) return 1;
        for (int j = 0; j < m; ++j) B[static_cast<size_t>(j) * nlambda + (k - 1)] = b[j];
    }
    // R = y - X %*% B (n x 20), then the column sums of squares.
    std::vector<double> R(static_cast<size_t>(n) * nlambda);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < nlambda; ++k) R[static_cast<size_t>(i) * nlambda + k] = y[i];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, nlambda, m, -1.0, X.data(), m, B.data(),
                nlambda, 1.0, R.data(), nlambda);
    std::printf(" k      lambda      train_mse     coef_norm\n");
    for (int k = 0; k < nlambda; ++k) {
        double mse = 0, norm = 0;
        for (int i = 0; i < n; ++i)
            mse += R[static_cast<size_t>(i) * nlambda + k] * R[static_cast<size_t>(i) * nlambda + k];
        for (int j = 0; j < m; ++j)
            norm += B[static_cast<size_t>(j) * nlambda + k] * B[static_cast<size_t>(j) * nlambda + k];
        std::printf("%2d  %10.4e  %12.8f  %12.8f\n", k + 1, lambdas[k], mse / n, std::sqrt(norm));
    }
    return 0;
}
