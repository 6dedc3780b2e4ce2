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
    const char *s =
        "X = matrix(1, 3, 3)\nwhile (FALSE) {}\nY = t(X)\nwhile (FALSE) {}\nZ = t(X)\nprint(sum(Y + Z))\n";
    auto cp = compile_text(s);
    EXPECT_EQ(fired(*cp, "dead_loop_removal"), 2);
    EXPECT_EQ(fired(*cp, "block_merge"), 2);
    linea::rt::RuntimeStats stats;
    EXPECT_EQ(run_text(s, &stats), "18.0\n");
    EXPECT_EQ(linea::test::executed(stats, "r'"), 1); // CSE across the merged blocks
}

TEST(ProgramRewrites, MergedBlocksKeepOrderAndOverwrites) {
    const char *s = "a = 1\nprint(a)\nwhile (FALSE) {}\na = a + 1\nprint(a)\nb = a\nwhile (FALSE) {}\na = "
                    "10\nprint(a + b)\n";
    EXPECT_EQ(run_text(s), "1\n2\n12\n");
    auto off = compile_text(s, false);
    EXPECT_EQ(off->hops.main.blocks.size(), 5u);
}

} // namespace

namespace {

std::string run_with_licm(const std::string &text, linea::rt::RuntimeStats *stats) {
    auto src = std::make_shared<const linea::SourceFile>("test.dml", text);
    linea::CompileOptions opts;
    opts.rewrites.enabled_extra = {"loop_invariant_code_motion"};
    opts.rewrites.verify = true;
    auto cp = linea::compile_script(src, opts);
    std::ostringstream out;
    linea::rt::ExecContext ctx(*cp->runtime, out, *stats, linea::rt::RuntimeOptions{});
    linea::rt::run_program(*cp->runtime, ctx);
    return out.str();
}

const char *kLoop = "X = rand(rows=20, cols=5, seed=1)\ny = rand(rows=20, cols=1, seed=2)\ns = 0\n"
                    "for (i in 1:10) {\n  A = t(X) %*% X\n  b = t(X) %*% y\n  s = s + sum(A) * i + sum(b)\n"
                    "  y = y + 1\n}\nprint(s)\n";

TEST(Licm, OffByDefault) {
    linea::rt::RuntimeStats s;
    run_text(kLoop, &s);
    EXPECT_EQ(linea::test::executed(s, "tsmm"), 10);
}

TEST(Licm, HoistsInvariantsOnlyWhenEnabled) {
    linea::rt::RuntimeStats on, off;
    std::string a = run_with_licm(kLoop, &on);
    std::string b = run_text(kLoop, &off);
    EXPECT_EQ(a, b);
    EXPECT_EQ(linea::test::executed(on, "tsmm"), 1);  // t(X)%*%X is invariant
    EXPECT_EQ(linea::test::executed(on, "ba+*"), 10); // t(X)%*%y is not: y changes in the loop
}

} // namespace
