#!/usr/bin/python3
"""NumPy/SciPy twin of scripts/examples/mlogreg_grid.dml at its default size: the same data, each
model as the minimizer of multiLogReg's objective (scipy.optimize.minimize; intercept 2 solves on
standardized columns), printed in the same table format. Writes ../mlogreg_grid.out:
    /usr/bin/python3 tests/scripts/examples/reference/mlogreg_grid.py
"""
import os

import numpy as np
from scipy.optimize import minimize

n, m, c = 600, 8, 3
i = np.arange(1, n + 1, dtype=float)[:, None]
j = np.arange(1, m + 1, dtype=float)[None, :]
k = np.arange(1, c + 1, dtype=float)[None, :]
X = np.sin(i @ (j * 0.23) + 0.1) + 0.5 * np.cos((i @ j) * 0.017)
Beta = np.sin(j.T @ k * 0.9)
y = np.argmax(X @ Beta + 0.3 * np.sin(i @ k * 2.3), axis=1) + 1
ntr = int(np.floor(0.7 * n))
Xtr, Xte, ytr, yte = X[:ntr], X[ntr:], y[:ntr], y[ntr:]
K = int(ytr.max()) - 1
Y = np.eye(K + 1)[ytr - 1]


def probabilities(Xm, B):
    LT = np.hstack([Xm @ B[:m] + (B[m] if B.shape[0] > m else 0), np.zeros((len(Xm), 1))])
    E = np.exp(LT - LT.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


lines = ["icpt       reg   train_acc   test_acc   train_logloss"]
for icpt in (0, 1, 2):
    Xs = Xtr
    if icpt >= 1:
        Xs = np.hstack([Xtr, np.ones((ntr, 1))])
    if icpt == 2:
        mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0, ddof=1)
        Xs = np.hstack([(Xtr - mu) / sd, np.ones((ntr, 1))])
    D = Xs.shape[1]
    for r in range(1, 6):
        reg = 10.0 ** (r - 4)
        lam = np.full((D, K), reg)
        if icpt >= 1:
            lam[-1] = 0.0

        def f(b):
            B = b.reshape(D, K)
            LT = np.hstack([Xs @ B, np.zeros((ntr, 1))])
            mx = LT.max(axis=1, keepdims=True)
            E = np.exp(LT - mx)
            s = E.sum(axis=1, keepdims=True)
            P = E / s
            obj = np.sum(np.log(s) + mx) - np.sum(Y * LT) + 0.5 * np.sum(lam * B * B)
            return obj, (Xs.T @ (P[:, :K] - Y[:, :K]) + lam * B).ravel()

        res = minimize(f, np.zeros(D * K), jac=True, method="L-BFGS-B",
                       options=dict(maxiter=100000, maxfun=100000, ftol=1e-16, gtol=1e-11, maxcor=50))
        B = res.x.reshape(D, K)
        if icpt == 2:
            beta = B[:-1] / sd[:, None]
            B = np.vstack([beta, B[-1] - mu @ beta])
        Ptr, Pte = probabilities(Xtr, B), probabilities(Xte, B)
        acc = np.mean(np.argmax(Ptr, axis=1) + 1 == ytr) * 100
        acct = np.mean(np.argmax(Pte, axis=1) + 1 == yte) * 100
        logloss = -np.sum(np.log(Ptr[np.arange(ntr), ytr - 1])) / ntr
        lines.append("%4d  %8.1e  %9.4f  %9.4f  %13.8f" % (icpt, reg, acc, acct, logloss))
with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "mlogreg_grid.out"), "w") as out:
    out.write("\n".join(lines) + "\n")
