// Loop deduplication: a body traced once per control path and replayed after (runtime/program/loop_dedup.h).
#include "runtime/lineage/cache.h"
#include "runtime/lineage/item.h"
#include "runtime/lineage/recompute.h"
#include "traced_run.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <unordered_map>

namespace {

using linea::lineage::Item;
using linea::lineage::ItemPtr;

using linea::test::traced_run;
using linea::test::TracedRun;

/// The trace with every dedup item expanded: its patch with the placeholders "P k" bound to its inputs.
ItemPtr expand(const ItemPtr &it, std::unordered_map<const Item *, ItemPtr> &done,
               const std::vector<ItemPtr> *bound = nullptr) {
    if (it->opcode() == "P" && bound) return (*bound)[std::strtoul(it->data().c_str(), nullptr, 10)];
    if (!bound) {
        auto d = done.find(it.get());
        if (d != done.end()) return d->second;
    }
    ItemPtr result;
    if (it->opcode() == "dedup") {
        std::vector<ItemPtr> ins;
        for (size_t k = 1; k < it->inputs().size(); ++k) ins.push_back(expand(it->inputs()[k], done, bound));
        std::unordered_map<const Item *, ItemPtr> inner;
        result = expand(it->inputs()[0], inner, &ins);
    } else {
        std::vector<ItemPtr> ins;
        for (const ItemPtr &in : it->inputs()) ins.push_back(expand(in, done, bound));
        result = Item::make(it->opcode(), it->data(), std::move(ins));
    }
    if (!bound) done[it.get()] = result;
    return result;
}

/// The trace text after the last "#TRACE" marker line of a run's output.
ItemPtr trace_of(const TracedRun &r) {
    const size_t at = r.out.rfind("#TRACE\n");
    EXPECT_NE(at, std::string::npos);
    return Item::parse(r.out.substr(at + 7));
}

/// Runs `script` (which ends by printing "#TRACE" and lineage(R)) traced in full and deduplicated: same
/// printed values, and the deduplicated trace expands to exactly the full one.
void expect_same_trace(const std::string &script, TracedRun *dedup_out = nullptr) {
    TracedRun full = traced_run(script, false), dedup = traced_run(script, true);
    const std::string values_full = full.out.substr(0, full.out.rfind("#TRACE\n"));
    const std::string values_dedup = dedup.out.substr(0, dedup.out.rfind("#TRACE\n"));
    EXPECT_EQ(values_full, values_dedup);
    EXPECT_NE(dedup.out.find(" dedup "), std::string::npos) << "not deduplicated";
    ItemPtr a = trace_of(full), b = trace_of(dedup);
    std::unordered_map<const Item *, ItemPtr> done;
    ItemPtr e = expand(b, done);
    EXPECT_EQ(a->hash(), e->hash());
    EXPECT_TRUE(Item::equal(*a, *e));
    if (dedup_out) *dedup_out = dedup;
}

/// A mini-batch loop whose body is recompiled (the slice bounds are only known at run time).
std::string minibatch(int iterations, const std::string &rows) {
    return "X = rand(rows=40, cols=6, seed=1)\nY = rand(rows=40, cols=2, seed=2)\n"
           "W = matrix(0.1, rows=6, cols=2)\nfor (i in 1:" +
           std::to_string(iterations) + ") {\n  beg = ((i - 1) %% 10) * 4 + 1\n  Xb = X[beg:(beg + " + rows +
           "), ]\n  Yb = Y[beg:(beg + " + rows +
           "), ]\n  G = t(Xb) %*% (Xb %*% W - Yb)\n  W = W - 0.01 * G\n}\nR = W\nprint(sum(R))\n"
           "print(\"#TRACE\")\nprint(lineage(R))\n";
}

TEST(LineageDedup, RecompiledBodyReplaysItsPath) {
    TracedRun d;
    expect_same_trace(minibatch(60, "3"), &d);
    ASSERT_NE(d.explain.find("[recompile]"), std::string::npos) << "the body is not recompiled";
    // One symbolic pass, then per iteration a literal for i and one dedup item per output (beg, Xb, Yb,
    // G, W): far fewer than the ~10 items of the traced instructions.
    EXPECT_LT(d.created, 60 * 8) << d.created;
    EXPECT_LT(static_cast<double>(d.peak_bytes) / static_cast<double>(d.ops), 64.0)
        << d.peak_bytes << " bytes, " << d.ops << " ops";
}

TEST(LineageDedup, RecompiledBlockWithChangingSizesGetsOnePatchPerList) {
    // The slice has 1, 2 or 3 rows: three instruction lists for the same path.
    expect_same_trace(minibatch(30, "((i - 1) %% 3)"));
}

TEST(LineageDedup, PathFirstTakenLateStartsFromTheRecordedFrame) {
    // Iteration 7 takes the inner branch first; the replay leaves the known paths inside the body.
    const std::string script = "x = 0\nM = matrix(1, 2, 2)\nfor (i in 1:20) {\n  x = x + i * 2\n"
                               "  M = M * 0.5 + x / 1000\n  if (i %% 2 == 0) {\n    x = x - 1\n"
                               "    if (i == 8) { M = t(M) + 1 }\n  } else {\n    M = M + i\n  }\n"
                               "  s = sum(M)\n}\nR = M + s + x\nprint(sum(R))\nprint(\"#TRACE\")\n"
                               "print(lineage(R))\n";
    expect_same_trace(script);
}

TEST(LineageDedup, WhileLoopAndCopies) {
    const std::string script = "i = 0\nA = matrix(2, 3, 3)\nB = A\nwhile (i < 15) {\n  i = i + 1\n"
                               "  T = A\n  A = B * 0.5\n  B = T + i\n}\nR = A + B\nprint(sum(R))\n"
                               "print(\"#TRACE\")\nprint(lineage(R))\n";
    expect_same_trace(script);
}

TEST(LineageDedup, DedupTraceRecomputesToTheSameValue) {
    TracedRun d = traced_run(minibatch(40, "3"), true);
    linea::lineage::RecomputeOptions o;
    const double traced = std::strtod(d.out.c_str(), nullptr);
    const linea::Value v = linea::lineage::recompute(trace_of(d), o);
    ASSERT_TRUE(v.is_matrix());
    double sum = 0;
    for (int64_t r = 0; r < v.matrix()->rows(); ++r)
        for (int64_t c = 0; c < v.matrix()->cols(); ++c) sum += v.matrix()->get(r, c);
    EXPECT_NEAR(sum, traced, 1e-9 * std::abs(traced));
}

TEST(LineageDedup, DrawsAndLineageInsideTheBodyStayTraced) {
    // Unseeded draws vary per iteration and lineage() needs the real items: no replay, no placeholders.
    const std::string script = "A = matrix(0, 2, 2)\nfor (i in 1:5) {\n  A = A + rand(rows=2, cols=2)\n"
                               "  if (i == 5) { print(lineage(A)) }\n}\nprint(sum(A) >= 0)\n";
    TracedRun full = traced_run(script, false), dedup = traced_run(script, true);
    EXPECT_EQ(dedup.out.find(" P "), std::string::npos) << dedup.out;
    EXPECT_EQ(full.out, dedup.out);
    // With a body that only draws: each iteration keeps its own items, values as without dedup.
    const std::string draws = "s = 0\nfor (i in 1:8) {\n  s = s + sum(rand(rows=3, cols=3, seed=-1))\n}\n"
                              "print(s > 0)\nprint(lineage(s))\n";
    TracedRun d2 = traced_run(draws, true);
    EXPECT_EQ(d2.out.find(" dedup "), std::string::npos);
    EXPECT_EQ(d2.out.find(" P "), std::string::npos);
}

TEST(LineageDedup, ReuseKeepsTracingAndSameValues) {
    const std::string script = minibatch(30, "3");
    TracedRun reuse = traced_run(script, true, true), plain = traced_run(script, false);
    EXPECT_EQ(reuse.out.substr(0, reuse.out.find("#TRACE")), plain.out.substr(0, plain.out.find("#TRACE")));
}

} // namespace
