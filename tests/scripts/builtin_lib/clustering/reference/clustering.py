#!/usr/bin/python3
"""Generates the input data (data/*.csv) and golden outputs (*.out) of the kmeans and pca tests.
kmeans: the WCSS of scikit-learn's KMeans (well separated blobs, so every good run reaches the same
optimum) and the sorted cluster sizes; the optimality invariants are checked in the DML tests.
pca: explained variances, components (signed so their largest-magnitude entry is positive) and the
rank-K reconstruction error from numpy's SVD of the standardized data.
    /usr/bin/python3 tests/scripts/builtin_lib/clustering/reference/clustering.py
"""
import os
import sys

import numpy as np
from sklearn.cluster import KMeans

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_util import Area  # noqa: E402

AREA = Area(__file__)
save, golden = AREA.save, AREA.golden


def num(x):
    return repr(float(x))


rng = np.random.default_rng(7)
centers = np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]])
sizes = [30, 25, 35]
X = np.vstack([c + rng.normal(size=(s, 2)) for c, s in zip(centers, sizes)])
X = X[rng.permutation(len(X))]
save("blobs.csv", X)
km = KMeans(n_clusters=3, n_init=10, random_state=0).fit(X)
counts = np.sort(np.bincount(km.labels_))
golden("kmeans", ["wcss " + num(km.inertia_), "sizes " + " ".join(str(c) for c in counts),
                  "nearest TRUE", "means TRUE", "predict TRUE", "reproducible TRUE"])

# correlated data for pca: 60 x 4 of rank ~3 plus noise
Z = rng.normal(size=(60, 3))
A = np.array([[1.0, 0.5, 0.0, 2.0], [0.0, 1.0, 1.0, -1.0], [0.3, 0.0, 0.2, 0.1]])
P = Z @ A + 0.05 * rng.normal(size=(60, 4)) + np.array([1.0, -2.0, 0.5, 3.0])
save("pca_X.csv", P)
Xs = (P - P.mean(axis=0)) / P.std(axis=0, ddof=1)
U, s, Vt = np.linalg.svd(Xs, full_matrices=False)
ev = s ** 2 / (len(P) - 1)
V = Vt.T
V = V * np.where(V[np.argmax(np.abs(V), axis=0), range(V.shape[1])] >= 0, 1.0, -1.0)
K = 2
rec = (Xs @ V[:, :K] @ V[:, :K].T) * P.std(axis=0, ddof=1) + P.mean(axis=0)
lines = ["explained " + " ".join(num(v) for v in ev[:K])]
lines += ["component " + " ".join(num(v) for v in V[:, j]) for j in range(K)]
lines += ["reconstruction_sse " + num(np.sum((P - rec) ** 2)), "transform_equal TRUE", "full_rank_exact TRUE"]
# no centering, no scaling: components of X'X/(n-1) - n/(n-1) mu'mu, i.e. the covariance
C = np.cov(P, rowvar=False)
w, E = np.linalg.eigh(C)
order = np.argsort(w)[::-1]
w, E = w[order], E[:, order]
E = E * np.where(E[np.argmax(np.abs(E), axis=0), range(4)] >= 0, 1.0, -1.0)
lines += ["raw_eigen " + num(w[0]), "raw_component " + " ".join(num(v) for v in E[:, 0]),
          "raw_scores " + " ".join(num(v) for v in (P @ E[:, 0])[:3]), "centering 0 0", "scale 0 0"]
golden("pca", lines)
