// The HOP DAG builder: DAG shape, data characteristics, statement blocks.
#include "compile_util.h"

#include <gtest/gtest.h>

#include <regex>

using linea::test::compile_text;

namespace {

TEST(HopBuilder, PropagatesKnownSizes) {
    auto cp =
        compile_text("X = matrix(1, 10, 4)\nT = t(X)\nY = T %*% X\nz = rowSums(X)\nprint(sum(Y) + sum(z))\n");
    std::string e = cp->hops.explain();
    // Hop ids come from a process-wide counter: find the fill's id instead of assuming it.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(e, m, std::regex(R"(\((\d+)\) builtin\(rand\) \([0-9,]+\) \[10,4,40\])")))
        << e; // a constant fill: exact nnz
    const std::string x = "(" + m[1].str() + ")";
    EXPECT_NE(e.find("r(r') " + x + " [4,10,40]"), std::string::npos) << e; // transpose keeps nnz
    EXPECT_NE(e.find("ba(tsmm) " + x + " [4,4,?]"), std::string::npos) << e;
    EXPECT_NE(e.find("ua(uark+) " + x + " [10,1,?]"), std::string::npos) << e;
}

TEST(HopBuilder, UnknownSizesStayUnknown) {
    auto cp = compile_text("n = 3\nif (n > 2) { n = 5 }\nX = matrix(0, n, 2)\nprint(sum(X))\n");
    std::string e = cp->hops.explain();
    // n is a variable, so the row count is unknown at compile time.
    EXPECT_NE(e.find("builtin(rand)"), std::string::npos);
    EXPECT_NE(e.find("[?,2,?]"), std::string::npos) << e;
}

TEST(HopBuilder, SizesCarryAcrossBlocks) {
    auto cp =
        compile_text("X = matrix(1, 6, 3)\nfor (i in 1:2) { print(i) }\nY = X %*% t(X)\nprint(sum(Y))\n");
    EXPECT_NE(cp->hops.explain().find("[6,6,?]"), std::string::npos) << cp->hops.explain();
}

TEST(HopBuilder, LoopSizesReachAFixpoint) {
    // w keeps its 5x1 shape through the loop, so its size stays known inside; G grows, so it does not.
    auto cp =
        compile_text("w = matrix(0, 5, 1)\nG = matrix(1, 2, 5)\nfor (i in 1:3) {\n  w = w + 0.5 * t(G[1, ])\n"
                     "  G = rbind(G, G)\n}\nprint(sum(w) + sum(G))\n",
                     false);
    std::string e = cp->hops.explain();
    EXPECT_NE(e.find("TRead(TRead) w [5,1,?]"), std::string::npos) << e;
    EXPECT_NE(e.find("TRead(TRead) G [?,5,?]"), std::string::npos) << e;
}

TEST(HopBuilder, StatementBlocksFollowControlFlow) {
    auto cp = compile_text("a = 1\nb = 2\nif (a < b) { c = 3 } else { c = 4 }\nwhile (FALSE) {}\nfor (i in "
                           "1:3) { a = a + i }\nprint(a)\n",
                           false);
    const auto &blocks = cp->hops.main.blocks;
    ASSERT_EQ(blocks.size(), 5u);
    EXPECT_EQ(blocks[0]->kind, linea::hops::BlockKind::Basic);
    EXPECT_EQ(blocks[1]->kind, linea::hops::BlockKind::If);
    EXPECT_EQ(blocks[2]->kind, linea::hops::BlockKind::While);
    EXPECT_EQ(blocks[3]->kind, linea::hops::BlockKind::For);
    EXPECT_EQ(blocks[4]->kind, linea::hops::BlockKind::Basic);
}

TEST(HopBuilder, FunctionsAreCompiledWithDefaults) {
    auto cp = compile_text(
        "f = function(Matrix[Double] X, Integer k = ncol(X)) return (Double s) { s = sum(X) * k }\n"
        "print(f(matrix(1, 2, 3)))\n");
    ASSERT_EQ(cp->hops.functions.size(), 1u);
    const auto &fb = *cp->hops.functions.begin()->second;
    ASSERT_EQ(fb.defaults.size(), 2u);
    EXPECT_EQ(fb.defaults[0], nullptr);
    EXPECT_NE(fb.defaults[1], nullptr);
}

} // namespace
