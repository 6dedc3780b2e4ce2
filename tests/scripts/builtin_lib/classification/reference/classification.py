#!/usr/bin/python3
"""Generates the input data (data/*.csv) and the golden outputs (*.out) of the classification
builtin tests. References: the same objectives minimized by scipy.optimize.minimize (L-BFGS-B with
tight tolerances) and scikit-learn's MultinomialNB. Run from anywhere:
    /usr/bin/python3 tests/scripts/builtin_lib/classification/reference/classification.py
"""
import os
import sys

import numpy as np
from scipy.optimize import minimize
from sklearn.naive_bayes import MultinomialNB

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from reference_util import Area  # noqa: E402

AREA = Area(__file__)
save, golden = AREA.save, AREA.golden


def num(x):
    return repr(float(x))


def minimize_tight(fun, x0):
    r = minimize(fun, x0, jac=True, method="L-BFGS-B",
                 options=dict(maxiter=100000, maxfun=100000, ftol=1e-16, gtol=1e-11, maxcor=50))
    return r.x, r.fun


# ---- l2svm: 0.5 * sum(max(0, 1 - y Xw)^2) + reg/2 * |w|^2
def l2svm_objective(X, y, reg):
    def f(w):
        m = np.maximum(0.0, 1.0 - y * (X @ w))
        return 0.5 * m @ m + 0.5 * reg * w @ w, -X.T @ (m * y) + reg * w
    return f


def l2svm_ref(X, y, reg, intercept):
    if intercept:
        X = np.hstack([X, np.ones((X.shape[0], 1))])
    return minimize_tight(l2svm_objective(X, y, reg), np.zeros(X.shape[1]))


rng = np.random.default_rng(20261202)
n, m = 80, 4
X = rng.normal(size=(n, m))
y = np.where(X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 + 0.8 * rng.normal(size=n) > 0, 1.0, -1.0)
save("svm_X.csv", X)
save("svm_y.csv", y)
save("svm_y01.csv", (y + 1) / 2)

w1, f1 = l2svm_ref(X, y, 1.0, False)
w2, f2 = l2svm_ref(X, y, 0.1, True)
acc1 = int(np.sum(np.where(X @ w1 > 0, 1.0, -1.0) == y))
acc2 = int(np.sum(np.where(X @ w2[:m] + w2[m] > 0, 1.0, -1.0) == y))
golden("l2svm", ["objective " + num(f1), "correct " + str(acc1),
                 "objective_icpt " + num(f2), "correct_icpt " + str(acc2), "rows " + str(m + 1)])

# ---- msvm: one l2svm per class, labels 1..3, intercept
n3 = 90
centers = np.array([[2.0, 0.0, 0.0], [-1.0, 1.5, 0.0], [-1.0, -1.5, 1.0]])
lab = np.repeat([1, 2, 3], n3 // 3)
X3 = centers[lab - 1] + 1.2 * rng.normal(size=(n3, 3))
perm = rng.permutation(n3)
X3, lab = X3[perm], lab[perm].astype(float)
save("multi_X.csv", X3)
save("multi_y.csv", lab)
W = []
objs = []
for k in (1, 2, 3):
    wk, fk = l2svm_ref(X3, np.where(lab == k, 1.0, -1.0), 1.0, True)
    W.append(wk)
    objs.append(fk)
W = np.array(W).T
pred = np.argmax(X3 @ W[:3] + W[3], axis=1) + 1
golden("msvm", ["objective_class" + str(k + 1) + " " + num(objs[k]) for k in range(3)]
       + ["correct " + str(int(np.sum(pred == lab)))])


# ---- multiLogReg: baseline = last class, intercept not regularized
def mlr_objective(X, Y, reg, K, unreg_last):
    D = X.shape[1]
    lam = np.full((D, K), reg)
    if unreg_last:
        lam[D - 1, :] = 0.0

    def f(b):
        B = b.reshape(D, K)
        LT = np.hstack([X @ B, np.zeros((X.shape[0], 1))])
        mx = LT.max(axis=1, keepdims=True)
        E = np.exp(LT - mx)
        s = E.sum(axis=1, keepdims=True)
        obj = np.sum(np.log(s) + mx) - np.sum(Y * LT) + 0.5 * np.sum(lam * B * B)
        P = E / s
        G = X.T @ (P[:, :K] - Y[:, :K]) + lam * B
        return obj, G.ravel()
    return f


def mlr_ref(X, lab, reg, icpt):
    N = X.shape[0]
    K = int(lab.max()) - 1
    Y = np.zeros((N, K + 1))
    Y[np.arange(N), lab.astype(int) - 1] = 1
    Xs = X
    if icpt >= 1:
        Xs = np.hstack([X, np.ones((N, 1))])
    if icpt == 2:
        mu = X.mean(axis=0)
        sd = X.std(axis=0, ddof=1)
        Xs = np.hstack([(X - mu) / sd, np.ones((N, 1))])
    D = Xs.shape[1]
    b, f = minimize_tight(mlr_objective(Xs, Y, reg, K, icpt >= 1), np.zeros(D * K))
    B = b.reshape(D, K)
    if icpt == 2:  # back to the original columns
        beta = B[:-1] / sd[:, None]
        B = np.vstack([beta, B[-1] - mu @ beta])
    return B, f


B0, g0 = mlr_ref(X3, lab, 1.0, 0)
B1, g1 = mlr_ref(X3, lab, 0.5, 1)
B2, g2 = mlr_ref(X3, lab, 1.0, 2)
LT = np.hstack([X3 @ B1[:3] + B1[3], np.zeros((n3, 1))])
P = np.exp(LT) / np.exp(LT).sum(axis=1, keepdims=True)
acc = np.mean(np.argmax(P, axis=1) + 1 == lab) * 100
golden("multiLogReg", ["objective_icpt0 " + num(g0), "objective_icpt1 " + num(g1),
                       "objective_icpt2 " + num(g2), "accuracy " + num(acc)]
       + ["prob " + " ".join(num(v) for v in P[i]) for i in range(3)]
       + ["beta_icpt2 " + " ".join(num(v) for v in B2.ravel())])

# ---- naiveBayes: multinomial with Laplace smoothing, vs scikit-learn
nb_n = 60
nb_lab = np.repeat([1, 2, 3], nb_n // 3).astype(float)
rates = np.array([[5, 1, 1, 2, 0.5], [1, 4, 2, 1, 0.5], [1, 1, 1, 4, 3]])
nb_X = rng.poisson(rates[nb_lab.astype(int) - 1]).astype(float)
save("nb_X.csv", nb_X)
save("nb_y.csv", nb_lab)
lines = []
for alpha in (1.0, 0.5):
    nb = MultinomialNB(alpha=alpha).fit(nb_X, nb_lab)
    lines.append("laplace " + num(alpha))
    lines.append("prior " + " ".join(num(v) for v in np.exp(nb.class_log_prior_)))
    for row in np.exp(nb.feature_log_prob_):
        lines.append("cond " + " ".join(num(v) for v in row))
    jll = nb_X @ nb.feature_log_prob_.T + nb.class_log_prior_
    for i in range(3):
        lines.append("raw " + " ".join(num(v) for v in jll[i]))
    lines.append("correct " + str(int(np.sum(nb.predict(nb_X) == nb_lab))))
golden("naiveBayes", lines)

# naiveBayes with its default verbose=TRUE prints the training accuracy (laplace=1)
nb = MultinomialNB(alpha=1.0).fit(nb_X, nb_lab)
golden("naiveBayes_verbose", ["Training Accuracy (%): " + num(nb.score(nb_X, nb_lab) * 100),
                              "classes " + str(len(nb.classes_))])
