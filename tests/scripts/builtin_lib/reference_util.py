"""Shared helpers of the reference generators in tests/scripts/builtin_lib/<area>/reference/*.py: where an
area's inputs and golden files live, and how they are written (17 significant digits, so linea reads back
the exact doubles; NaN spelled as DML reads it).

A generator imports it with
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    from reference_util import Area
"""
import os

import numpy as np


class Area:
    """The test folder tests/scripts/builtin_lib/<area>/ of the generator at `generator_file`."""

    def __init__(self, generator_file):
        self.root = os.path.dirname(os.path.dirname(os.path.abspath(generator_file)))
        self.data = os.path.join(self.root, "data")

    def save(self, name, a):
        """Writes data/<name> as CSV; a 1-D array becomes one column."""
        a = np.asarray(a, dtype=float)
        path = os.path.join(self.data, name)
        np.savetxt(path, a.reshape(len(a), -1), delimiter=",", fmt="%.17g")
        with open(path) as f:
            text = f.read()
        if "nan" in text:
            with open(path, "w") as f:
                f.write(text.replace("nan", "NaN"))

    def golden(self, name, lines):
        """Writes the expected output <name>.out, one line per element of `lines`."""
        with open(os.path.join(self.root, name + ".out"), "w") as f:
            f.write("\n".join(lines) + "\n")


def ridge(X, y, icpt, reg):
    """Ridge regression as lm computes it, from the normal equations: icpt 0 none, 1 an intercept column,
    2 an intercept on columns standardized by mean and sample sd (coefficients mapped back to the original
    scale); the penalty reg is not applied to the intercept, which comes last."""
    n, m = X.shape
    Z = X.copy()
    if icpt == 2:
        mu, sd = X.mean(0), X.std(0, ddof=1)
        Z = (X - mu) / sd
    if icpt > 0:
        Z = np.hstack([Z, np.ones((n, 1))])
    lam = np.full(Z.shape[1], reg)
    if icpt > 0:
        lam[-1] = 0
    b = np.linalg.solve(Z.T @ Z + np.diag(lam), Z.T @ y)
    if icpt == 2:
        b = np.concatenate([b[:m] / sd, [b[m] - np.sum(b[:m] * mu / sd)]])
    return b
