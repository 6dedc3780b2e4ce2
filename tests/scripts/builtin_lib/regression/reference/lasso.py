#!/usr/bin/python3
"""Expected output of lasso.dml: the optimal objective 0.5 ||Xw - y||^2 + tau ||w||_1 and the number of
non-zero coefficients, from scikit-learn's coordinate descent (alpha = tau / n, no intercept) run to
tight tolerance. Run from the parent folder: /usr/bin/python3 reference/lasso.py > lasso.out"""
import numpy as np
from sklearn.linear_model import Lasso

X = np.loadtxt("data/step_X.csv", delimiter=",")
y = np.loadtxt("data/step_y.csv", delimiter=",")
n = len(y)
for tau in (1.0, 10.0, 60.0):
    w = Lasso(alpha=tau / n, fit_intercept=False, tol=1e-14, max_iter=1000000).fit(X, y).coef_
    obj = 0.5 * np.sum((X @ w - y) ** 2) + tau * np.sum(np.abs(w))
    print("tau=%s objective %.15g nonzeros %d" % (repr(tau), obj, np.sum(np.abs(w) > 1e-12)))
