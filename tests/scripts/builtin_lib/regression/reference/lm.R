# Expected output of lm.dml: least-squares coefficients by R's lm.fit (intercept last).
# Run from the parent folder: Rscript reference/lm.R > lm.out
X <- as.matrix(read.csv("data/lm_X.csv", header = FALSE))
y <- as.matrix(read.csv("data/lm_y.csv", header = FALSE))
out <- function(b) for (v in b) cat(sprintf("%.15g\n", v))
for (icpt in 0:2) {
  if (icpt == 0) b <- lm.fit(X, y)$coefficients else b <- lm.fit(cbind(X, 1), y)$coefficients
  cat(sprintf("icpt=%d rows=%d\n", icpt, length(b)))
  out(b)
}
cat("lmDS icpt=1\n")
out(lm.fit(cbind(X, 1), y)$coefficients)
