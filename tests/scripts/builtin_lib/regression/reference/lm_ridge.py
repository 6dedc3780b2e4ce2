#!/usr/bin/python3
"""Expected output of lm_ridge.dml: ridge coefficients from the normal equations in NumPy.
icpt=2 standardizes each feature with its mean and sample standard deviation, solves, and maps the
coefficients back to the original scale. Run from the parent folder: python3 reference/lm_ridge.py > lm_ridge.out"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_util import ridge  # noqa: E402


def out(b):
    for v in b:
        print("%.15g" % v)


X = np.loadtxt("data/lm_X.csv", delimiter=",")
y = np.loadtxt("data/lm_y.csv", delimiter=",")
for icpt in range(3):
    print("lmDS icpt=%d" % icpt)
    out(ridge(X, y, icpt, 2.5))
print("lmCG icpt=2")
out(ridge(X, y, 2, 2.5))
S = np.loadtxt("data/step_X.csv", delimiter=",")
ys = np.loadtxt("data/step_y.csv", delimiter=",")
for icpt in range(2):
    print("lmCG step icpt=%d" % icpt)
    out(ridge(S, ys, icpt, 0.5))
