// The few LAPACK routines linea calls, declared by hand (OpenBLAS provides them) so that no
// LAPACK header is needed. All matrices are column-major, Fortran calling convention.
#pragma once

extern "C" {
/// Solves A X = B by LU with partial pivoting; A (n x n) is overwritten by its factors, B (n x nrhs) by X.
/// info > 0: U(info, info) is exactly zero (A is singular).
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb,
            int *info);
}
