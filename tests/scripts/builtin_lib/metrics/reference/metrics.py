#!/usr/bin/python3
"""Writes the inputs of the metrics tests (data/*.csv) and the expected outputs (*.out) computed with
NumPy and scikit-learn. Run from the parent folder: /usr/bin/python3 reference/metrics.py"""
import numpy as np
from sklearn import metrics

rng = np.random.default_rng(42)
n = 50
y = rng.integers(1, 4, size=n).astype(float)              # 3 classes
yhat = np.where(rng.uniform(size=n) < 0.7, y, rng.integers(1, 4, size=n)).astype(float)
yb = rng.integers(1, 3, size=n).astype(float)              # binary labels 1/2
pb = np.where(rng.uniform(size=n) < 0.8, yb, 3 - yb)
scores = np.round(rng.uniform(size=n) * 0.6 + 0.4 * (yb == 2), 2)  # rounded: ties occur
X = rng.normal(size=(n, 3))
Y = X + 0.5 * rng.normal(size=(n, 3))
for name, a in [("y", y), ("yhat", yhat), ("yb", yb), ("pb", pb), ("scores", scores), ("X", X), ("Y", Y)]:
    np.savetxt("data/%s.csv" % name, a.reshape(n, -1), delimiter=",", fmt="%.17g")


def f(v):
    # Java's Double.toString for values in [1e-3, 1e7): Python's shortest round-trip repr.
    return repr(float(v))


with open("metrics.out", "w") as o:
    o.write(f(100 * metrics.accuracy_score(y, yhat)) + "\n")
    o.write(f(100 * metrics.balanced_accuracy_score(y, yhat)) + "\n")
    C = metrics.confusion_matrix(y, yhat).T          # rows = predictions, columns = true labels
    for r in C:
        o.write("".join(f(v) + " " for v in r) + "\n")
    A = C / np.maximum(C.sum(0), 1)
    for r in A:
        o.write("".join(f(v) + " " for v in r) + "\n")
    o.write(f(metrics.f1_score(yb, pb, pos_label=1)) + "\n")
    o.write(f(metrics.roc_auc_score(yb == 2, scores)) + "\n")
    o.write(f(metrics.roc_auc_score(yb == 2, -scores)) + "\n")
    o.write(f(metrics.mean_squared_error(X, Y)) + "\n")
    o.write(f(np.sqrt(metrics.mean_squared_error(X, Y))) + "\n")
    o.write(f(metrics.mean_absolute_error(X, Y)) + "\n")
    se = ((X - Y) ** 2).ravel()
    o.write("".join(f(v) + " " for v in np.quantile(se, [0.25, 0.5, 0.9], method="inverted_cdf")) + "\n")
