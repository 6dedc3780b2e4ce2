# Expected output of glm_predict.dml. Run from the parent folder: Rscript reference/glm_predict.R > glm_predict.out
X <- as.matrix(read.csv("data/glm_X.csv", header = FALSE))
yp <- read.csv("data/glm_ypois.csv", header = FALSE)[, 1]
yb <- read.csv("data/glm_ybin.csv", header = FALSE)[, 1]
ctl <- glm.control(epsilon = 1e-30, maxit = 400)
f <- function(v) sprintf("%.15g", v)
n <- length(yp); k <- ncol(X) + 1
stats <- function(X2, G2, Y, E) {
  cat(sprintf("PEARSON_X2,,FALSE,%s\nPEARSON_X2_BY_DF,,FALSE,%s\nDEVIANCE_G2,,FALSE,%s\nDEVIANCE_G2_BY_DF,,FALSE,%s\n",
              f(X2), f(X2 / (n - k)), f(G2), f(G2 / (n - k))))
  cat(sprintf("PEARSON_X2,,TRUE,%s\nPEARSON_X2_BY_DF,,TRUE,%s\nDEVIANCE_G2,,TRUE,%s\nDEVIANCE_G2_BY_DF,,TRUE,%s\n",
              f(X2), f(X2 / (n - k)), f(G2), f(G2 / (n - k))))
  for (c in 1:ncol(Y)) {
    at <- sum(Y[, c]) / n
    cat(sprintf("AVG_TOT_Y,%d,,%s\nAVG_RES_Y,%d,,%s\nR2,%d,,%s\n", c, f(at), c, f(sum(Y[, c] - E[, c]) / n), c,
                f(1 - sum((Y[, c] - E[, c])^2) / sum((Y[, c] - at)^2))))
  }
}
fp <- glm(yp ~ X, family = poisson(), control = ctl)
mp <- fitted(fp)
stats(sum(residuals(fp, type = "pearson")^2), deviance(fp), cbind(yp), cbind(mp))
cat("poisson", f(mp[1]), f(mp[100]), f(sum(mp)), "\n")
fb <- glm(yb ~ X, family = binomial(), control = ctl)
mb <- fitted(fb)
Yb <- cbind(yb == 1, yb != 1); Eb <- cbind(mb, 1 - mb)
stats(sum((Yb - Eb)^2 / Eb), deviance(fb), Yb, Eb)
cat("binomial 2", f(mb[1]), f(1 - mb[1]), f(sum(mb)), "\n")
mq <- fitted(glm(yb ~ X, family = binomial(link = "probit"), control = ctl))
cat("probit", f(mq[1]), f(mq[100]), f(sum(mq)), "\n")
