// Physical operator selection: tsmm, mmchain and transposed-operand multiplies never materialise t(X).
#include "compile_util.h"

#include <gtest/gtest.h>

using linea::test::executed;
using linea::test::run_text;

namespace {

const char *kData =
    "X = matrix(\"1 2 3 4 5 6 7 8 9 10 11 12\", rows=4, cols=3)\nv = matrix(\"1 -1 2\", rows=3, cols=1)\n"
    "w = matrix(\"0.5 1 2 3\", rows=4, cols=1)\ny = matrix(\"1 0 1 0\", rows=4, cols=1)\n";

TEST(Physical, TsmmBothSides) {
    linea::rt::RuntimeStats s;
    std::string out =
        run_text(std::string(kData) + "print(toString(t(X) %*% X))\nprint(toString(X %*% t(X)))\n", &s);
    EXPECT_EQ(executed(s, "tsmm"), 2);
    EXPECT_EQ(executed(s, "r'"), 0);
    EXPECT_EQ(out, run_text(std::string(kData) + "T = t(X)\nwhile (FALSE) {}\nA = T %*% X\nB = X %*% T\n"
                                                 "print(toString(A))\nprint(toString(B))\n"));
}

TEST(Physical, MMChainInALoopNeverTransposes) {
    linea::rt::RuntimeStats s;
    std::string script = std::string(kData) +
                         "p = v\nfor (i in 1:5) {\n  q = t(X) %*% (X %*% p)\n  p = q / sum(q)\n}\n"
                         "print(toString(p))\n";
    std::string out = run_text(script, &s);
    EXPECT_EQ(executed(s, "mmchain"), 5);
    EXPECT_EQ(executed(s, "r'"), 0);
    EXPECT_EQ(executed(s, "ba+*"), 0);
    // Same numbers as the plain products (the chain does the same two matrix-vector products).
    std::string plain =
        run_text(std::string(kData) + "p = v\nfor (i in 1:5) {\n  T = t(X)\n  u = X %*% p\n"
                                      "  q = T %*% u\n  p = q / sum(q)\n}\nprint(toString(p))\n");
    EXPECT_EQ(out, plain);
}

TEST(Physical, WeightedMMChain) {
    linea::rt::RuntimeStats s;
    std::string out = run_text(std::string(kData) + "print(toString(t(X) %*% (w * (X %*% v))))\n", &s);
    EXPECT_EQ(executed(s, "mmchain"), 1);
    EXPECT_EQ(out, run_text(std::string(kData) + "u = X %*% v\nwhile (FALSE) {}\nz = w * u\nT = t(X)\n"
                                                 "while (FALSE) {}\nprint(toString(T %*% z))\n"));
}

TEST(Physical, MMChainFallsBackForMatrices) {
    // v is a matrix here (only known at run time): same result as the general products.
    std::string script = std::string(kData) + "n = 1\nif (sum(v) > 0) { n = 2 }\nV = matrix(1, 3, n)\n"
                                              "print(toString(t(X) %*% (X %*% V)))\n";
    std::string expect = run_text(std::string(kData) + "V = matrix(1, 3, 2)\nT = t(X)\nwhile (FALSE) {}\n"
                                                       "print(toString(T %*% (X %*% V)))\n");
    EXPECT_EQ(run_text(script), expect);
}

TEST(Physical, TransposedLeftOperand) {
    linea::rt::RuntimeStats s;
    std::string out = run_text(std::string(kData) + "print(toString(t(X) %*% y))\n", &s);
    EXPECT_EQ(executed(s, "r'"), 0);
    EXPECT_EQ(out, run_text(std::string(kData) + "T = t(X)\nwhile (FALSE) {}\nprint(toString(T %*% y))\n"));
}

TEST(Physical, SharedTransposeIsComputedOnceAndReused) {
    linea::rt::RuntimeStats s;
    run_text(std::string(kData) + "T = t(X)\nA = T %*% X\nprint(sum(A) + sum(T))\n", &s);
    EXPECT_EQ(executed(s, "r'"), 1);
    EXPECT_EQ(executed(s, "tsmm"), 1);
}

} // namespace
