// Inter-procedural analysis: unused functions, determinism flags, inlining.
#include "compile_util.h"

#include <gtest/gtest.h>

using linea::test::compile_text;
using linea::test::executed;
using linea::test::run_text;

namespace {

TEST(Ipa, RemovesUnusedFunctions) {
    auto cp = compile_text("f = function(Double x) return (Double y) { y = x + 1 }\n"
                           "g = function(Double x) return (Double y) { y = x * 2 }\nprint(f(1.0))\n");
    EXPECT_EQ(cp->hops.functions.size(), 0u); // f is inlined, g is unused
    EXPECT_EQ(cp->rewrite_stats.fired["remove_unused_functions"], 2);
    EXPECT_EQ(cp->rewrite_stats.fired["inline_functions"], 1);
}

TEST(Ipa, EvalByRuntimeNameKeepsFunctions) {
    auto cp = compile_text(
        "g = function(Double x) return (Double y) { y = x * 2 }\nn = \"g\"\nif (1 < 2) { n = \"g\" }\n"
        "print(eval(n, 3))\n");
    EXPECT_EQ(cp->hops.functions.size(), 1u);
}

TEST(Ipa, DeterminismAndSideEffectFlags) {
    auto cp = compile_text(
        "r = function(Integer n) return (Matrix[Double] X) { X = rand(rows=n, cols=n) }\n"
        "s = function(Integer n) return (Matrix[Double] X) { X = rand(rows=n, cols=n, seed=42) }\n"
        "p = function(Integer n) return (Integer m) { print(n)\n m = n }\n"
        "q = function(Integer n) return (Matrix[Double] X) { X = r(n)\n while (FALSE) {} }\n"
        "a = r(2)\nb = s(2)\nc = p(2)\nd = q(2)\nprint(sum(a) + sum(b) + c + sum(d))\n",
        false);
    EXPECT_FALSE(cp->hops.functions.at("::r")->deterministic);
    EXPECT_TRUE(cp->hops.functions.at("::s")->deterministic);
    EXPECT_TRUE(cp->hops.functions.at("::p")->side_effects);
    EXPECT_FALSE(cp->hops.functions.at("::s")->side_effects);
    EXPECT_FALSE(cp->hops.functions.at("::q")->deterministic); // through its call of r
}

TEST(Ipa, InlinesSmallFunctions) {
    const char *s = "sq = function(Matrix[Double] X, Double c = 1.0) return (Matrix[Double] Y, Double t) {\n"
                    "  Y = X * X + c\n  t = sum(Y)\n}\nA = matrix(\"1 2 3 4\", rows=2, cols=2)\n"
                    "[B, t] = sq(A)\nC = sq(A, c=2.0)\nprint(toString(B))\nprint(t)\nprint(sum(C))\n";
    linea::rt::RuntimeStats on;
    std::string with = run_text(s, &on);
    EXPECT_EQ(executed(on, "fcall"), 0);
    auto cp = compile_text(s, false);
    std::ostringstream out;
    linea::rt::RuntimeStats off;
    linea::rt::ExecContext ctx(*cp->runtime, out, off, linea::rt::RuntimeOptions{});
    linea::rt::run_program(*cp->runtime, ctx);
    EXPECT_EQ(executed(off, "fcall"), 2);
    EXPECT_EQ(with, out.str());
}

TEST(Ipa, DoesNotInlineWhenACallWouldCoerce) {
    // The Integer parameter turns 3.0 into 3: inlining would lose that, so the call stays.
    const char *s = "f = function(Integer k) return (Integer r) { r = k }\nprint(f(3.0))\n";
    linea::rt::RuntimeStats st;
    EXPECT_EQ(run_text(s, &st), "3\n");
    EXPECT_EQ(executed(st, "fcall"), 1);
}

TEST(Ipa, DoesNotInlineFunctionsWithSideEffectsOrControlFlow) {
    linea::rt::RuntimeStats st;
    run_text("f = function(Double x) return (Double y) { print(x)\n y = x }\n"
             "g = function(Double x) return (Double y) { y = x\n if (x > 1) { y = 2 * x } }\nz = f(1.0) + "
             "g(2.0)\n",
             &st);
    EXPECT_EQ(executed(st, "fcall"), 2);
}

} // namespace

namespace {

TEST(Ipa, PropagatesConstantArgumentsIntoFunctions) {
    // Every call passes icpt=0 (an Integer), so the branch on it disappears inside the function.
    const char *s = "f = function(Matrix[Double] X, Integer icpt, Double reg) return (Double r) {\n"
                    "  if (icpt == 1) { X = cbind(X, matrix(1, nrow(X), 1)) }\n  r = sum(X) + reg\n}\n"
                    "A = matrix(2, 3, 3)\nprint(f(A, 0, 0.5))\nprint(f(A + 1, 0, 1.5))\n";
    auto cp = linea::test::compile_text(s);
    EXPECT_GE(cp->rewrite_stats.fired["ipa_constant_propagation"], 1);
    EXPECT_EQ(cp->rewrite_stats.fired["constant_branch_removal"], 1);
    EXPECT_EQ(run_text(s), "18.5\n28.5\n");
}

TEST(Ipa, DifferentConstantsAreNotPropagated) {
    const char *s = "f = function(Matrix[Double] X, Integer icpt) return (Double r) {\n"
                    "  if (icpt == 1) { X = cbind(X, matrix(1, nrow(X), 1)) }\n  r = sum(X)\n}\n"
                    "A = matrix(2, 3, 3)\nprint(f(A, 0))\nprint(f(A, 1))\n";
    auto cp = linea::test::compile_text(s);
    EXPECT_EQ(cp->rewrite_stats.fired["constant_branch_removal"], 0);
    EXPECT_EQ(run_text(s), "18.0\n21.0\n");
}

} // namespace

namespace {

TEST(Ipa, PropagatesMatrixSizesIntoFunctions) {
    const char *s = "f = function(Matrix[Double] X) return (Matrix[Double] G) {\n  G = t(X) %*% X\n"
                    "  if (sum(G) > 1e300) { G = G * 0 }\n}\nA = matrix(1, 20, 4)\nB = f(A)\nC = f(A + 1)\n"
                    "print(sum(B) + sum(C))\n";
    auto cp = linea::test::compile_text(s);
    EXPECT_EQ(cp->rewrite_stats.fired["ipa_size_propagation"], 1);
    std::string e = cp->hops.explain();
    EXPECT_NE(e.find("TRead(TRead) X [20,4,?]"), std::string::npos) << e;
    EXPECT_NE(e.find("ba(tsmm)"), std::string::npos) << e;
    EXPECT_EQ(run_text(s), "1600.0\n");
}

TEST(Ipa, DisagreeingSizesStayUnknown) {
    const char *s =
        "f = function(Matrix[Double] X) return (Matrix[Double] G) {\n  G = t(X) %*% X\n"
        "  if (sum(G) > 1e300) { G = G * 0 }\n}\nB = f(matrix(1, 20, 4))\nC = f(matrix(1, 20, 5))\n"
        "print(sum(B) + sum(C))\n";
    auto cp = linea::test::compile_text(s);
    EXPECT_EQ(cp->rewrite_stats.fired["ipa_size_propagation"], 0);
    EXPECT_EQ(run_text(s), "820.0\n");
}

} // namespace
