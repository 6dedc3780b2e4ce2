#!/usr/bin/python3
"""Expected output of cvlm.dml: 4-fold cross-validated ridge regression (penalty not on the
intercept) with folds of floor(n/4) rows, the last one taking the remainder.
Run from the parent folder: /usr/bin/python3 reference/cvlm.py > cvlm.out"""
import numpy as np

X = np.loadtxt("data/lm_X.csv", delimiter=",")[:58]
y = np.loadtxt("data/lm_y.csv", delimiter=",")[:58]
n, K = len(y), 4
size = n // K
f = lambda v: "%.15g" % v
for icpt in (0, 1):
    Z = np.hstack([X, np.ones((n, 1))]) if icpt else X
    lam = np.full(Z.shape[1], 0.5)
    if icpt:
        lam[-1] = 0
    yp, allbeta = np.zeros(n), []
    for i in range(K):
        lo, hi = i * size, (n if i == K - 1 else (i + 1) * size)
        mask = np.ones(n, bool)
        mask[lo:hi] = False
        b = np.linalg.solve(Z[mask].T @ Z[mask] + np.diag(lam), Z[mask].T @ y[mask])
        yp[lo:hi] = Z[lo:hi] @ b
        allbeta.append(b)
    A = np.array(allbeta)
    print("icpt=%d allbeta %dx%d sum %s" % (icpt, A.shape[0], A.shape[1], f(A.sum())))
    for v in (A[1, 2], A[3, -1], yp.sum(), np.sum((y - yp) ** 2), yp[57]):
        print(f(v))
