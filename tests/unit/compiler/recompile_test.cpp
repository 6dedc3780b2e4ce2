// Dynamic recompilation: blocks with unknown sizes are re-planned with the live sizes before they run.
#include "compile_util.h"

#include <gtest/gtest.h>

#include <sstream>

using linea::test::executed;
using linea::test::run_text;
using linea::test::run_text_with;

namespace {

const char *kChainInFunction =
    "f = function(Matrix[Double] X, Matrix[Double] v) return (Matrix[Double] r) {\n"
    "  r = t(X) %*% X %*% v\n  if (nrow(X) > 1000) { r = r + 1 }\n}\n"
    "n = as.integer(sum(matrix(25, 2, 1)))\nX = rand(rows=n, cols=5, seed=3)\nv = rand(rows=5, cols=1, "
    "seed=4)\n"
    "for (i in 1:3) { r = f(X, v) }\nprint(sum(r))\n";

TEST(Recompile, ReordersChainOnceSizesAreKnown) {
    linea::rt::RuntimeStats s;
    std::string out = run_text(kChainInFunction, &s);
    // With the sizes of X and v known, (t(X)%*%X)%*%v becomes t(X)%*%(X%*%v), i.e. one mmchain.
    EXPECT_EQ(executed(s, "mmchain"), 3);
    EXPECT_EQ(executed(s, "tsmm"), 0);
    const std::string plain = run_text(kChainInFunction, nullptr, false);
    EXPECT_NEAR(std::stod(out), std::stod(plain), 1e-9 * std::abs(std::stod(out)));
}

TEST(Recompile, RecompilesWhenSizesChange) {
    // The same block sees a row vector and then a column vector; each plan must fit its sizes.
    const char *s =
        "g = function(Matrix[Double] X) return (Double s) { s = sum(X[1:nrow(X), 1:ncol(X)] * 2) }\n"
        "a = g(matrix(1, 1, 3))\nb = g(matrix(2, 4, 1))\nc = g(matrix(3, 2, 2))\nprint(a + b + c)\n";
    EXPECT_EQ(run_text(s), "46.0\n");
}

TEST(Recompile, ExplainShowsRecompiledBlocks) {
    linea::rt::RuntimeOptions ro;
    ro.explain_recompile_runtime = true;
    const std::string text = run_text_with(kChainInFunction, ro);
    EXPECT_NE(text.find("RECOMPILE RUNTIME (f"), std::string::npos) << text;
    EXPECT_NE(text.find("mmchain XtXv"), std::string::npos) << text;
    // Same sizes on the 2nd and 3rd call: compiled once.
    EXPECT_EQ(text.find("RECOMPILE RUNTIME", text.find("RECOMPILE RUNTIME") + 1), std::string::npos) << text;
}

TEST(Recompile, SparseChainOrderUsesLiveNnz) {
    // P's size depends on data, so the chain's block is re-planned with the live nnz of P and X: the
    // selection P goes first, (P %*% X) %*% W (dimensions alone would pick P %*% (X %*% W)).
    const char *s = "idx = (seq(1, 200) * 37) %% 4000 + 1\nidx[200, 1] = 4000\nP = table(seq(1, 200), idx)\n"
                    "X = rand(rows=4000, cols=4000, sparsity=0.001, seed=5)\nW = rand(rows=4000, cols=20, "
                    "seed=6)\nwhile (FALSE) {}\n"
                    "for (i in 1:2) {\n  Z = P %*% X %*% W\n}\nprint(sum(Z))\n";
    linea::rt::RuntimeOptions ro;
    ro.explain_recompile_hops = true;
    const std::string text = run_text_with(s, ro);
    const size_t x = text.find("TRead(TRead) X [4000,4000,?] est_nnz=");
    ASSERT_NE(x, std::string::npos) << text;
    const std::string line = text.substr(x, text.find('\n', x) - x);
    const std::string est = line.substr(line.find("est_nnz=") + 8),
                      actual = line.substr(line.find("actual_nnz=") + 11);
    EXPECT_EQ(std::stol(est), std::stol(actual)) << line; // the live nnz, shown beside the estimate
    // P %*% X estimated with MNC over the live P and X: exact, as P has one non-zero per row
    // (sum((P %*% X) != 0) is 753 for these seeds).
    EXPECT_NE(text.find("[200,4000,?] est_nnz=753 "), std::string::npos) << text;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        EXPECT_FALSE(line.find("ba(ba+*)") != std::string::npos &&
                     line.find("[4000,20,") != std::string::npos)
            << line; // X %*% W is never formed
    const std::string result = text.substr(text.rfind('\n', text.size() - 2) + 1);
    EXPECT_NEAR(std::stod(result), std::stod(run_text(s, nullptr, false)),
                1e-9 * std::abs(std::stod(result)));
}

TEST(Recompile, SparseEstimateBuildsCsrOutput) {
    // S (CSR, 10 non-empty rows) %*% W (dense): MNC over the live S estimates 10 * 300 non-zeros, so the
    // product is planned as CSR ("out=csr") and built without a 4000 x 300 dense temporary.
    const char *s = "idx = (seq(1, 10) * 397) %% 4000 + 1\nidx[10, 1] = 4000\nS = table(idx, idx)\n"
                    "W = rand(rows=4000, cols=300, seed=6)\nwhile (FALSE) {}\n"
                    "for (i in 1:2) {\n  Z = S %*% W\n}\nprint(sum(Z))\n";
    linea::rt::RuntimeOptions ro;
    ro.explain_recompile_runtime = true;
    const std::string text = run_text_with(s, ro);
    const size_t mm = text.find("ba+* ");
    ASSERT_NE(mm, std::string::npos) << text;
    EXPECT_NE(text.substr(mm, text.find('\n', mm) - mm).find(" out=csr"), std::string::npos) << text;
    const std::string result = text.substr(text.rfind('\n', text.size() - 2) + 1);
    EXPECT_NEAR(std::stod(result), std::stod(run_text(s, nullptr, false)),
                1e-9 * std::abs(std::stod(result)));
}

} // namespace
