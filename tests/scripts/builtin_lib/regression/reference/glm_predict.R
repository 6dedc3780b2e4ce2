# Expected output of glm_predict.dml. Run from the parent folder: Rscript reference/glm_predict.R > glm_predict.out
X <- as.matrix(read.csv("data/glm_X.csv", header = FALSE))
yp <- read.csv("data/glm_ypois.csv", header = FALSE)[, 1]
yb <- read.csv("data/glm_ybin.csv", header = FALSE)[, 1]
ctl <- glm.control(epsilon = 1e-30, maxit = 400)
f <- function(v) sprintf("%.15g", v)
n <- length(yp); k <- ncol(X) + 1
# Y: response counts (n x c), E: expected counts, P: predicted means/probabilities, V: variances,
# categorical: whether the log-likelihood Z-score applies (binomial/multinomial).
stats <- function(X2, G2, Y, E, P, V, categorical, N = rep(1, nrow(Y))) {
  tot <- sum(N); m2 <- k  # the fits below have an intercept: m' = m
  if (categorical) {
    lP <- log(P + (P == 0)); ell <- rowSums(P * lP)
    Z <- (sum(Y * lP) - sum(N * ell)) / sqrt(sum(N * (rowSums(P * lP^2) - ell^2)))
  } else Z <- NaN
  for (sc in c("FALSE", "TRUE")) {
    zp <- if (categorical) 2 * pnorm(-abs(Z)) else NaN
    cat(sprintf("LOGLHOOD_Z,,%s,%s\nLOGLHOOD_Z_PVAL,,%s,%s\n", sc, f(Z), sc, f(zp)))
    cat(sprintf("PEARSON_X2,,%s,%s\nPEARSON_X2_BY_DF,,%s,%s\nPEARSON_X2_PVAL,,%s,%s\n", sc, f(X2), sc,
                f(X2 / (n - k)), sc, f(pchisq(X2, n - k, lower.tail = FALSE))))
    cat(sprintf("DEVIANCE_G2,,%s,%s\nDEVIANCE_G2_BY_DF,,%s,%s\nDEVIANCE_G2_PVAL,,%s,%s\n", sc, f(G2), sc,
                f(G2 / (n - k)), sc, f(pchisq(G2, n - k, lower.tail = FALSE))))
  }
  for (c in 1:ncol(Y)) {
    at <- sum(Y[, c]) / tot; R <- Y[, c] - E[, c]; ar <- sum(R) / tot
    sst <- sum((Y[, c] - N * at)^2); ssr <- sum(R^2); ssn <- sum((R - N * ar)^2)
    cat(sprintf("AVG_TOT_Y,%d,,%s\nSTDEV_TOT_Y,%d,,%s\nAVG_RES_Y,%d,,%s\nSTDEV_RES_Y,%d,,%s\n", c, f(at), c,
                f(sqrt(sst / (tot - 1))), c, f(ar), c, f(sqrt(ssn / (tot - m2)))))
    cat(sprintf("PRED_STDEV_RES,%d,TRUE,%s\nR2,%d,,%s\nADJUSTED_R2,%d,,%s\nR2_NOBIAS,%d,,%s\nADJUSTED_R2_NOBIAS,%d,,%s\n",
                c, f(sqrt(sum(V[, c]) / tot)), c, f(1 - ssr / sst), c, f(1 - (tot - 1) / (tot - k) * ssr / sst), c,
                f(1 - ssn / sst), c, f(1 - (tot - 1) / (tot - m2) * ssn / sst)))
  }
}
fp <- glm(yp ~ X, family = poisson(), control = ctl)
mp <- fitted(fp)
stats(sum(residuals(fp, type = "pearson")^2), deviance(fp), cbind(yp), cbind(mp), cbind(mp), cbind(mp), FALSE)
cat("poisson", f(mp[1]), f(mp[100]), f(sum(mp)), "\n")
fb <- glm(yb ~ X, family = binomial(), control = ctl)
mb <- fitted(fb)
Yb <- cbind(yb == 1, yb != 1); Eb <- cbind(mb, 1 - mb)
stats(sum((Yb - Eb)^2 / Eb), deviance(fb), Yb, Eb, Eb, cbind(mb * (1 - mb), mb * (1 - mb)), TRUE)
cat("binomial 2", f(mb[1]), f(1 - mb[1]), f(sum(mb)), "\n")
mq <- fitted(glm(yb ~ X, family = binomial(link = "probit"), control = ctl))
cat("probit", f(mq[1]), f(mq[100]), f(sum(mq)), "\n")
