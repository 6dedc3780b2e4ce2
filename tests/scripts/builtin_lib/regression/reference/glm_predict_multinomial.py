#!/usr/bin/python3
"""Writes data/glm_ycat.csv (3 category labels for data/glm_X.csv, deterministic) and the expected output
glm_predict_multinomial.out of glm_predict_multinomial.dml: glmPredict with dfam=3 (multinomial logit,
last category the baseline) for the fixed coefficients below, by NumPy from the definitions: probabilities
softmax(cbind(X %*% B[1:3, ] + B[4, ], 0)); Pearson X2 = sum((Y - E)^2 / E), deviance G2 = 2 sum(Y log(Y / E)),
df = (n - nrow(B)) * (categories - 1), their chi-squared p-values, the log-likelihood Z-score, and per category
the averages, standard deviations and R2 statistics as for the binomial family (SciPy for the p-values).
Run from the parent folder: /usr/bin/python3 reference/glm_predict_multinomial.py"""
import numpy as np
from scipy import stats

X = np.loadtxt("data/glm_X.csv", delimiter=",")
n = X.shape[0]
B = np.array([[1.2, -0.4], [-0.8, 0.9], [0.5, 0.3], [0.2, -0.1]])


def softmax(B):
    L = np.hstack([X @ B[:3] + B[3], np.zeros((n, 1))])
    E = np.exp(L - L.max(1, keepdims=True))
    return E / E.sum(1, keepdims=True)


# labels: the most likely category of a perturbed model, shifted cyclically on every 7th row
y = np.argmax(softmax(B * 1.5) + 0.2 * np.sin(np.arange(n))[:, None] * np.array([1, -1, 0]), axis=1) + 1
y[::7] = y[::7] % 3 + 1
np.savetxt("data/glm_ycat.csv", y[:, None], fmt="%d")

M = softmax(B)
Y = np.eye(3)[y - 1]
f = lambda v: "%.15g" % v  # noqa: E731
X2 = np.sum((Y - M) ** 2 / M)
G2 = 2 * np.sum(Y * np.log(np.where(Y == 0, 1, Y) / np.where(Y == 0, 1, M)))
df = (n - 4) * 2
k = 4  # parameters, the intercept included (m' = m)
lM = np.log(M)
ell = (M * lM).sum(1)
Z = ((Y * lM).sum() - ell.sum()) / np.sqrt(((M * lM ** 2).sum(1) - ell ** 2).sum())
lines = []
for sc in ("FALSE", "TRUE"):
    lines += ["LOGLHOOD_Z,,%s,%s" % (sc, f(Z)), "LOGLHOOD_Z_PVAL,,%s,%s" % (sc, f(2 * stats.norm.cdf(-abs(Z)))),
              "PEARSON_X2,,%s,%s" % (sc, f(X2)), "PEARSON_X2_BY_DF,,%s,%s" % (sc, f(X2 / df)),
              "PEARSON_X2_PVAL,,%s,%s" % (sc, f(stats.chi2.sf(X2, df))),
              "DEVIANCE_G2,,%s,%s" % (sc, f(G2)), "DEVIANCE_G2_BY_DF,,%s,%s" % (sc, f(G2 / df)),
              "DEVIANCE_G2_PVAL,,%s,%s" % (sc, f(stats.chi2.sf(G2, df)))]
for c in range(3):
    at = Y[:, c].sum() / n
    R = Y[:, c] - M[:, c]
    ar = R.sum() / n
    sst, ssr, ssn = np.sum((Y[:, c] - at) ** 2), np.sum(R ** 2), np.sum((R - ar) ** 2)
    lines += ["AVG_TOT_Y,%d,,%s" % (c + 1, f(at)), "STDEV_TOT_Y,%d,,%s" % (c + 1, f(np.sqrt(sst / (n - 1)))),
              "AVG_RES_Y,%d,,%s" % (c + 1, f(ar)), "STDEV_RES_Y,%d,,%s" % (c + 1, f(np.sqrt(ssn / (n - k)))),
              "PRED_STDEV_RES,%d,TRUE,%s" % (c + 1, f(np.sqrt(np.sum(M[:, c] * (1 - M[:, c])) / n))),
              "R2,%d,,%s" % (c + 1, f(1 - ssr / sst)), "ADJUSTED_R2,%d,,%s" % (c + 1, f(1 - (n - 1) / (n - k) * ssr / sst)),
              "R2_NOBIAS,%d,,%s" % (c + 1, f(1 - ssn / sst)),
              "ADJUSTED_R2_NOBIAS,%d,,%s" % (c + 1, f(1 - (n - 1) / (n - k) * ssn / sst))]
lines.append("multinomial %d %s %s %s %s" % (M.shape[1], f(M[0, 0]), f(M[0, 2]), f(M[:, 0].sum()), f(M[:, 1].sum())))
lines.append("same as multiLogRegPredict: TRUE")
with open("glm_predict_multinomial.out", "w") as o:
    o.write("\n".join(lines) + "\n")
