#!/usr/bin/python3
"""Generates the input data (data/*.csv) and golden outputs (*.out) of the sigmoid, softmax, dist
and cor tests, computed with SciPy / NumPy:
    /usr/bin/python3 tests/scripts/builtin_lib/misc/reference/misc.py
"""
import os
import sys

import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import expit, softmax

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_util import Area  # noqa: E402

AREA = Area(__file__)
save, golden = AREA.save, AREA.golden


def rows(tag, M):
    return [tag + " " + " ".join(repr(float(v)) for v in r) for r in np.atleast_2d(M)]


rng = np.random.default_rng(5)
X = rng.normal(scale=3.0, size=(6, 4))
X[0, :] = [800.0, -800.0, 0.0, 30.0]  # large scores: softmax must not overflow
save("X.csv", X)
golden("sigmoid", rows("sigmoid", expit(X)) + ["scalar " + repr(float(expit(0.5)))])
golden("softmax", rows("softmax", softmax(X, axis=1)) + ["rowsums_one TRUE"])
P = rng.normal(size=(7, 3))
save("P.csv", P)
golden("dist", rows("dist", cdist(P, P)) + ["symmetric TRUE"])
C = rng.normal(size=(30, 4))
C[:, 1] = C[:, 0] * 0.8 + 0.3 * C[:, 1]
save("C.csv", C)
golden("cor", rows("cor", np.corrcoef(C, rowvar=False)))
