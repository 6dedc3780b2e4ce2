// Program-level rewrites: constant branches, dead loops, merged straight-line blocks.
#include "compile_util.h"

#include <gtest/gtest.h>

using linea::test::compile_text;
using linea::test::run_text;

namespace {

int fired(const linea::CompiledProgram &cp, const std::string &name) {
    auto it = cp.rewrite_stats.fired.find(name);
    return it == cp.rewrite_stats.fired.end() ? 0 : it->second;
}

TEST(ProgramRewrites, ConstantBranchRemoval) {
    const char *s = "debug = FALSE\nx = 1\nif (debug) { print(\"debugging\") } else { x = 2 }\nprint(x)\n";
    auto cp = compile_text(s);
    EXPECT_EQ(fired(*cp, "constant_branch_removal"), 1);
    EXPECT_EQ(cp->hops.main.blocks.size(), 1u); // everything merged into one block
    EXPECT_EQ(run_text(s), "2\n");
}

TEST(ProgramRewrites, DataDependentBranchStays) {
    auto cp = compile_text("x = sum(rand(rows=2, cols=2))\nif (x > 1) { print(\"big\") }\n");
    EXPECT_EQ(fired(*cp, "constant_branch_removal"), 0);
}

TEST(ProgramRewrites, DeadLoopRemovalAndBlockMerge) {
    const char *s = "X = matrix(1, 3, 3)\nwhile (FALSE) {}\nY = t(X)\nwhile (FALSE) {}\nZ = t(X)\nprint(sum(Y + Z))\n";
    auto cp = compile_text(s);
    EXPECT_EQ(fired(*cp, "dead_loop_removal"), 2);
    EXPECT_EQ(fired(*cp, "block_merge"), 2);
    linea::rt::RuntimeStats stats;
    EXPECT_EQ(run_text(s, &stats), "18.0\n");
    EXPECT_EQ(linea::test::executed(stats, "r'"), 1); // CSE across the merged blocks
}

TEST(ProgramRewrites, MergedBlocksKeepOrderAndOverwrites) {
    const char *s = "a = 1\nprint(a)\nwhile (FALSE) {}\na = a + 1\nprint(a)\nb = a\nwhile (FALSE) {}\na = 10\nprint(a + b)\n";
    EXPECT_EQ(run_text(s), "1\n2\n12\n");
    auto off = compile_text(s, false);
    EXPECT_EQ(off->hops.main.blocks.size(), 5u);
}

} // namespace
