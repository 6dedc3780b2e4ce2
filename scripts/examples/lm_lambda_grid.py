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
    lams = [10 ** (-3 + (k - 1) * 5 / (nlambda - 1)) for k in range(1, nlambda + 1)]
    for k, lam in enumerate(lams):
        A = X.T @ X + np.diag(np.full(m, lam))
        b = X.T @ y
        B[:, k] = np.linalg.solve(A, b)[:, 0]
    mse = np.sum((y - X @ B) ** 2, axis=0) / n
    print(" k      lambda      train_mse     coef_norm")
    for k, lam in enumerate(lams):
        print("%2d  %10.4e  %12.8f  %12.8f" % (k + 1, lam, mse[k], float(np.sqrt(np.sum(B[:, k] ** 2)))))
    if out:
        np.savetxt(out, B, delimiter=",", fmt="%.17g")


if __name__ == "__main__":
    main()
