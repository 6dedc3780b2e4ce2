# Expected output of glm.dml from R's glm. Run from the parent folder: Rscript reference/glm.R > glm.out
X <- as.matrix(read.csv("data/glm_X.csv", header = FALSE))
yp <- read.csv("data/glm_ypois.csv", header = FALSE)[, 1]
yb <- read.csv("data/glm_ybin.csv", header = FALSE)[, 1]
yg <- read.csv("data/glm_ygamma.csv", header = FALSE)[, 1]
# Fisher scoring converges only linearly for non-canonical links: iterate to the limit of precision.
ctl <- glm.control(epsilon = 1e-30, maxit = 400)
show <- function(name, fit, icpt = TRUE) {
  b <- coef(fit)
  if (icpt) b <- c(b[-1], b[1])  # linea puts the intercept last
  cat(name, sprintf("%.15g", b), "\n")
}
show("poisson.log", glm(yp ~ X, family = poisson(), control = ctl))
show("binomial.logit", glm(yb ~ X, family = binomial(), control = ctl))
show("binomial.logit.icpt2", glm(yb ~ X, family = binomial(), control = ctl))
show("binomial.counts", glm(cbind(yp, 3 - pmin(yp, 3)) ~ X, family = binomial(), control = ctl))
show("binomial.cloglog", glm(yb ~ X, family = binomial(link = "cloglog"), control = ctl))
show("binomial.probit", glm(yb ~ X, family = binomial(link = "probit"), control = ctl))
show("gamma.log", glm(yg ~ X, family = Gamma(link = "log"), control = ctl))
show("gamma.inverse", glm(yg ~ X, family = Gamma(), control = ctl))
show("gaussian.id", glm(yg ~ X - 1, family = gaussian(), control = ctl), icpt = FALSE)
