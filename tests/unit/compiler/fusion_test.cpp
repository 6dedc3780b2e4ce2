// Fusion planning: which chains become fused operators, what -explain codegen says, and that fused plans
// compute the same values and lineage items as unfused ones.
#include "compile_util.h"

#include "runtime/lineage/cache.h"

#include <gtest/gtest.h>

namespace {

using linea::fusion::CodegenMode;

struct FusedRun {
    std::string out, explain;
    linea::rt::RuntimeStats stats;
};

FusedRun run(const std::string &text, CodegenMode mode, bool lineage = false) {
    auto src = std::make_shared<const linea::SourceFile>("test.dml", text);
    linea::CompileOptions opts;
    opts.builtin_dir = LINEA_SOURCE_DIR "/scripts/builtin";
    opts.rewrites.verify = true;
    opts.codegen = mode;
    opts.explain_codegen = true;
    auto cp = linea::compile_script(src, opts);
    FusedRun r;
    r.explain = cp->codegen_explain;
    std::ostringstream out;
    linea::rt::RuntimeOptions ro;
    ro.seed = 7;
    ro.lineage = lineage;
    linea::rt::ExecContext ctx(*cp->runtime, out, r.stats, ro);
    linea::rt::run_program(*cp->runtime, ctx);
    r.out = out.str();
    return r;
}

const char *kData = "X = matrix(seq(1, 24), rows=6, cols=4) / 5\nY = matrix(seq(24, 1, -1), rows=6, cols=4)\n"
                    "Z = matrix(seq(1, 24), rows=6, cols=4) %% 7\nmu = colMeans(X)\n";

TEST(Fusion, CellChainWithAggregateIsOneOperator) {
    const std::string s =
        std::string(kData) + "print(sum(X * Y * Z))\nprint(toString(rowSums((X - mu)^2)))\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off),
             in = run(s, CodegenMode::Interpret);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(in.out, off.out);
    EXPECT_EQ(linea::test::executed(on.stats, "fused"), 2);
    EXPECT_EQ(linea::test::executed(on.stats, "*"), 0);
    EXPECT_EQ(linea::test::executed(off.stats, "fused"), 0);
    EXPECT_NE(on.explain.find("fused cell (full aggregate"), std::string::npos) << on.explain;
    EXPECT_NE(on.explain.find("fused cell (row aggregate"), std::string::npos) << on.explain;
    EXPECT_TRUE(off.explain.empty());
}

TEST(Fusion, IndependentAggregatesShareOnePass) {
    const std::string s = std::string(kData) + "a = sum(X * Y)\nb = sum(Y * Z)\nprint(a + b)\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(linea::test::executed(on.stats, "fused"), 1);
    EXPECT_NE(on.explain.find("fused multi-aggregate"), std::string::npos) << on.explain;
}

TEST(Fusion, SharedIntermediateIsMaterialized) {
    const std::string s = std::string(kData) + "D = X - Y\nprint(sum(D^2 + 1) + sum(abs(D) * Z))\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(linea::test::executed(on.stats, "-"), 1);
    EXPECT_NE(on.explain.find("materialize"), std::string::npos) << on.explain;
}

TEST(Fusion, MatrixMultiplicationsAreNotFused) {
    const std::string s = std::string(kData) + "print(sum((X %*% t(Y)) * 2 + 1))\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(linea::test::executed(on.stats, "ba+*") + linea::test::executed(on.stats, "tsmm"),
              linea::test::executed(off.stats, "ba+*") + linea::test::executed(off.stats, "tsmm"));
    EXPECT_EQ(linea::test::executed(on.stats, "fused"), 1);
}

TEST(Fusion, FusedOutputsCarryTheUnfusedLineage) {
    const std::string s = std::string(kData) + "a = sum(X * Y + 1)\nb = sum(Y * Z)\nR = rowMaxs(X / Z)\n"
                                               "print(lineage(a))\nprint(lineage(b))\nprint(lineage(R))\n";
    FusedRun on = run(s, CodegenMode::On, true), off = run(s, CodegenMode::Off, true);
    EXPECT_EQ(on.out, off.out);
    EXPECT_GE(linea::test::executed(on.stats, "fused"), 1);
}

TEST(Fusion, ShapeMismatchStaysAUserError) {
    const std::string s =
        "X = matrix(1, rows=3, cols=4)\nY = matrix(2, rows=4, cols=3)\nprint(sum(X * Y + 1))\n";
    EXPECT_THROW(run(s, CodegenMode::On), linea::DmlError);
    EXPECT_THROW(run(s, CodegenMode::Off), linea::DmlError);
}

bool ends_with(const std::string &s, const std::string &tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The outer template: sum(X * log(U %*% t(V) + eps)) and X * (U %*% t(V)) over a sparse X (its nnz known at
// recompilation) evaluate per non-zero of X: no matrix multiplication runs, values as unfused.
TEST(Fusion, OuterProductOverSparseDriverIsNotMaterialized) {
    const std::string s = "X = rand(rows=60, cols=40, sparsity=0.05, min=1, max=2, seed=3)\n"
                          "k = as.integer(sum(seq(1, 4)) / 2.5)\n"
                          "U = rand(rows=60, cols=k, seed=4)\nV = rand(rows=40, cols=k, seed=5)\n"
                          "W = rand(rows=40, cols=k, seed=6)\n"
                          "if (k > 0) {\n"
                          "  print(round(sum(X * log(U %*% t(V) + 1e-15)) * 1e6))\n"
                          "  R = X * (U %*% t(W))\n"
                          "  print(round(sum(R) * 1e6))\n  print(sum(R != 0))\n"
                          "}\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off),
             in = run(s, CodegenMode::Interpret);
    // Recompilation prints its -explain codegen text before the results.
    EXPECT_TRUE(ends_with(on.out, off.out)) << on.out;
    EXPECT_TRUE(ends_with(in.out, off.out)) << in.out;
    EXPECT_EQ(linea::test::executed(on.stats, "ba+*"), 0);
    EXPECT_EQ(linea::test::executed(off.stats, "ba+*"), 2);
    EXPECT_NE(on.out.find("fused outer (full aggregate"), std::string::npos);
    EXPECT_NE(on.out.find("fused outer (no aggregate"), std::string::npos);
}

// A dense driver gains nothing from the outer template: the product stays a matrix multiplication.
TEST(Fusion, OuterProductOverDenseDriverStaysAMatrixMultiply) {
    const std::string s = "X = rand(rows=60, cols=40, min=1, max=2, seed=3)\n"
                          "k = as.integer(sum(seq(1, 4)) / 2.5)\n"
                          "U = rand(rows=60, cols=k, seed=4)\nV = rand(rows=40, cols=k, seed=5)\n"
                          "if (k > 0) {\n  print(round(sum(X * log(U %*% t(V) + 1e-15)) * 1e6))\n}\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off);
    EXPECT_TRUE(ends_with(on.out, off.out)) << on.out;
    EXPECT_EQ(linea::test::executed(on.stats, "ba+*"), 1);
    EXPECT_NE(on.out.find("reject outer"), std::string::npos) << on.out;
}

// rand(..., sparsity=<literal>) has an estimated nnz at compilation: the outer template fires before any
// recompilation (the sizes are literals here).
TEST(Fusion, OuterTemplateFiresAtFirstCompilation) {
    const std::string s = "X = rand(rows=60, cols=40, sparsity=0.05, min=1, max=2, seed=3)\n"
                          "U = rand(rows=60, cols=3, seed=4)\nV = rand(rows=40, cols=3, seed=5)\n"
                          "print(round(sum(X * log(U %*% t(V) + 1e-15)) * 1e6))\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off);
    EXPECT_EQ(on.out, off.out);
    EXPECT_NE(on.explain.find("fused outer (full aggregate"), std::string::npos) << on.explain;
    EXPECT_EQ(linea::test::executed(on.stats, "ba+*"), 0);
}

// exp and sigmoid have vector kernels far faster than a fused body's per-cell call: a dense region leaves
// them out (materialized, computed by their own kernel) and fuses the rest; the outer template keeps exp, as
// it evaluates only the non-zeros of the sparse driver.
TEST(Fusion, ExpIsMaterializedExceptInTheOuterTemplate) {
    const std::string s = std::string(kData) +
                          "print(sum(exp(X / 10 + 1) * Y))\nprint(sum(sigmoid(X - 2) * Z))\n"
                          "S = rand(rows=60, cols=40, sparsity=0.05, min=1, max=2, seed=3)\n"
                          "U = rand(rows=60, cols=3, seed=4)\nV = rand(rows=40, cols=3, seed=5)\n"
                          "print(round(sum(S * exp(U %*% t(V) / 4)) * 1e6))\n";
    FusedRun on = run(s, CodegenMode::On), off = run(s, CodegenMode::Off),
             in = run(s, CodegenMode::Interpret);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(in.out, off.out);
    EXPECT_EQ(linea::test::executed(on.stats, "exp"), 1);
    EXPECT_EQ(linea::test::executed(on.stats, "sigmoid"), 1);
    // X / 10 + 1 (exp's input), * Y and sum, * Z and sum, the outer region
    EXPECT_EQ(linea::test::executed(on.stats, "fused"), 4);
    EXPECT_EQ(linea::test::executed(on.stats, "ba+*"), 0);
    EXPECT_NE(on.explain.find("exp: its vector kernel is faster"), std::string::npos) << on.explain;
    EXPECT_NE(on.explain.find("fused outer (full aggregate"), std::string::npos) << on.explain;
}

// The row template: t(X) %*% (w * (X %*% v)) over a sparse X is one pass over X's rows instead of the BLAS
// mmchain (which densifies X); values within rounding, lineage as unfused. A small dense X stays BLAS.
TEST(Fusion, RowTemplateReplacesTheMMChainOfASparseX) {
    const std::string s = "X = rand(rows=300, cols=20, sparsity=0.1, min=-1, max=1, seed=3)\n"
                          "w = rand(rows=300, cols=1, seed=4)\nv = rand(rows=20, cols=1, seed=5)\n"
                          "v2 = rand(rows=20, cols=1, seed=6)\n"
                          "R = t(X) %*% (w * (X %*% v))\nS = t(X) %*% (X %*% v2)\n"
                          "print(round(sum(R) * 1e6))\nprint(round(sum(S) * 1e6))\n"
                          "print(lineage(R))\nprint(lineage(S))\n";
    FusedRun on = run(s, CodegenMode::On, true), off = run(s, CodegenMode::Off, true),
             in = run(s, CodegenMode::Interpret, true);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(in.out, off.out);
    EXPECT_EQ(linea::test::executed(on.stats, "mmchain"), 0);
    EXPECT_EQ(linea::test::executed(off.stats, "mmchain"), 2);
    EXPECT_NE(on.explain.find("fused row (sparse X 300x20"), std::string::npos) << on.explain;

    const std::string d =
        "X = rand(rows=30, cols=20, min=-1, max=1, seed=3)\nv = rand(rows=20, cols=1, seed=5)\n"
        "print(round(sum(t(X) %*% (X %*% v)) * 1e6))\n";
    FusedRun small = run(d, CodegenMode::On);
    EXPECT_EQ(linea::test::executed(small.stats, "mmchain"), 1);
    EXPECT_NE(small.explain.find("reject row"), std::string::npos) << small.explain;
}

} // namespace
