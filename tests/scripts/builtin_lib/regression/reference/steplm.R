# Expected output of steplm.dml: forward selection by AIC with R's step(). Run from the parent
# folder: Rscript reference/steplm.R > steplm.out
X <- as.matrix(read.csv("data/step_X.csv", header = FALSE))
y <- read.csv("data/step_y.csv", header = FALSE)[, 1]
m <- ncol(X)
d <- data.frame(X, y = y)
names(d) <- c(paste0("x", 1:m), "y")
f <- function(v) sprintf("%.15g", v)
for (icpt in 0:2) {
  if (icpt == 0) {
    start <- lm(y ~ 0, data = d)
    scope <- as.formula(paste("~ 0 +", paste0("x", 1:m, collapse = " + ")))
  } else {
    start <- lm(y ~ 1, data = d)
    scope <- as.formula(paste("~", paste0("x", 1:m, collapse = " + ")))
  }
  fit <- step(start, scope = scope, direction = "forward", trace = 0)
  cf <- coef(fit)
  sel <- as.integer(sub("x", "", grep("^x", names(cf), value = TRUE)))
  B <- rep(0, m + (icpt > 0))
  B[sel] <- cf[paste0("x", sel)]
  S <- sel
  if (icpt > 0) {
    B[m + 1] <- cf["(Intercept)"]
    S <- c(S, m + 1)
  }
  cat(sprintf("icpt=%d S: %s\n", icpt, paste(S, collapse = " ")))
  cat(f(B), sep = "\n")
}
