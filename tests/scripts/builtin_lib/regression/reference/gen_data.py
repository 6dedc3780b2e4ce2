#!/usr/bin/python3
"""Writes the small, fixed input data of the regression builtin tests (data/*.csv). Run from this
folder's parent: /usr/bin/python3 reference/gen_data.py"""
import numpy as np

rng = np.random.default_rng(20261202)


def save(name, a):
    np.savetxt("data/" + name + ".csv", np.atleast_2d(a).reshape(a.shape[0], -1), delimiter=",", fmt="%.17g")


# Well-conditioned regression: 60 x 6 features on different scales, one almost constant column.
n, m = 60, 6
X = rng.normal(size=(n, m)) * np.array([1.0, 3.0, 0.5, 10.0, 2.0, 1.0]) + np.array([0, 5, -2, 100, 0, 1])
beta = np.array([1.5, -0.7, 2.0, 0.03, 0.0, -1.2])
y = X @ beta + 4.0 + 0.3 * rng.normal(size=n)
save("lm_X", X)
save("lm_y", y[:, None])
# Held-out rows for prediction.
Xt = rng.normal(size=(15, m)) * np.array([1.0, 3.0, 0.5, 10.0, 2.0, 1.0]) + np.array([0, 5, -2, 100, 0, 1])
yt = Xt @ beta + 4.0 + 0.3 * rng.normal(size=15)
save("lm_Xtest", Xt)
save("lm_ytest", yt[:, None])

# Stepwise selection: 10 candidate features, of which 1, 4 and 7 drive y (strongly, weakly, medium).
n, m = 80, 10
S = rng.normal(size=(n, m))
ys = 3.0 * S[:, 0] + 0.6 * S[:, 3] - 1.5 * S[:, 6] + 2.0 + 0.5 * rng.normal(size=n)
save("step_X", S)
save("step_y", ys[:, None])

# Generalized linear models: Poisson counts and binary outcomes from 3 features.
n = 100
G = rng.normal(size=(n, 3)) * 0.5
eta = 0.3 + G @ np.array([0.8, -0.5, 0.3])
save("glm_X", G)
save("glm_ypois", rng.poisson(np.exp(eta))[:, None].astype(float))
p = 1 / (1 + np.exp(-(eta - 0.3 + G @ np.array([1.0, 0.5, -0.2]))))
save("glm_ybin", (rng.uniform(size=n) < p)[:, None].astype(float))
save("glm_ygamma", rng.gamma(shape=4.0, scale=np.exp(eta) / 4.0)[:, None])
