// The few LAPACK routines linea calls, declared by hand (OpenBLAS provides them) so that no
// LAPACK header is needed. All matrices are column-major, Fortran calling convention.
#pragma once

#include <cstddef>

extern "C" {
/// Solves A X = B by LU with partial pivoting; A (n x n) is overwritten by its factors, B (n x nrhs) by X.
/// info > 0: U(info, info) is exactly zero (A is singular).
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb,
            int *info);
// Character arguments carry a hidden length (gfortran convention); C implementations ignore it.
/// LU factorisation with partial pivoting: A = P L U (ipiv: 1-based row interchanges).
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
/// Inverse from dgetrf's factors; lwork = -1 queries the optimal work size into work[0].
void dgetri_(const int *n, double *a, const int *lda, const int *ipiv, double *work, const int *lwork,
             int *info);
/// Cholesky factorisation of a symmetric positive definite matrix; info > 0: not positive definite.
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
/// Eigenvalues (increasing) and eigenvectors (jobz = 'V', overwriting a) of a symmetric matrix.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t jobz_len,
             size_t uplo_len);
/// Householder QR: R in the upper triangle, reflector vectors below it with scalars tau.
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
             const int *lwork, int *info);
/// SVD by divide and conquer: singular values (decreasing), U and VT (jobz = 'S': the min(m,n)
/// leading singular vectors).
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s, double *u,
             const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *iwork,
             int *info, size_t jobz_len);
}
