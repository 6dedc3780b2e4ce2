#!/usr/bin/python3
"""NumPy reference for lm_lambda_grid.dml: the same data, the same 20 ridge fits.

Usage: lm_lambda_grid.py [n] [m] [out.csv]  -- prints the same table; writes the m x 20 coefficients.
"""
import sys

import numpy as np


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    out = sys.argv[3] if len(sys.argv) > 3 else ""
    i = np.arange(1, n + 1, dtype=float).reshape(n, 1)
    j = np.arange(1, m + 1, dtype=float).reshape(1, m)
    X = np.sin(i @ np.full((1, m), 0.7) + np.full((n, 1), 1.3) @ j) + np.cos((i @ j) * 0.011)
    beta_true = np.cos(j.T)
    y = X @ beta_true + 0.1 * np.sin(i * 2.9)
    nlambda = 20
    B = np.zeros((m, nlambda))
    print(" k      lambda      train_mse     coef_norm")
    for k in range(1, nlambda + 1):
        lam = 10 ** (-3 + (k - 1) * 5 / (nlambda - 1))
        A = X.T @ X + np.diag(np.full(m, lam))
        b = X.T @ y
        beta = np.linalg.solve(A, b)
        mse = float(np.sum((y - X @ beta) ** 2) / n)
        B[:, k - 1] = beta[:, 0]
        print("%2d  %10.4e  %12.8f  %12.8f" % (k, lam, mse, float(np.sqrt(np.sum(beta ** 2)))))
    if out:
        np.savetxt(out, B, delimiter=",", fmt="%.17g")


if __name__ == "__main__":
    main()
