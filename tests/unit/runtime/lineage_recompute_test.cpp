// Lineage traces parsed back from their text and recomputed to the same value.
#include "../compiler/compile_util.h"
#include "runtime/io/matrix_io.h"
#include "runtime/lineage/cache.h"
#include "runtime/lineage/item.h"
#include "runtime/lineage/recompute.h"
#include "traced_run.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

using linea::Value;
using linea::lineage::Item;
using linea::lineage::ItemPtr;

std::string temp_path(const std::string &name) {
    return (std::filesystem::temp_directory_path() /
            ("linea_recompute_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

struct Traced {
    std::unique_ptr<linea::CompiledProgram> program;
    std::string trace;
    Value value;
};

/// Runs `script` (which must assign R) with tracing; returns lineage(R) as text and R's value.
Traced trace(const std::string &script, bool multilevel = false) {
    const std::string bin = temp_path("R.bin"), txt = temp_path("R.txt");
    Traced t;
    t.program = linea::test::compile_text(script + "\nwrite(as.matrix(R), \"" + bin +
                                          "\", format=\"binary\")\nprint(lineage(R))\n");
    std::ostringstream out;
    linea::rt::RuntimeStats stats;
    linea::rt::RuntimeOptions ro;
    ro.seed = 5;
    ro.lineage = true;
    ro.reuse = multilevel ? linea::lineage::ReuseMode::MultiLevel : linea::lineage::ReuseMode::None;
    linea::lineage::Cache cache(size_t{1} << 28);
    linea::rt::ExecContext ctx(*t.program->runtime, out, stats, ro);
    if (multilevel) ctx.set_cache(&cache);
    linea::rt::run_program(*t.program->runtime, ctx);
    t.trace = out.str();
    linea::io::ReadOptions o;
    o.format = "binary";
    t.value = Value(linea::io::read_matrix(bin, o));
    std::filesystem::remove(bin);
    std::filesystem::remove(bin + ".mtd");
    (void)txt;
    return t;
}

/// Bitwise equality of two matrices (a 1x1 matrix equals the scalar it holds).
void expect_identical(const Value &expected, const Value &got) {
    ASSERT_TRUE(expected.is_matrix());
    const auto &a = *expected.matrix();
    if (got.is_scalar()) {
        ASSERT_EQ(a.rows() * a.cols(), 1);
        double g = got.to_double(), e = a.get(0, 0);
        EXPECT_EQ(std::memcmp(&g, &e, sizeof g), 0) << g << " vs " << e;
        return;
    }
    ASSERT_TRUE(got.is_matrix()) << got.describe();
    const auto &b = *got.matrix();
    ASSERT_EQ(a.rows(), b.rows());
    ASSERT_EQ(a.cols(), b.cols());
    for (int64_t i = 0; i < a.rows(); ++i)
        for (int64_t j = 0; j < a.cols(); ++j) {
            double x = a.get(i, j), y = b.get(i, j);
            ASSERT_EQ(std::memcmp(&x, &y, sizeof x), 0) << i << "," << j << ": " << x << " vs " << y;
        }
}

Value recompute_text(const Traced &t, bool with_program = false) {
    ItemPtr root = Item::parse(t.trace);
    linea::lineage::RecomputeOptions o;
    if (with_program) o.program = t.program->runtime.get();
    return linea::lineage::recompute(root, o);
}

TEST(LineageParse, RoundTripIsEqualItem) {
    ItemPtr a = Item::literal("s:odd (text) \\ with\nnewline\r and (1) refs");
    ItemPtr b =
        std::make_shared<const Item>("rand", "rand seed=42", std::vector<ItemPtr>{a, Item::literal("i:3")});
    ItemPtr c = std::make_shared<const Item>("ba+*", "0", std::vector<ItemPtr>{b, b});
    ItemPtr d = std::make_shared<const Item>("+", "", std::vector<ItemPtr>{c, Item::literal("d:1.0E-7")});
    const std::string text = Item::explain(d);
    ItemPtr back = Item::parse(text);
    EXPECT_EQ(back->hash(), d->hash());
    EXPECT_TRUE(Item::equal(*back, *d));
    EXPECT_EQ(Item::explain(back), text);
    EXPECT_EQ(back->inputs()[0]->inputs()[0], back->inputs()[0]->inputs()[1]); // shared, not duplicated
    EXPECT_THROW(Item::parse("(1) L i:1\n(2) + (1) (3)\n"), std::invalid_argument);
    EXPECT_THROW(Item::parse("garbage"), std::invalid_argument);
    EXPECT_THROW(Item::parse(""), std::invalid_argument);
}

TEST(LineageRecompute, Literals) {
    Traced t = trace("R = matrix(2.5, rows=3, cols=2) * 4 - 1e-3");
    expect_identical(t.value, recompute_text(t));
}

TEST(LineageRecompute, ScalarsOfSeveralTypes) {
    Traced t =
        trace("x = 7\ny = x %/% 2 + 0.25\nb = y > 3\nR = as.double(b) + y ^ 2 + nrow(matrix(1, 4, 2))");
    expect_identical(t.value, recompute_text(t));
}

TEST(LineageRecompute, UnseededRandUsesItsRecordedSeed) {
    Traced t = trace("A = rand(rows=20, cols=5)\nB = rand(rows=20, cols=5, pdf=\"normal\")\n"
                     "s = sample(100, 5)\nR = A + B + sum(s)");
    EXPECT_NE(t.trace.find("seed="), std::string::npos);
    expect_identical(t.value, recompute_text(t));
}

TEST(LineageRecompute, MatMultChainsInEveryForm) {
    Traced t = trace("X = rand(rows=40, cols=8, seed=3)\nv = rand(rows=8, cols=1, seed=4)\n"
                     "w = rand(rows=40, cols=1, seed=5)\nG = t(X) %*% X\nH = X %*% t(X)\n"
                     "m1 = t(X) %*% (X %*% v)\nm2 = t(X) %*% (w * (X %*% v))\nY = t(X) %*% w\n"
                     "R = G %*% m1 + m2 + Y + sum(H) + X[1:8, ] %*% G");
    for (const char *op : {"tsmm", "ba+*"}) EXPECT_NE(t.trace.find(op), std::string::npos) << op;
    expect_identical(t.value, recompute_text(t));
}

TEST(LineageRecompute, MatMultChainForms) {
    // The compiler picks mmchain only for large inputs: build the items by hand. Kinds follow MatMultKind.
    auto rand_item = [](int rows, int cols, int seed) {
        std::vector<ItemPtr> in;
        in.push_back(Item::literal("i:" + std::to_string(rows)));
        in.push_back(Item::literal("i:" + std::to_string(cols)));
        for (const char *d : {"d:0.0", "d:1.0", "d:1.0", "s:uniform", "d:1.0"})
            in.push_back(Item::literal(d));
        in.push_back(Item::literal("i:" + std::to_string(seed)));
        return std::make_shared<const Item>("rand", "rand", in);
    };
    ItemPtr X = rand_item(30, 5, 1), v = rand_item(5, 1, 2), w = rand_item(30, 1, 3);
    auto mm = [](int kind, std::vector<ItemPtr> in) {
        return std::make_shared<const Item>(kind >= 4 ? "mmchain" : "ba+*", std::to_string(kind),
                                            std::move(in));
    };
    ItemPtr Xv = mm(0, {X, v});
    ItemPtr chain = mm(4, {X, v}), plain = mm(3, {X, Xv});
    ItemPtr wchain = mm(5, {X, v, w}),
            wplain = mm(3, {X, std::make_shared<const Item>("*", "", std::vector{w, Xv})});
    for (auto [a, b] : {std::pair{chain, plain}, std::pair{wchain, wplain}}) {
        Value x = linea::lineage::recompute(a), y = linea::lineage::recompute(b);
        ASSERT_TRUE(x.is_matrix() && y.is_matrix());
        ASSERT_EQ(x.matrix()->rows(), 5);
        for (int64_t i = 0; i < 5; ++i) EXPECT_NEAR(x.matrix()->get(i, 0), y.matrix()->get(i, 0), 1e-12);
        // and through the text
        expect_identical(x, linea::lineage::recompute(Item::parse(Item::explain(a))));
    }
}

TEST(LineageRecompute, IndexingRightAndLeft) {
    Traced t = trace("X = rand(rows=10, cols=6, seed=9)\nX[2, 3] = 100\nX[4:5, ] = matrix(-1, 2, 6)\n"
                     "i = 2\nR = X[i:7, 2:4] + X[3, 1] + sum(X[, 5]) + colSums(X[1:6, 4:6])");
    expect_identical(t.value, recompute_text(t));
}

TEST(LineageRecompute, FunctionsOfSeveralOps) {
    const std::string fn =
        "f = function(Matrix[Double] X, Double reg) return (Matrix[Double] B) {\n"
        "  A = t(X) %*% X + diag(matrix(reg, ncol(X), 1))\n"
        "  B = solve(A, t(X) %*% rowSums(X))\n  B = exp(B / max(abs(B))) - rowMeans(A)\n"
        "  if (sum(B) < -1e300) { B = B * 2 }\n}\n"; // a branch keeps it from being inlined
    const std::string body = "X = rand(rows=50, cols=6, seed=2)\nR = f(X, 0.5)\nR = f(X, 0.5) + R";
    Traced t = trace(fn + body);
    expect_identical(t.value, recompute_text(t));
    // Multi-level reuse: the second call's lineage is the call itself ("fcall f out0"), recomputed by
    // calling the function of the program.
    Traced ml = trace(fn + body, true);
    EXPECT_NE(ml.trace.find("fcall f out0"), std::string::npos) << ml.trace;
    EXPECT_THROW(recompute_text(ml), std::runtime_error);
    expect_identical(ml.value, recompute_text(ml, true));
}

TEST(LineageRecompute, ReadsCheckTheFingerprint) {
    const std::string f = temp_path("in.csv");
    {
        std::ofstream out(f);
        out << "1,2\n3,4.5\n";
    }
    Traced t = trace("X = read(\"" + f + "\", format=\"csv\", rows=2, cols=2)\nR = X %*% t(X) + 1");
    expect_identical(t.value, recompute_text(t));
    {
        std::ofstream out(f);
        out << "1,2\n3,4.6\n";
    }
    EXPECT_THROW(recompute_text(t), std::runtime_error);
    std::filesystem::remove(f);
}

TEST(LineageRecompute, NonDeterministicItemsAreRefused) {
    ItemPtr leaf = std::make_shared<const Item>("V", "const #3", std::vector<ItemPtr>{});
    EXPECT_THROW(linea::lineage::recompute(leaf), std::runtime_error);
    linea::lineage::RecomputeOptions o;
    o.leaf = [](const Item &) { return std::optional<Value>(Value(2.0)); };
    ItemPtr sum = std::make_shared<const Item>("+", "", std::vector<ItemPtr>{leaf, Item::literal("d:1.5")});
    EXPECT_EQ(linea::lineage::recompute(sum, o).to_double(), 3.5);
}

} // namespace

namespace {

using linea::test::traced_run;
using linea::test::TracedRun;

std::string small_ops_loop(int n) {
    return "x = 0\nM = matrix(1, 2, 2)\nfor (i in 1:" + std::to_string(n) +
           ") {\n  x = x + i * 2\n  M = M * 0.5 + x / 1000\n  s = sum(M) + sqrt(i)\n"
           "  if (i %% 3 == 0) { x = x - s }\n}\nprint(x)\nprint(sum(M))\n";
}

TEST(LineageDedup, LongLoopTraceStaysSmall) {
    // 100000 iterations deduplicated; the full trace (linear in the iterations) is measured on 10000.
    TracedRun dedup = traced_run(small_ops_loop(100000), true);
    TracedRun full = traced_run(small_ops_loop(10000), false),
              dedup10k = traced_run(small_ops_loop(10000), true);
    EXPECT_EQ(full.out, dedup10k.out);
    const double full_per_iter = static_cast<double>(full.peak_bytes) / 1e4;
    const double dedup_per_iter = static_cast<double>(dedup.peak_bytes) / 1e5;
    // Without dedup every iteration keeps its ~8 items (~1.2 KB; constants' literal items are shared); with
    // dedup the two carried outputs (x, M) keep one dedup item each, plus the loop variable's literal that
    // they refer to.
    EXPECT_LE(dedup.peak_items, 3 * 100000 + 1000) << dedup.peak_items;
    EXPECT_LT(dedup_per_iter * 2, full_per_iter) << dedup_per_iter << " vs " << full_per_iter;
    std::printf("[ dedup    ] bytes held per iteration: %.1f (without dedup %.1f); items %.2f vs %.2f\n",
                dedup_per_iter, full_per_iter, static_cast<double>(dedup.peak_items) / 1e5,
                static_cast<double>(full.peak_items) / 1e4);
}

TEST(LineageDedup, LoopWithoutCarriedStateHoldsConstantTrace) {
    // Nothing flows from one iteration into the next: the trace held does not grow with the loop at all.
    TracedRun r = traced_run("for (i in 1:100000) {\n  a = i * 2\n  b = sqrt(a) + 1\n}\nprint(b)\n", true);
    EXPECT_EQ(r.out, "448.21359549995793\n");
    EXPECT_LT(r.peak_items, 200);
}

TEST(LineageDedup, DedupTraceRecomputesAndCombinesWithReuse) {
    const std::string script = "X = rand(rows=20, cols=4, seed=1)\nw = matrix(0, 4, 1)\n"
                               "for (i in 1:50) {\n  g = t(X) %*% (X %*% w) - t(X) %*% rowSums(X)\n"
                               "  if (i %% 2 == 0) { w = w - 0.001 * g } else { w = w - 0.002 * g }\n}\n"
                               "R = w\n";
    Traced plain = trace(script);
    // dedup form: recomputed through the patches
    const std::string bin = temp_path("D.bin");
    TracedRun d =
        traced_run(script + "write(R, \"" + bin + "\", format=\"binary\")\nprint(lineage(R))\n", true);
    EXPECT_NE(d.out.find("dedup"), std::string::npos);
    linea::io::ReadOptions o;
    o.format = "binary";
    Value traced = Value(linea::io::read_matrix(bin, o));
    expect_identical(plain.value, traced);
    expect_identical(traced, linea::lineage::recompute(Item::parse(d.out)));
    std::filesystem::remove(bin);
    std::filesystem::remove(bin + ".mtd");
    // with reuse on too: same values
    TracedRun dr = traced_run(script + "print(sum(R))\n", true, true);
    TracedRun nr = traced_run(script + "print(sum(R))\n", false, false);
    EXPECT_EQ(dr.out, nr.out);
}

} // namespace
