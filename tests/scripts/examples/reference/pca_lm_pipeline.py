#!/usr/bin/python3
"""NumPy twin of scripts/examples/pca_lm_pipeline.dml at its default size: writes pca_lm_pipeline.out.
pca: columns z-scored (sample standard deviation), eigenvectors of the covariance sorted by decreasing
eigenvalue, each signed so its largest-magnitude entry is positive; the test rows are projected with the
training centering and scaling. lm with icpt=1: ridge on cbind(P, 1), the intercept not penalized.
Run from the parent folder: /usr/bin/python3 reference/pca_lm_pipeline.py"""
import numpy as np

n, m = 800, 16
i = np.arange(1, n + 1, dtype=float)[:, None]
j = np.arange(1, m + 1, dtype=float)[None, :]
Z = np.sin(i @ np.array([[0.31, 0.77, 1.23, 2.09]]) + np.array([0.2, 0.5, 0.1, 0.9]))
r = np.arange(1, 5, dtype=float)[:, None]
L = np.cos(r @ (j * 0.61) + (r * 0.3) @ np.ones((1, m)))
X = Z @ L + 0.05 * np.sin((i * 1.9) @ (j * 0.37))
y = Z @ np.array([[1.5], [-2], [0.7], [1]]) + 3 + 0.1 * np.cos(i * 5.3)
ntr = int(np.floor(0.75 * n))
Xtr, Xte, ytr, yte = X[:ntr], X[ntr:], y[:ntr, 0], y[ntr:, 0]

mu = Xtr.mean(0)
sd = Xtr.std(0, ddof=1)
Xs = (Xtr - mu) / sd
w, V = np.linalg.eigh(np.cov(Xs, rowvar=False))
V = V[:, np.argsort(-w, kind="stable")]
V = V * np.where(V[np.argmax(np.abs(V), axis=0), np.arange(m)] >= 0, 1, -1)

lines = [" k  explained      reg     train_mse     test_mse"]
for k in (1, 2, 3, 4, 6, 8):
    C = V[:, :k]
    Ptr, Pte = Xs @ C, ((Xte - mu) / sd) @ C
    explained = Ptr.var(0, ddof=1).sum() / m
    for reg in (1e-3, 1.0, 30.0):
        A = np.hstack([Ptr, np.ones((ntr, 1))])
        lam = np.full(k + 1, reg)
        lam[-1] = 0
        b = np.linalg.solve(A.T @ A + np.diag(lam), A.T @ ytr)
        tr = np.mean((ytr - A @ b) ** 2)
        te = np.mean((yte - (Pte @ b[:k] + b[k])) ** 2)
        lines.append("%2d  %8.5f  %7.0e  %12.6e  %12.6e" % (k, explained, reg, tr, te))
with open("pca_lm_pipeline.out", "w") as o:
    o.write("\n".join(lines) + "\n")
