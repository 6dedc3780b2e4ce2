#!/usr/bin/python3
"""Generates the input data (data/*.csv) and golden outputs (*.out) of the preprocessing builtin
tests, computed with NumPy:
    /usr/bin/python3 tests/scripts/builtin_lib/preprocessing/reference/preprocessing.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_util import Area  # noqa: E402

AREA = Area(__file__)
save, golden = AREA.save, AREA.golden


def rows(tag, M):
    return [tag + " " + " ".join(repr(float(v)) for v in r) for r in np.atleast_2d(M)]


rng = np.random.default_rng(11)
X = rng.normal(loc=[1.0, -3.0, 10.0, 0.0], scale=[1.0, 0.1, 5.0, 2.0], size=(12, 4))
X[:, 3] = 2.5  # a constant column: scale factor 1, min-max 0/0
save("X.csv", X)
Xnew = rng.normal(size=(3, 4))
save("Xnew.csv", Xnew)

# scale: center, then divide by sqrt(sum(x^2)/(n-1)); constant columns keep factor 1
mu = X.mean(axis=0)
Xc = X - mu
sf = np.sqrt((Xc ** 2).sum(axis=0) / (len(X) - 1))
sf[sf == 0] = 1
lines = rows("out", Xc / sf) + rows("centering", mu) + rows("scalefactor", sf)
lines += rows("apply", (Xnew - mu) / sf)
sf2 = np.sqrt((X ** 2).sum(axis=0) / (len(X) - 1))
lines += rows("scale_only", X / sf2) + ["centering_dims 0 0"]
lines += rows("center_only", Xc) + ["scale_dims 0 0"]
golden("scale", lines)

# min-max normalization (the constant column becomes NaN: 0/0)
lo, hi = X.min(axis=0), X.max(axis=0)
with np.errstate(invalid="ignore", divide="ignore"):
    golden("normalize", rows("minmax", (X - lo) / (hi - lo)) + rows("cmin", lo) + rows("cmax", hi)
           + rows("apply", (Xnew - lo) / (hi - lo)) + ["same_as_scaleMinMax TRUE"])

# toOneHot
cats = np.array([3, 1, 2, 3, 5, 1], dtype=float)
save("cats.csv", cats.reshape(-1, 1))
golden("toOneHot", rows("onehot", np.eye(6)[cats.astype(int) - 1]) + ["empty 0 6"])

# winsorize with quantiles as the smallest value whose empirical CDF reaches p (inverted_cdf)
W = rng.normal(size=(20, 3))
W[0, 0], W[1, 1], W[2, 2] = 50.0, -40.0, 30.0
save("W.csv", W)
lines = []
for ql, qu in ((0.05, 0.95), (0.1, 0.8)):
    qlo = np.quantile(W, ql, axis=0, method="inverted_cdf")
    qhi = np.quantile(W, qu, axis=0, method="inverted_cdf")
    lines += rows("lower", qlo) + rows("upper", qhi) + rows("clipped", np.clip(W, qlo, qhi)[:4])
golden("winsorize", lines)

# imputation: numeric columns by mean / median of present values, categorical ones by mode
M = np.round(rng.normal(size=(9, 4)) * 3, 1)
M[:, 2] = [1, 2, 2, 3, 3, 1, 2, 1, 4]  # categorical (ties 1 and 2 -> mode 1 after removing NaNs)
M[[0, 4], 0] = np.nan
M[[1, 2, 3], 1] = np.nan
M[[1, 6], 2] = np.nan
M[5, 3] = np.nan
save("M.csv", M)
mask = np.array([0, 0, 1, 0], dtype=float)


def mode(v):
    vals, counts = np.unique(v, return_counts=True)
    return vals[np.argmax(counts)]  # the smallest value among the most frequent


for name, center in (("imputeByMean", np.nanmean), ("imputeByMedian", np.nanmedian)):
    fill = np.array([mode(M[~np.isnan(M[:, j]), j]) if mask[j] else center(M[:, j]) for j in range(4)])
    out = np.where(np.isnan(M), fill, M)
    golden(name, rows("imputed", out) + ["nan_left 0"])

# split: contiguous, floor(f * n) rows for training
S = np.arange(1, 21, dtype=float).reshape(10, 2)
save("S.csv", S)
golden("split", rows("xtrain", S[:7]) + rows("xtest", S[7:]) + rows("ytrain", S[:7, :1].T)
       + rows("ytest", S[7:, :1].T) + ["sampled_partition TRUE", "sampled_order TRUE", "sampled_reproducible TRUE"])
