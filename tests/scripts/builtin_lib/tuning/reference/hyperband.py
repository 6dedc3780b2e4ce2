#!/usr/bin/python3
"""Writes hyperband_lmcg.out: the expected output of hyperband_lmcg.dml. Case 1 has degenerate parameter
ranges (reg = 2.5, tol = 1e-12), so every candidate is the same model: the trace follows the bracket
schedule of hyperband.dml (s_max = floor(log_eta R); bracket s starts ceil(floor((s_max+1)/(s+1)) * eta^s)
candidates with R * eta^-s iterations, round i trains floor(n * eta^-i) with floor(r * eta^i) iterations
and keeps floor(n_i / eta), at least one), and every loss is the validation SSE of lmCG (conjugate gradients
on the ridge normal equations, no intercept, at most min(maxi, ncol) iterations) computed here with NumPy.
Case 2 prints invariants only (all TRUE).
Run from the parent folder: /usr/bin/python3 reference/hyperband.py"""
import math

import numpy as np

X = np.loadtxt("data/X.csv", delimiter=",")
y = np.loadtxt("data/y.csv", delimiter=",")
Xtr, ytr, Xva, yva = X[:30], y[:30], X[30:], y[30:]


def lmcg(X, y, reg, tol, maxi):
    m = X.shape[1]
    iters = m if maxi == 0 or maxi > m else maxi
    b = np.zeros(m)
    r = -(X.T @ y)
    p = -r
    nr2 = r @ r
    target = nr2 * tol**2
    i = 0
    while i < iters and nr2 > target:
        q = X.T @ (X @ p) + reg * p
        a = nr2 / (p @ q)
        b = b + a * p
        r = r + a * q
        nr2, old = r @ r, nr2
        p = -r + (nr2 / old) * p
        i += 1
    return b


def f(v):
    return "%.15g" % v


reg, tol, R, eta = 2.5, 1e-12, 9, 3
lines = []
s_max = int(math.floor(math.log(R) / math.log(eta) + 1e-9))
for s in range(s_max, -1, -1):
    n = int(math.ceil(((s_max + 1) // (s + 1)) * eta**s))
    r = R * eta ** (-s)
    for i in range(s + 1):
        r_i = int(math.floor(r * eta**i + 1e-9))
        keep = max(1, n // eta)
        loss = np.sum((yva - Xva @ lmcg(Xtr, ytr, reg, tol, r_i)) ** 2)
        lines.append("hyperband: bracket %d, round %d: %d candidates with %d iterations, %d kept; best loss %s"
                     % (s, i, n, r_i, keep, f(loss)))
        n = keep
    lines.append("hyperband: winner of bracket %d: loss %s, parameters reg %s tol %s" % (s, f(loss), f(reg), f(tol)))
lines.append("hyperband: best loss %s (bracket 0)" % f(loss))
lines.append("reg %s tol %s" % (f(reg), f(tol)))
# toString(hp, decimal=12): the length(params) x 1 frame as SystemDS prints it
lines += ["# FRAME: nrow = 2, ncol = 1", "# C1", "# FP64", "%.12f" % reg, "%.12f" % tol, ""]
lines += [f(v) for v in lmcg(Xtr, ytr, reg, tol, R)]
lines += ["in ranges: TRUE", "lmCG weights: TRUE", "ridge solution: TRUE", "same seed, same result: TRUE", "FRAME 2x1"]
with open("hyperband_lmcg.out", "w") as o:
    o.write("\n".join(lines) + "\n")
