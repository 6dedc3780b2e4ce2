// Dense decompositions through LAPACK (OpenBLAS): inv, cholesky, det, eigen, lu, qr, svd.
// Row-major blocks are column-major transposes; each kernel either exploits that (inv, det, cholesky)
// or copies explicitly.
#include "kernels/blas/tbb_blas.h"
#include "kernels/lapack/lapack.h"
#include "kernels/ops.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace linea::kernels {

namespace {

std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

int lapack_dim(int64_t d, const char *fn) {
    if (d > INT_MAX) throw KernelError(std::string(fn) + ": matrix too large for LAPACK");
    return static_cast<int>(d);
}

void check_square(const MatrixBlock &a, const char *fn) {
    if (a.rows() != a.cols())
        throw KernelError(std::string(fn) + ": the matrix must be square, got " + shape(a));
}

void check_info(int info, const char *routine) {
    if (info < 0)
        throw KernelError(std::string("internal error: ") + routine + " rejected argument " +
                          std::to_string(-info));
}

/// Column-major copy of a row-major block.
std::vector<double> to_col_major(const MatrixBlock &a) {
    const int64_t m = a.rows(), n = a.cols();
    std::vector<double> c(static_cast<size_t>(m * n));
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) c[static_cast<size_t>(j * m + i)] = a.get(i, j);
    return c;
}

/// A rows x cols block from column-major data with leading dimension ld.
std::shared_ptr<MatrixBlock> from_col_major(const double *c, int64_t rows, int64_t cols, int64_t ld) {
    auto out = MatrixBlock::uninitialized(rows, cols);
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) out->set(i, j, c[j * ld + i]);
    return out;
}

MatrixPtr done(std::shared_ptr<MatrixBlock> m) {
    m->recompute_nnz();
    return m;
}

} // namespace

MatrixPtr inverse(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    check_square(a, "inv");
    const int n = lapack_dim(a.rows(), "inv");
    if (n == 0) return std::make_shared<MatrixBlock>(0, 0, 0.0);
    // The row-major data is t(A) in column-major order, and inv(t(A)) = t(inv(A)): no transposes needed.
    auto out = std::make_shared<MatrixBlock>(a);
    std::vector<int> ipiv(static_cast<size_t>(n));
    int info = 0;
    const double cube = static_cast<double>(n) * n * n;
    blas::with_blas_threads(cube, [&] { dgetrf_(&n, &n, out->mutable_data(), &n, ipiv.data(), &info); });
    check_info(info, "dgetrf");
    if (info > 0) throw KernelError("inv: the matrix is singular");
    int lwork = -1;
    double query = 0;
    dgetri_(&n, out->mutable_data(), &n, ipiv.data(), &query, &lwork, &info);
    check_info(info, "dgetri");
    lwork = std::max(n, static_cast<int>(query));
    std::vector<double> work(static_cast<size_t>(lwork));
    blas::with_blas_threads(
        cube, [&] { dgetri_(&n, out->mutable_data(), &n, ipiv.data(), work.data(), &lwork, &info); });
    check_info(info, "dgetri");
    if (info > 0) throw KernelError("inv: the matrix is singular");
    return done(out);
}

MatrixPtr cholesky(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    check_square(a, "cholesky");
    const int n = lapack_dim(a.rows(), "cholesky");
    // Symmetry within a relative tolerance of 1e-6, as SystemDS (Commons Math) requires.
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) {
            const double x = a.get(i, j), y = a.get(j, i);
            if (std::abs(x - y) > 1e-6 * std::max(std::abs(x), std::abs(y)) || std::isnan(x - y))
                throw KernelError("cholesky: the matrix is not symmetric (cells [" + std::to_string(i + 1) +
                                  "," + std::to_string(j + 1) + "] and [" + std::to_string(j + 1) + "," +
                                  std::to_string(i + 1) + "] differ)");
        }
    if (n == 0) return std::make_shared<MatrixBlock>(0, 0, 0.0);
    // Factor the column-major upper triangle: A = t(U) U; read row-major, the factor is L = t(U).
    auto out = std::make_shared<MatrixBlock>(a);
    int info = 0;
    blas::with_blas_threads(static_cast<double>(n) * n * n / 3,
                            [&] { dpotrf_("U", &n, out->mutable_data(), &n, &info, 1); });
    check_info(info, "dpotrf");
    if (info > 0) throw KernelError("cholesky: the matrix is not positive definite");
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) out->set(i, j, 0.0);
    return done(out);
}

double det(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    check_square(a, "det");
    const int n = lapack_dim(a.rows(), "det");
    if (n == 0) return 1.0;
    MatrixBlock f(a); // det(t(A)) = det(A)
    std::vector<int> ipiv(static_cast<size_t>(n));
    int info = 0;
    blas::with_blas_threads(static_cast<double>(n) * n * n,
                            [&] { dgetrf_(&n, &n, f.mutable_data(), &n, ipiv.data(), &info); });
    check_info(info, "dgetrf");
    double d = 1.0;
    for (int i = 0; i < n; ++i) {
        d *= f.get(i, i);
        if (ipiv[static_cast<size_t>(i)] != i + 1) d = -d;
    }
    return d;
}

std::vector<MatrixPtr> eigen(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    check_square(a, "eigen");
    const int n = lapack_dim(a.rows(), "eigen");
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) {
            const double x = a.get(i, j), y = a.get(j, i);
            if (std::abs(x - y) > 1e-6 * std::max(std::abs(x), std::abs(y)))
                throw KernelError("eigen: only symmetric matrices are supported (cells [" +
                                  std::to_string(i + 1) + "," + std::to_string(j + 1) + "] and [" +
                                  std::to_string(j + 1) + "," + std::to_string(i + 1) + "] differ)");
        }
    for (int64_t k = 0; k < a.cells(); ++k)
        if (!std::isfinite(a.data()[k])) throw KernelError("eigen: the matrix contains NaN or Inf");
    if (n == 0) return {std::make_shared<MatrixBlock>(0, 1, 0.0), std::make_shared<MatrixBlock>(0, 0, 0.0)};
    std::vector<double> c = to_col_major(a), w(static_cast<size_t>(n));
    int lwork = -1, liwork = -1, info = 0, iquery = 0;
    double query = 0;
    dsyevd_("V", "L", &n, c.data(), &n, w.data(), &query, &lwork, &iquery, &liwork, &info, 1, 1);
    check_info(info, "dsyevd");
    lwork = static_cast<int>(query);
    liwork = iquery;
    std::vector<double> work(static_cast<size_t>(std::max(lwork, 1)));
    std::vector<int> iwork(static_cast<size_t>(std::max(liwork, 1)));
    blas::with_blas_threads(4.0 * n * n * n, [&] {
        dsyevd_("V", "L", &n, c.data(), &n, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1,
                1);
    });
    check_info(info, "dsyevd");
    if (info > 0) throw KernelError("eigen: the eigen decomposition did not converge");
    auto values = MatrixBlock::uninitialized(n, 1);
    for (int i = 0; i < n; ++i)
        values->set(i, 0, w[static_cast<size_t>(i)]); // increasing, as SystemDS sorts them
    return {done(values), done(from_col_major(c.data(), n, n, n))};
}

std::vector<MatrixPtr> lu(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    check_square(a, "lu");
    const int n = lapack_dim(a.rows(), "lu");
    std::vector<double> c = to_col_major(a);
    std::vector<int> ipiv(static_cast<size_t>(n));
    int info = 0;
    if (n > 0)
        blas::with_blas_threads(static_cast<double>(n) * n * n,
                                [&] { dgetrf_(&n, &n, c.data(), &n, ipiv.data(), &info); });
    check_info(info, "dgetrf");
    if (info > 0) throw KernelError("lu: the matrix is singular");
    // dgetrf: A = P0 L U with row swaps i <-> ipiv[i]; SystemDS returns P = t(P0), so P A = L U.
    std::vector<int> perm(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
    for (int i = 0; i < n; ++i)
        std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(ipiv[static_cast<size_t>(i)] - 1)]);
    auto p = std::make_shared<MatrixBlock>(n, n, 0.0), l = std::make_shared<MatrixBlock>(n, n, 0.0),
         u = std::make_shared<MatrixBlock>(n, n, 0.0);
    for (int i = 0; i < n; ++i) {
        p->set(i, perm[static_cast<size_t>(i)], 1.0);
        for (int j = 0; j < n; ++j) {
            const double v = c[static_cast<size_t>(j) * static_cast<size_t>(n) + static_cast<size_t>(i)];
            if (j < i)
                l->set(i, j, v);
            else
                u->set(i, j, v);
        }
        l->set(i, i, 1.0);
    }
    return {done(p), done(l), done(u)};
}

std::vector<MatrixPtr> qr(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const int64_t m64 = a.rows(), n64 = a.cols();
    const int m = lapack_dim(m64, "qr"), n = lapack_dim(n64, "qr");
    const int p = std::min(m, n);
    auto h = std::make_shared<MatrixBlock>(m64, n64, 0.0), r = std::make_shared<MatrixBlock>(m64, n64, 0.0);
    if (p == 0) return {h, r};
    std::vector<double> c = to_col_major(a), tau(static_cast<size_t>(p));
    int lwork = -1, info = 0;
    double query = 0;
    dgeqrf_(&m, &n, c.data(), &m, tau.data(), &query, &lwork, &info);
    check_info(info, "dgeqrf");
    lwork = std::max(1, static_cast<int>(query));
    std::vector<double> work(static_cast<size_t>(lwork));
    blas::with_blas_threads(2.0 * m * n * p,
                            [&] { dgeqrf_(&m, &n, c.data(), &m, tau.data(), work.data(), &lwork, &info); });
    check_info(info, "dgeqrf");
    auto at = [&](int64_t i, int64_t j) -> double & { return c[static_cast<size_t>(j * m64 + i)]; };
    for (int64_t i = 0; i < std::min<int64_t>(m64, n64); ++i)
        for (int64_t j = i; j < n64; ++j) r->set(i, j, at(i, j));
    // Commons Math's H column k is v_k / -R[k,k] with v_k = x - R[k,k] e_k, which equals tau_k * [1;
    // v_lapack]. LAPACK skips a reflection (tau = 0) where the column below the diagonal is already zero;
    // Commons Math still reflects (negating row k of R, H[k,k] = 2) unless the whole column is zero (H = 0 /
    // -0 = NaN).
    for (int64_t k = 0; k < p; ++k) {
        const double t = tau[static_cast<size_t>(k)];
        if (t != 0.0) {
            h->set(k, k, t);
            for (int64_t i = k + 1; i < m64; ++i) h->set(i, k, t * at(i, k));
        } else if (r->get(k, k) != 0.0) {
            h->set(k, k, 2.0);
            for (int64_t j = k; j < n64; ++j) r->set(k, j, -r->get(k, j));
        } else {
            for (int64_t i = k; i < m64; ++i) h->set(i, k, std::numeric_limits<double>::quiet_NaN());
        }
    }
    return {done(h), done(r)};
}

std::vector<MatrixPtr> svd(const MatrixBlock &a_in) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const int64_t m64 = a.rows(), n64 = a.cols();
    const int m = lapack_dim(m64, "svd"), n = lapack_dim(n64, "svd");
    const int p = std::min(m, n);
    for (int64_t k = 0; k < a.cells(); ++k)
        if (!std::isfinite(a.data()[k])) throw KernelError("svd: the matrix contains NaN or Inf");
    if (p == 0)
        return {std::make_shared<MatrixBlock>(m64, 0, 0.0), std::make_shared<MatrixBlock>(0, 0, 0.0),
                std::make_shared<MatrixBlock>(n64, 0, 0.0)};
    std::vector<double> c = to_col_major(a), s(static_cast<size_t>(p)), u(static_cast<size_t>(m64 * p)),
                        vt(static_cast<size_t>(p) * static_cast<size_t>(n64));
    std::vector<int> iwork(static_cast<size_t>(8 * p));
    int lwork = -1, info = 0;
    double query = 0;
    dgesdd_("S", &m, &n, c.data(), &m, s.data(), u.data(), &m, vt.data(), &p, &query, &lwork, iwork.data(),
            &info, 1);
    check_info(info, "dgesdd");
    lwork = std::max(1, static_cast<int>(query));
    std::vector<double> work(static_cast<size_t>(lwork));
    blas::with_blas_threads(8.0 * m * n * p, [&] {
        dgesdd_("S", &m, &n, c.data(), &m, s.data(), u.data(), &m, vt.data(), &p, work.data(), &lwork,
                iwork.data(), &info, 1);
    });
    check_info(info, "dgesdd");
    if (info > 0) throw KernelError("svd: the decomposition did not converge");
    auto sm = std::make_shared<MatrixBlock>(p, p, 0.0);
    for (int i = 0; i < p; ++i) sm->set(i, i, s[static_cast<size_t>(i)]);
    // VT is p x n column-major, i.e. V (n x p) row-major.
    auto v = MatrixBlock::uninitialized(n64, p);
    for (int64_t i = 0; i < n64; ++i)
        for (int64_t j = 0; j < p; ++j) v->set(i, j, vt[static_cast<size_t>(i * p + j)]);
    return {done(from_col_major(u.data(), m64, p, m64)), done(sm), done(v)};
}

} // namespace linea::kernels
