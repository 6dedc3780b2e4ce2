// Lowering: slot allocation, ordering of writes, release of temporaries, executed instructions.
#include "compile_util.h"

#include <gtest/gtest.h>

using linea::test::compile_text;
using linea::test::executed;
using linea::test::run_text;

namespace {

TEST(Lowering, SwapReadsBeforeWrites) {
    EXPECT_EQ(run_text("a = 1\nb = 2\ntmp = a\na = b\nb = tmp\nprint(a + \" \" + b)\n"), "2 1\n");
    // Without a temporary the writes must still see the old values.
    EXPECT_EQ(run_text("a = 1\nb = 2\nx = b\ny = a\na = x\nb = y\nprint(a + \" \" + b)\n"), "2 1\n");
    EXPECT_EQ(run_text("a = 1\nb = 2\nwhile (FALSE) {}\n[a, b] = f(a, b)\nprint(a + \" \" + b)\n"
                       "f = function(Integer x, Integer y) return (Integer p, Integer q) { p = y; q = x }\n"),
              "2 1\n");
}

TEST(Lowering, CallOutputsNeverShareSlotsWithDyingInputs) {
    // The argument temporary dies at the call; the call's output must not reuse its slot.
    const char *s =
        "f = function(Matrix[Double] X) return (Double r) {\n  r = sum(X)\n  if (r > 1000) { r = 0 }\n}\n"
        "A = matrix(2, 3, 3)\nprint(f(A + 1))\nprint(f(t(A) * 2) + f(A - 1))\n";
    EXPECT_EQ(run_text(s), "27.0\n45.0\n");
}

TEST(Lowering, OverwrittenVariablesAreReadBeforeAnyWrite) {
    // b takes a's old value although a's write comes first in the block's write order.
    const char *s = "a = 1\nif (sum(matrix(1, 1, 1)) > 0) { q = 1 }\nt = a\na = 5\nb = t\nt = 0\n"
                    "if (sum(matrix(1, 1, 1)) > 0) { q = 2 }\nprint(b)\nprint(a)\nprint(t)\n";
    EXPECT_EQ(run_text(s, nullptr, false), "1\n5\n0\n");
    EXPECT_EQ(run_text(s), "1\n5\n0\n");
}

TEST(Lowering, SideEffectsKeepStatementOrder) {
    EXPECT_EQ(run_text("x = 1\nprint(x)\nx = x + 1\nprint(x)\nx = x * 10\nprint(x)\n"), "1\n2\n20\n");
}

TEST(Lowering, TemporariesAreReused) {
    // A long chain of temporaries needs only a couple of temporary slots.
    std::string s = "x = 1\ny = x";
    for (int i = 0; i < 200; ++i) s += " + x * " + std::to_string(i);
    s += "\nprint(y)\n";
    auto cp = compile_text(s);
    EXPECT_LT(cp->runtime->main->num_slots, 10);
    EXPECT_EQ(run_text(s), std::to_string(1 + 199 * 200 / 2) + "\n");
}

TEST(Lowering, DirectWriteAvoidsCopies) {
    linea::rt::RuntimeStats stats;
    run_text("X = matrix(1, 3, 3)\nY = X %*% X\nprint(sum(Y))\n", &stats);
    EXPECT_EQ(executed(stats, "ba+*"), 1);
    EXPECT_EQ(executed(stats, "cpvar"), 0);
}

TEST(Lowering, DeepExpressionsDoNotOverflow) {
    std::string s = "x = 1\ny = ";
    for (int i = 0; i < 300; ++i) s += "(x + ";
    s += "0";
    for (int i = 0; i < 300; ++i) s += ")";
    s += "\nprint(y)\n";
    EXPECT_EQ(run_text(s), "300\n");
}

TEST(Lowering, ExplainRuntimeListsInstructions) {
    auto cp = compile_text("X = matrix(2, 2, 2)\nY = t(X)\nprint(sum(Y))\n");
    std::string e = cp->runtime->explain();
    EXPECT_NE(e.find("r' X -> Y"), std::string::npos) << e;
    EXPECT_NE(e.find("uak+"), std::string::npos) << e;
}

} // namespace
