#!/usr/bin/python3
"""Writes the inputs of the gridSearch tests (data/*.csv) and their expected outputs, computed with
NumPy from the definitions: ridge regression (lm with icpt 0/1/2, penalty not on the intercept,
icpt = 2 on standardized columns), contiguous folds rows floor((k-1)n/K)+1 .. floor(kn/K), the model
averaged over folds and the loss the averaged fold MSE; first parameter varies slowest; of equal losses the last wins.
Run from the parent folder: /usr/bin/python3 reference/gridsearch.py"""
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_util import ridge  # noqa: E402

rng = np.random.default_rng(11)
n, m = 45, 4
X = rng.normal(size=(n, m)) * np.array([1.0, 2.0, 0.5, 4.0]) + np.array([0.0, 3.0, -1.0, 10.0])
y = X @ np.array([0.8, -0.4, 1.5, 0.1]) + 2.0 + 1.5 * rng.normal(size=n)
np.savetxt("data/X.csv", X, delimiter=",", fmt="%.17g")
np.savetxt("data/y.csv", y[:, None], delimiter=",", fmt="%.17g")


def mse(X, y, b):
    yhat = X @ b[: X.shape[1]] + (b[-1] if len(b) == X.shape[1] + 1 else 0)
    return np.mean((y - yhat) ** 2)


def search(regs, icpts, tols, cv, K):
    best = None
    for reg, icpt, tol in itertools.product(regs, icpts, tols):
        if cv:
            B, loss = np.zeros(m + 1), 0.0
            for k in range(1, K + 1):
                lo, hi = (k - 1) * n // K, k * n // K
                mask = np.ones(n, bool)
                mask[lo:hi] = False
                b = ridge(X[mask], y[mask], icpt, reg)
                B[: len(b)] += b
                loss += mse(X[~mask], y[~mask], b)
            B, loss = B / K, loss / K
        else:
            b = ridge(X, y, icpt, reg)
            B = np.zeros(m + 1)
            B[: len(b)] = b
            loss = mse(X, y, b)
        if best is None or loss <= best[0]:  # ties: the last one, as rowIndexMin
            best = (loss, B, (reg, icpt, tol))
    return best


def f(v):
    return "%.15g" % v


with open("gridsearch_lm_cv.out", "w") as o:
    for cv in (False, True):
        loss, B, opt = search([1e-4, 3.0, 30.0, 300.0], [0, 1, 2], [1e-7, 1e-9], cv, 5)
        o.write("cv=%s opt: %s loss: %s\n" % ("TRUE" if cv else "FALSE", " ".join(f(v) for v in opt), f(loss)))
        # print(opt): the one-row frame as SystemDS prints it (FP64 cells with 3 decimals)
        o.write("# FRAME: nrow = 1, ncol = 3\n# C1 C2 C3\n# FP64 FP64 FP64\n%s\n\n" % " ".join("%.3f" % v for v in opt))
        o.write("".join(f(v) + "\n" for v in B))
