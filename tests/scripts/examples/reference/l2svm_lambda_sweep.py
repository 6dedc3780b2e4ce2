#!/usr/bin/python3
"""NumPy/SciPy twin of scripts/examples/l2svm_lambda_sweep.dml at its default size: the same data,
each model as the minimizer of the same objective (scipy.optimize.minimize), printed in the same
table format. Writes ../l2svm_lambda_sweep.out:
    /usr/bin/python3 tests/scripts/examples/reference/l2svm_lambda_sweep.py
"""
import os

import numpy as np
from scipy.optimize import minimize

n, m = 600, 10
i = np.arange(1, n + 1, dtype=float)[:, None]
j = np.arange(1, m + 1, dtype=float)[None, :]
X = np.sin(i @ (j * 0.37) + 0.5) + np.cos((i @ j) * 0.013)
beta = np.cos(j.T * 1.3)
y = np.where((X @ beta).ravel() + 0.4 * np.sin(i.ravel() * 1.7) > 0, 1.0, -1.0)
ntr = int(np.floor(0.7 * n))
Xtr, Xte, ytr, yte = X[:ntr], X[ntr:], y[:ntr], y[ntr:]
Xb = np.hstack([Xtr, np.ones((ntr, 1))])

lines = [" k      lambda    objective   train_acc   test_acc"]
for k in range(1, 13):
    lam = 10 ** (-3 + (k - 1) * 5 / 11)

    def f(w):
        h = np.maximum(0.0, 1.0 - ytr * (Xb @ w))
        return 0.5 * h @ h + 0.5 * lam * w @ w, -Xb.T @ (h * ytr) + lam * w

    r = minimize(f, np.zeros(m + 1), jac=True, method="L-BFGS-B",
                 options=dict(maxiter=100000, maxfun=100000, ftol=1e-16, gtol=1e-11, maxcor=50))
    w = r.x
    acc_tr = np.mean(np.where(Xtr @ w[:m] + w[m] > 0, 1.0, -1.0) == ytr)
    acc_te = np.mean(np.where(Xte @ w[:m] + w[m] > 0, 1.0, -1.0) == yte)
    lines.append("%2d  %10.4e  %11.6f  %9.4f  %9.4f" % (k, lam, r.fun, acc_tr, acc_te))
with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "l2svm_lambda_sweep.out"), "w") as out:
    out.write("\n".join(lines) + "\n")
