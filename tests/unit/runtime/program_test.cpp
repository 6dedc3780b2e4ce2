// Program blocks, the execution context and run-time errors.
#include "../compiler/compile_util.h"

#include <gtest/gtest.h>

using linea::test::run_text;

namespace {

std::string runtime_error(const std::string &text) {
    try {
        run_text(text);
    } catch (const linea::DmlError &e) {
        return e.what();
    }
    return "";
}

TEST(Program, ForLoopsCountDownAndEvaluateBoundsOnce) {
    EXPECT_EQ(run_text("for (i in 3:1) print(i)\n"), "3\n2\n1\n");
    EXPECT_EQ(run_text("n = 2\nfor (i in 1:n) { n = n + 1 }\nprint(n)\n"), "4\n");
    EXPECT_EQ(run_text("for (i in seq(1, 2, 0.5)) print(i)\n"), "1.0\n1.5\n2.0\n");
}

TEST(Program, WhileAndIf) {
    EXPECT_EQ(run_text("i = 0\nwhile (i < 3) { i = i + 1 }\nif (i == 3) print(\"yes\") else print(\"no\")\n"),
              "yes\n");
}

TEST(Program, FunctionCallsAreByValue) {
    EXPECT_EQ(run_text("f = function(Matrix[Double] X) return (Matrix[Double] X) { X[1,1] = 5 }\n"
                       "A = matrix(0, 2, 2)\nB = f(A)\nprint(sum(A) + \" \" + sum(B))\n"),
              "0.0 5.0\n");
}

TEST(Program, RecursionDepthIsLimited) {
    std::string e = runtime_error("f = function(Integer n) return (Integer r) { r = f(n + 1) }\nx = f(1)\n");
    EXPECT_NE(e.find("maximum function call depth"), std::string::npos) << e;
}

TEST(Program, RuntimeErrorsCarryPositions) {
    std::string e = runtime_error("X = matrix(1, 2, 3)\nY = matrix(1, 2, 3)\nZ = X %*% Y\nprint(sum(Z))\n");
    EXPECT_NE(e.find("test.dml:3:7"), std::string::npos) << e;
    EXPECT_NE(e.find("2x3"), std::string::npos) << e;
}

TEST(Program, UndefinedOnSomePathsIsARuntimeError) {
    std::string e = runtime_error("if (FALSE) { x = 1 }\nprint(x)\n");
    EXPECT_NE(e.find("'x'"), std::string::npos) << e;
}

TEST(Program, StatsCountInstructions) {
    linea::rt::RuntimeStats stats;
    run_text("X = matrix(1, 4, 4)\nfor (i in 1:5) { Y = t(X) }\n", &stats);
    EXPECT_EQ(linea::test::executed(stats, "r'"), 5);
}

} // namespace
