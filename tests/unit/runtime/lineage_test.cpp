// Lineage items, the lineage cache and full reuse through the runtime.
#include "../compiler/compile_util.h"
#include "runtime/lineage/cache.h"
#include "runtime/lineage/item.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace {

using linea::lineage::Item;
using linea::lineage::ItemPtr;

ItemPtr op(const std::string &opcode, std::vector<ItemPtr> in) {
    return std::make_shared<const Item>(opcode, "", std::move(in));
}

TEST(LineageItem, StructuralEqualityAndHash) {
    ItemPtr x = Item::literal("s:X.csv"), y = Item::literal("s:y.csv");
    ItemPtr a = op("tsmm", {x}), b = op("tsmm", {Item::literal("s:X.csv")});
    EXPECT_EQ(a->hash(), b->hash());
    EXPECT_TRUE(Item::equal(*a, *b));
    EXPECT_FALSE(Item::equal(*a, *op("tsmm", {y})));
    EXPECT_FALSE(Item::equal(*a, *op("r'", {x})));
    EXPECT_EQ(op("+", {a, b})->height(), 2u);
}

TEST(LineageItem, DeepTracesNeedNoRecursion) {
    ItemPtr a = Item::literal("i:0"), b = Item::literal("i:0");
    for (int i = 0; i < 200000; ++i) {
        a = op("+", {a, Item::literal("i:1")});
        b = op("+", {b, Item::literal("i:1")});
    }
    EXPECT_TRUE(Item::equal(*a, *b));
    EXPECT_EQ(a->height(), 200000u);
}

TEST(LineageCache, HitsEvictionAndBudget) {
    // Spilling off: evicted entries are gone (spilling: lineage_spill_test.cpp).
    linea::lineage::Cache cache(3 * (8 * 100 + 64), linea::lineage::EvictionPolicy::CostNSize,
                                linea::lineage::SpillMode::Never);
    auto m = [](double v) { return linea::Value(linea::kernels::fill(10, 10, v)); };
    ItemPtr k1 = op("a", {}), k2 = op("b", {}), k3 = op("c", {}), k4 = op("d", {});
    cache.put(k1, m(1), 1.0);
    cache.put(k2, m(2), 0.001);
    cache.put(k3, m(3), 1.0);
    EXPECT_TRUE(cache.probe(op("a", {})).has_value());
    cache.put(k4, m(4), 1.0); // evicts the cheapest per byte: k2
    EXPECT_FALSE(cache.probe(k2).has_value());
    EXPECT_TRUE(cache.probe(k3).has_value());
    auto s = cache.stats();
    EXPECT_EQ(s.hits_mem, 2);
    EXPECT_EQ(s.hits_del, 1);
    EXPECT_EQ(s.entries, 3);
    // Values larger than the whole budget are never cached.
    cache.put(op("big", {}), linea::Value(linea::kernels::fill(100, 100, 1.0)), 10.0);
    EXPECT_FALSE(cache.probe(op("big", {})).has_value());
}

TEST(LineageCache, EvictionPolicies) {
    auto m = [](double v) { return linea::Value(linea::kernels::fill(10, 10, v)); };
    // k_deep (height 2) is the most recently used and the most expensive: only dagheight evicts it.
    ItemPtr leaf = op("x", {}), k_flat = op("a", {}), k_mid = op("b", {leaf}), k_deep = op("c", {k_mid});
    auto fill = [&](linea::lineage::EvictionPolicy p) {
        auto c =
            std::make_unique<linea::lineage::Cache>(3 * (8 * 100 + 64), p, linea::lineage::SpillMode::Never);
        c->put(k_flat, m(1), 0.01);
        c->put(k_mid, m(2), 0.5);
        c->put(k_deep, m(3), 1.0);
        c->put(op("d", {}), m(4), 0.2); // needs room: one entry goes
        return c;
    };
    using P = linea::lineage::EvictionPolicy;
    auto dag = fill(P::DagHeight);
    EXPECT_FALSE(dag->contains(k_deep));
    EXPECT_TRUE(dag->contains(k_flat) && dag->contains(k_mid));
    auto lru = fill(P::Lru);
    EXPECT_FALSE(lru->contains(k_flat));
    EXPECT_TRUE(lru->contains(k_deep));
    auto cns = fill(P::CostNSize);
    EXPECT_FALSE(cns->contains(k_flat));
    EXPECT_TRUE(cns->contains(k_deep));
}

TEST(LineageCache, CheapLargeValuesAreCachedOnTheirSecondOccurrence) {
    // 100x100 doubles (80 KB) computed in 1 us: produced at 80 GB/s, cheaper to recompute than to keep.
    auto big = linea::Value(linea::kernels::fill(100, 100, 1.0));
    linea::lineage::Cache c(100u << 20);
    ItemPtr cheap = op("cheap", {}), costly = op("costly", {});
    c.put(cheap, big, 1e-6);
    EXPECT_FALSE(c.contains(cheap));
    EXPECT_EQ(c.stats().delayed, 1);
    c.put(cheap, big, 1e-6); // its lineage came around again: now it is kept
    EXPECT_TRUE(c.contains(cheap));
    c.put(costly, big, 0.5); // expensive values are kept at once
    EXPECT_TRUE(c.contains(costly));
    // Small values are always kept.
    ItemPtr small = op("small", {});
    c.put(small, linea::Value(linea::kernels::fill(2, 2, 1.0)), 1e-9);
    EXPECT_TRUE(c.contains(small));
}

TEST(LineageCache, ManyEntriesEvictInRoundsAndStayWithinTheBudget) {
    const size_t entry = 8 * 100 + 64;
    linea::lineage::Cache c(100 * entry);
    for (int i = 0; i < 1000; ++i)
        c.put(op("v" + std::to_string(i), {}), linea::Value(linea::kernels::fill(10, 10, i)),
              1e-3 * (i % 7 + 1));
    const auto st = c.stats();
    EXPECT_LE(st.entries, 100);
    EXPECT_GE(st.entries, 85); // a round frees a tenth of the budget, not more
    EXPECT_TRUE(c.contains(op("v999", {})));
}

struct ReuseRun {
    std::string out;
    linea::rt::RuntimeStats stats;
    linea::lineage::CacheStats cache;
};

ReuseRun run_reuse(const std::string &text, bool reuse, bool multilevel = false) {
    auto cp = linea::test::compile_text(text);
    ReuseRun r;
    std::ostringstream out;
    linea::rt::RuntimeOptions ro;
    ro.lineage = true;
    ro.seed = 11;
    ro.reuse = !reuse       ? linea::lineage::ReuseMode::None
               : multilevel ? linea::lineage::ReuseMode::MultiLevel
                            : linea::lineage::ReuseMode::Full;
    linea::lineage::Cache cache(size_t{1} << 30);
    linea::rt::ExecContext ctx(*cp->runtime, out, r.stats, ro);
    if (reuse) ctx.set_cache(&cache);
    linea::rt::run_program(*cp->runtime, ctx);
    r.out = out.str();
    r.cache = cache.stats();
    return r;
}

const char *kGrid = "X = rand(rows=200, cols=20, seed=1)\ny = rand(rows=200, cols=1, seed=2)\n"
                    "for (k in 1:20) {\n  lambda = k * 0.1\n  A = t(X) %*% X + diag(matrix(lambda, 20, 1))\n"
                    "  b = t(X) %*% y\n  beta = solve(A, b)\n  print(sum(beta))\n}\n";

TEST(Reuse, LambdaGridComputesTheGramMatrixOnce) {
    ReuseRun off = run_reuse(kGrid, false), on = run_reuse(kGrid, true);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(linea::test::executed(off.stats, "tsmm"), 20);
    EXPECT_EQ(linea::test::executed(on.stats, "tsmm"), 1);
    EXPECT_EQ(linea::test::executed(on.stats, "solve"), 20); // different lambdas: no reuse
    EXPECT_GE(on.cache.hits_mem, 38);                        // t(X)%*%X and t(X)%*%y, 19 times each
}

TEST(Reuse, UnseededRandomDrawsAreNeverReused) {
    ReuseRun on =
        run_reuse("for (i in 1:3) {\n  A = rand(rows=50, cols=50)\n  print(sum(t(A) %*% A) > 0)\n}\n", true);
    EXPECT_EQ(linea::test::executed(on.stats, "tsmm"), 3);
    ReuseRun seeded = run_reuse(
        "for (i in 1:3) {\n  A = rand(rows=50, cols=50, seed=5)\n  print(sum(t(A) %*% A) > 0)\n}\n", true);
    // Reused: once, or twice when the 20 KB product was fast enough to be cached only on its second
    // occurrence (delayed caching of cheap values).
    EXPECT_LE(linea::test::executed(seeded.stats, "tsmm"), 2);
    EXPECT_GE(linea::test::executed(seeded.stats, "tsmm"), 1);
}

TEST(Reuse, FunctionArgumentsCarryLineage) {
    const char *s = "f = function(Matrix[Double] X) return (Matrix[Double] G) {\n  G = t(X) %*% X\n"
                    "  if (sum(G) < -1) { G = G * 2 }\n}\nX = rand(rows=30, cols=4, seed=3)\n"
                    "for (i in 1:5) { G = f(X)\n print(sum(G)) }\n";
    ReuseRun on = run_reuse(s, true), off = run_reuse(s, false);
    EXPECT_EQ(on.out, off.out);
    EXPECT_EQ(linea::test::executed(on.stats, "tsmm"), 1);
}

TEST(Reuse, MultiLevelSkipsRepeatedFunctionCalls) {
    const char *s =
        "f = function(Matrix[Double] X, Double reg) return (Matrix[Double] B, Double n) {\n"
        "  B = solve(t(X) %*% X + diag(matrix(reg, ncol(X), 1)), t(X) %*% rowSums(X))\n  n = sum(B)\n"
        "  if (n < -1e300) { n = 0 }\n}\nX = rand(rows=40, cols=5, seed=3)\n"
        "for (i in 1:20) {\n  [B, n] = f(X, 0.5)\n  print(n)\n}\n[B, n] = f(X, 0.25)\nprint(n)\n";
    ReuseRun ml = run_reuse(s, true, true), off = run_reuse(s, false);
    EXPECT_EQ(ml.out, off.out);
    EXPECT_EQ(ml.cache.ml_fn, 19);
    EXPECT_EQ(ml.stats.function_calls, 1 + 1 + 1); // main, the first call with 0.5, the call with 0.25
    // A function that draws random numbers is never skipped.
    const char *r = "g = function(Integer k) return (Double s) { s = sum(rand(rows=k, cols=k))\n"
                    "  if (s < -1) { s = 0 } }\nfor (i in 1:5) { x = g(3) }\nprint(x > 0)\n";
    ReuseRun rr = run_reuse(r, true, true);
    EXPECT_EQ(rr.cache.ml_fn, 0);
}

TEST(Reuse, MultiLevelSkipsRepeatedStatementBlocks) {
    // The loop body's first block (a Gram matrix, its regularised form and a solve; no prints) depends only
    // on X and y, not on i: from the 2nd iteration on the whole block is bound from the cache.
    const char *s =
        "X = rand(rows=400, cols=60, seed=3)\ny = rand(rows=400, cols=1, seed=4)\n"
        "for (i in 1:20) {\n  G = t(X) %*% X\n  A = G + diag(matrix(0.5, 60, 1))\n"
        "  B = solve(A, t(X) %*% y)\n  r = sum(B)\n  print(r + i)\n  print(lineage(B) != \"\")\n}\n";
    ReuseRun ml = run_reuse(s, true, true), off = run_reuse(s, false);
    EXPECT_EQ(ml.out, off.out);
    EXPECT_GE(ml.cache.ml_sb, 18); // 19, or 18 if one output was admitted only on its 2nd occurrence
    EXPECT_LE(linea::test::executed(ml.stats, "solve"), 2);
    EXPECT_EQ(linea::test::executed(off.stats, "solve"), 20);
    // A hit binds the outputs' instruction-level lineage: the trace is the same as with full reuse.
    const char *t = "X = rand(rows=400, cols=60, seed=3)\nfor (i in 1:3) {\n  G = t(X) %*% X\n"
                    "  B = solve(G + diag(matrix(1, 60, 1)), rowSums(G))\n  s = sum(B)\n"
                    "  print(lineage(B))\n}\n";
    ReuseRun tml = run_reuse(t, true, true), tfull = run_reuse(t, true);
    EXPECT_EQ(tml.out, tfull.out);
}

TEST(Lineage, UnseededDrawsRecordTheirSeed) {
    // Tracing draws the seed itself and records it; the data is the same as without tracing.
    ReuseRun traced = run_reuse("X = rand(rows=3, cols=3)\nprint(sum(X))\nprint(lineage(X))\n", false);
    EXPECT_NE(traced.out.find("rand rand seed="), std::string::npos) << traced.out;
    auto cp = linea::test::compile_text("X = rand(rows=3, cols=3)\nprint(sum(X))\n");
    std::ostringstream plain;
    linea::rt::RuntimeStats st;
    linea::rt::RuntimeOptions ro;
    ro.seed = 11;
    linea::rt::ExecContext ctx(*cp->runtime, plain, st, ro);
    linea::rt::run_program(*cp->runtime, ctx);
    EXPECT_EQ(traced.out.substr(0, traced.out.find('\n') + 1), plain.str());
}

TEST(Lineage, TraceAsText) {
    ReuseRun r = run_reuse("X = matrix(1, 2, 2)\nY = t(X) %*% X + 1\nprint(lineage(Y))\n", false);
    EXPECT_NE(r.out.find("tsmm"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rand"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("L i:1"), std::string::npos) << r.out;
}

} // namespace

namespace {

std::string temp_path(const std::string &name) {
    return (std::filesystem::temp_directory_path() /
            ("linea_lineage_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

TEST(Lineage, FileReadsAreReusedUntilTheFileChanges) {
    const std::string f = temp_path("read.csv");
    for (const char *fmt : {"csv", "binary"}) {
        std::string write = std::string("write(A, \"") + f + "\", format=\"" + fmt + "\")\n";
        std::string read = "B = read(\"" + f + "\")\n";
        // Same file twice: the second read is a hit (its item carries the file's fingerprint).
        std::string same = "A = matrix(\"1 2 3 4\", 2, 2)\n" + write + read + "print(sum(B))\n" +
                           "C = read(\"" + f + "\")\nprint(sum(C))\n";
        ReuseRun r = run_reuse(same, true);
        EXPECT_EQ(r.out, "10.0\n10.0\n") << fmt;
        EXPECT_EQ(linea::test::executed(r.stats, "read"), 1) << fmt;
        // Rewritten between the reads (same size, same shape): never confused with the old file.
        std::string changed = "A = matrix(\"1 2 3 4\", 2, 2)\n" + write + read + "print(sum(B))\n" +
                              "A = matrix(\"5 6 7 8\", 2, 2)\n" + write + "C = read(\"" + f +
                              "\")\nprint(sum(C))\n";
        ReuseRun c = run_reuse(changed, true);
        EXPECT_EQ(c.out, "10.0\n26.0\n") << fmt;
        EXPECT_EQ(linea::test::executed(c.stats, "read"), 2) << fmt;
        std::filesystem::remove_all(f);
        std::filesystem::remove(f + ".mtd");
    }
    // The trace names the fingerprint.
    ReuseRun t = run_reuse("A = matrix(1, 2, 2)\nwrite(A, \"" + f + "\", format=\"csv\")\nB = read(\"" + f +
                               "\")\nprint(lineage(B))\n",
                           false);
    EXPECT_NE(t.out.find(" fp="), std::string::npos) << t.out;
    std::filesystem::remove_all(f);
    std::filesystem::remove(f + ".mtd");
}

} // namespace

namespace {

TEST(LineageCache, ConcurrentWorkersComputeAnItemOnce) {
    linea::lineage::Cache cache(size_t{1} << 20);
    std::atomic<int> computed{0}, got{0};
    auto worker = [&] {
        ItemPtr key = op("tsmm", {Item::literal("s:X")}); // equal items, distinct objects per thread
        while (true) {
            std::optional<linea::Value> v = cache.acquire(key);
            if (v) {
                if (v->matrix()->get(0, 0) == 7.0) got++;
                return;
            }
            ++computed;
            std::this_thread::sleep_for(std::chrono::milliseconds(50)); // an expensive computation
            linea::Value m(linea::kernels::fill(10, 10, 7.0));
            cache.put(key, m, 0.05);
            got++;
            return;
        }
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) threads.emplace_back(worker);
    for (auto &t : threads) t.join();
    EXPECT_EQ(computed.load(), 1);
    EXPECT_EQ(got.load(), 6);
    EXPECT_EQ(cache.pending(), 0u);
    EXPECT_EQ(cache.stats().hits_mem, 5);

    // The first computation fails: another worker takes over, all others receive its result.
    linea::lineage::Cache c2(size_t{1} << 20);
    computed = 0;
    got = 0;
    std::vector<std::thread> t2;
    auto worker2 = [&] {
        ItemPtr key = op("tsmm", {Item::literal("s:Y")});
        while (true) {
            std::optional<linea::Value> v = c2.acquire(key);
            if (v) {
                got++;
                return;
            }
            const int n = ++computed;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (n == 1) {
                c2.abandon(key); // failed: the waiters must not hang, one of them computes instead
                return;
            }
            c2.put(key, linea::Value(linea::kernels::fill(10, 10, 7.0)), 0.05);
            got++;
            return;
        }
    };
    for (int i = 0; i < 5; ++i) t2.emplace_back(worker2);
    for (auto &t : t2) t.join();
    EXPECT_EQ(computed.load(), 2);
    EXPECT_EQ(got.load(), 4);
    EXPECT_EQ(c2.pending(), 0u);

    // A value larger than the budget is not cached, but waiting workers still receive it.
    linea::lineage::Cache tiny(100);
    computed = 0;
    got = 0;
    std::vector<std::thread> t3;
    for (int i = 0; i < 4; ++i)
        t3.emplace_back([&] {
            ItemPtr key = op("ba+*", {Item::literal("s:Z")});
            std::optional<linea::Value> v = tiny.acquire(key);
            if (!v) {
                ++computed;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                tiny.put(key, linea::Value(linea::kernels::fill(10, 10, 7.0)), 0.05);
            }
            got++;
        });
    for (auto &t : t3) t.join();
    EXPECT_EQ(computed.load(), 1);
    EXPECT_EQ(got.load(), 4);
    EXPECT_EQ(tiny.stats().entries, 0);
}

} // namespace

namespace {

TEST(LineageCache, MultiOutputGroupsAreHitWholeOrNotAtAll) {
    linea::lineage::Cache cache(3 * (8 * 100 + 64), linea::lineage::EvictionPolicy::Lru,
                                linea::lineage::SpillMode::Never);
    auto m = [](double v) { return linea::Value(linea::kernels::fill(10, 10, v)); };
    ItemPtr key = op("eigen", {Item::literal("s:C")});
    EXPECT_FALSE(cache.acquire_group(key, 2).has_value()); // a placeholder for this thread
    EXPECT_EQ(cache.pending(), 1u);
    cache.put_group(key, {m(1), m(2)}, 1.0);
    EXPECT_EQ(cache.pending(), 0u);
    std::optional<std::vector<linea::Value>> hit =
        cache.acquire_group(op("eigen", {Item::literal("s:C")}), 2);
    ASSERT_TRUE(hit.has_value());
    ASSERT_EQ(hit->size(), 2u);
    EXPECT_EQ((*hit)[0].matrix()->get(0, 0), 1.0);
    EXPECT_EQ((*hit)[1].matrix()->get(0, 0), 2.0);
    EXPECT_EQ(cache.stats().hits_mem, 1); // one hit per instruction
    EXPECT_EQ(cache.stats().bytes, 2 * (8 * 100 + 64));
    // Another shape never yields a partial hit (and takes no placeholder).
    EXPECT_FALSE(cache.acquire_group(key, 3).has_value());
    EXPECT_EQ(cache.pending(), 0u);
    // Eviction drops the whole group: both outputs go together.
    cache.put(op("a", {}), m(3), 1.0);
    cache.put(op("b", {}), m(4), 1.0);
    auto s = cache.stats();
    EXPECT_EQ(s.entries, 2);
    EXPECT_EQ(s.writes_del, 1);
    EXPECT_FALSE(cache.contains(key));
    EXPECT_FALSE(cache.acquire_group(key, 2).has_value());
    cache.abandon(key);
    EXPECT_EQ(cache.pending(), 0u);
}

TEST(LineageCache, ConcurrentWorkersComputeAGroupOnce) {
    linea::lineage::Cache cache(size_t{1} << 20);
    std::atomic<int> computed{0}, got{0};
    auto worker = [&] {
        ItemPtr key = op("svd", {Item::literal("s:X")});
        std::optional<std::vector<linea::Value>> v = cache.acquire_group(key, 3);
        if (v) {
            if (v->size() == 3 && (*v)[2].matrix()->get(0, 0) == 9.0) got++;
            return;
        }
        ++computed;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        cache.put_group(key,
                        {linea::Value(linea::kernels::fill(2, 2, 7.0)),
                         linea::Value(linea::kernels::fill(2, 2, 8.0)),
                         linea::Value(linea::kernels::fill(2, 2, 9.0))},
                        0.05);
        got++;
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back(worker);
    for (auto &t : threads) t.join();
    EXPECT_EQ(computed.load(), 1);
    EXPECT_EQ(got.load(), 4);
    EXPECT_EQ(cache.pending(), 0u);
}

const char *kDecomp =
    "X = rand(rows=60, cols=12, seed=7)\nC = t(X) %*% X\n"
    "for (k in 1:8) {\n  [evals, evecs] = eigen(C)\n  [U, S, V] = svd(X)\n"
    "  [Q, R] = qr(X)\n  [P, L, W] = lu(C)\n"
    "  print(toString(evals[1:2,] * k) + toString(S[1:2,]) + toString(Q[1,1:2]) + "
    "toString(W[1,1:2]))\n  print(sum(evecs) + sum(U) + sum(V) + sum(R) + sum(P) + sum(L))\n}\n";

TEST(Reuse, MultiOutputDecompositionsAreComputedOnce) {
    ReuseRun off = run_reuse(kDecomp, false), on = run_reuse(kDecomp, true);
    EXPECT_EQ(on.out, off.out);
    // eigen's outputs (12x12, 12x1) are small: cached at once. The larger groups are cached at once, or on
    // their second occurrence when they were fast enough to count as cheap (delayed caching).
    EXPECT_EQ(linea::test::executed(on.stats, "eigen"), 1);
    for (const char *opcode : {"eigen", "svd", "qr", "lu"}) {
        EXPECT_EQ(linea::test::executed(off.stats, opcode), 8) << opcode;
        EXPECT_LE(linea::test::executed(on.stats, opcode), 2) << opcode;
    }
    EXPECT_GE(on.cache.hits_mem, 4 * 6);
}

} // namespace
