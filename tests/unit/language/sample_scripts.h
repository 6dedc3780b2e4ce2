// A small corpus of DML scripts covering the whole grammar, shared by the parser tests.
#pragma once

#include <string>
#include <vector>

namespace linea::test {

inline const std::vector<std::string> &sample_scripts() {
    static const std::vector<std::string> scripts = {
        // 1: expressions and precedence
        R"(# arithmetic
x = -2^2 + 3 * 4 / 5 - 6 %/% 7 %% 8;
y <- (x + 1) ^ -1 ^ 2
b = !x == y & TRUE | FALSE && x >= 1 || y != 2
z = X %*% t(X) * 2 <= 3; w = 1.5e-3 + .5 + 5. + 1E3 + 42L + Inf - NaN * pi
)",
        // 2: indexing and left indexing
        R"(X = matrix(0, rows=10, cols=10)
X[1, 2] = 3; X[1:5, ] = matrix(1, 5, 10); X[, 3] = X[, 4]
X[2:3, 4:5] = X[7:8, 1:2]
s = as.scalar(X[1, 1]); v = X[, ]
L = list(a=1, b="x"); L["c"] = 3; L[2] = 4; e = L[1]
y = f(X)[1, 1] + (X + 1)[2, 2]
)",
        // 3: control flow
        R"(if (x > 1) y = 1 else y = 2
if (x > 1) { y = 1 } else if (x < 0) { y = -1 } else { y = 0 }
for (i in 1:10) { s = s + i }
for (i in seq(1, 10, 2)) s += i;
for (i in seq(10, 1)) s += i
while (s > 0) { s = s - 1; }
while (FALSE) {}
parfor (i in 1:nrow(X), check=0, par=4, mode=LOCAL, taskpartitioner=FACTORING, tasksize=2,
       opt=NONE, resultmerge=LOCAL_MEM) {
  R[i, ] = X[i, ] * 2
}
)",
        // 4: functions
        R"(f = function(Matrix[Double] X, Double reg = 1e-7, Integer k = ncol(X), List[Unknown] args = list(),
             Frame[Unknown] F, boolean verbose = FALSE, string s = "a", int n = 3)
    return (Matrix[Double] B, Double loss) {
  B = X * reg; loss = sum(B)
}
g <- function(double x) { print(x) }
[B, l] = f(X=matrix(1, 2, 2), reg=0.1)
[a, b] = f(matrix(1, 2, 2))
)",
        // 5: strings and printing
        R"(print("tab\there \"quoted\" 'single' \\ back\n")
print('it\'s' + "x")
print("fmt %d %s %f", 1, "a", 2.0)
stop("never")
)",
        // 6: script arguments
        R"(n = ifdef($n, 10); m = ifdef($missing, "default")
p = $1 + 1; q = $name
)",
        // 7: comments everywhere
        R"(/* header
   block */ x = 1 # trailing
# full line
y = /* inline */ 2;;
)",
        // 8: namespaced calls and builtins
        R"(A = ns::fn(1, 2, x=3)
[Q, R] = qr(A)
B = lower.tri(target=A, diag=TRUE, values=TRUE)
C = is.na(A) | is.nan(A)
)",
        // 9: nested blocks
        R"(for (i in 1:3) {
  for (j in 1:3) {
    if (i == j) { while (FALSE) { x = 1 } } else { parfor (k in 1:2) { R[k, 1] = k } }
  }
}
)",
        // 10: a small algorithm
        R"(lmDS = function(Matrix[Double] X, Matrix[Double] y, Integer icpt = 0, Double reg = 1e-7)
  return (Matrix[Double] B) {
  A = t(X) %*% X + diag(matrix(reg, ncol(X), 1))
  b = t(X) %*% y
  B = solve(A, b)
}
X = rand(rows=100, cols=10, seed=42); y = X %*% rand(rows=10, cols=1, seed=7)
B = lmDS(X, y); print(toString(B)); write(B, "out.csv", format="csv")
)",
    };
    return scripts;
}

} // namespace linea::test
