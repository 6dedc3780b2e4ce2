# Expected output of lm_predict.dml. Run from the parent folder: Rscript reference/lm_predict.R > lm_predict.out
X <- as.matrix(read.csv("data/lm_X.csv", header = FALSE))
y <- as.matrix(read.csv("data/lm_y.csv", header = FALSE))[, 1]
Xt <- as.matrix(read.csv("data/lm_Xtest.csv", header = FALSE))
yt <- as.matrix(read.csv("data/lm_ytest.csv", header = FALSE))[, 1]
f <- function(v) sprintf("%.15g", v)
n <- length(y); m <- ncol(X); me <- m + 1
b <- lm.fit(cbind(X, 1), y)$coefficients
res <- y - cbind(X, 1) %*% b
avg_tot <- mean(y); ss_tot <- sum(y^2); ss_avg_tot <- ss_tot - n * avg_tot^2
avg_res <- mean(res); ss_res <- sum(res^2); ss_avg_res <- ss_res - n * avg_res^2
disp <- ss_res / (n - me)
var_res <- ss_avg_res / (n - m - 1)
cat("Calling the Direct Solver...\nComputing the statistics...\n")
cat("AVG_TOT_Y,", f(avg_tot), "\nSTDEV_TOT_Y,", f(sqrt(ss_avg_tot / (n - 1))), "\nAVG_RES_Y,", f(avg_res),
    "\nSTDEV_RES_Y,", f(sqrt(var_res)), "\nDISPERSION,", f(disp), "\nR2,", f(1 - ss_res / ss_avg_tot),
    "\nADJUSTED_R2,", f(1 - disp / (ss_avg_tot / (n - 1))), "\nR2_NOBIAS,", f(1 - ss_avg_res / ss_avg_tot),
    "\nADJUSTED_R2_NOBIAS,", f(1 - var_res / (ss_avg_tot / (n - 1))), "\n")
yhat <- cbind(Xt, 1) %*% b
cat(f(yhat[1:5]), sep = "\n")
nt <- length(yt); r <- yt - yhat
ar <- mean(r); sar <- sum(r^2) - nt * ar^2; R2 <- 1 - sum(r^2) / (sum(yt^2) - nt * mean(yt)^2)
cat("\nAccuracy:\n--sum(ytest) =", f(sum(yt)), "\n--sum(yhat) =", f(sum(yhat)), "\n--AVG_RES_Y:", f(ar),
    "\n--SS_AVG_RES_Y:", f(sar), "\n--R2:", f(R2), "\n")
cat("R:", f(ar), f(sar), f(R2), "\n")
cat(f(sum(Xt %*% lm.fit(X, y)$coefficients)), "\n")
