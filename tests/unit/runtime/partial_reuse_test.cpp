// Partial reuse: every script in tests/scripts/partial_reuse/ runs with -lineage reuse_partial, must print
// what it prints without lineage (to 1e-9), and must count the compensations its `# rewrites: N` header
// states in `LinCache Rewrites`.
#include "../compiler/compile_util.h"
#include "compiler/driver/engine_options.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

namespace {

namespace fs = std::filesystem;

struct ReuseResult {
    std::string out;
    linea::lineage::CacheStats cache;
    linea::rt::RuntimeStats stats;
    int compiler_blocks = 0; ///< gram_of_cbind_blocks applications at compile time
};

ReuseResult run_with(const std::string &text, const std::string &options) {
    linea::EngineOptions eo = linea::parse_engine_options(options + " -seed 7");
    // Compile options follow the engine options (-lineage reuse_partial enables gram_of_cbind_blocks).
    linea::CompileOptions co = linea::compile_options(eo);
    co.builtin_dir = LINEA_SOURCE_DIR "/scripts/builtin";
    co.rewrites.verify = true;
    auto cp = linea::compile_script(std::make_shared<const linea::SourceFile>("test.dml", text), co);
    std::unique_ptr<linea::lineage::Cache> cache = linea::make_cache(eo);
    std::ostringstream out;
    linea::rt::RuntimeStats stats;
    linea::rt::ExecContext ctx(*cp->runtime, out, stats, linea::runtime_options(eo));
    ctx.set_cache(cache.get());
    linea::rt::run_program(*cp->runtime, ctx);
    ReuseResult r;
    r.out = out.str();
    r.stats = stats;
    auto fired = cp->rewrite_stats.fired.find("gram_of_cbind_blocks");
    r.compiler_blocks = fired == cp->rewrite_stats.fired.end() ? 0 : fired->second;
    if (cache) r.cache = cache->stats();
    return r;
}

/// Equal token by token, numbers to a relative 1e-9.
void expect_close(const std::string &a, const std::string &b) {
    std::istringstream sa(a), sb(b);
    std::vector<std::string> ta{std::istream_iterator<std::string>(sa), {}},
        tb{std::istream_iterator<std::string>(sb), {}};
    ASSERT_EQ(ta.size(), tb.size()) << a << "\n---\n" << b;
    for (size_t i = 0; i < ta.size(); ++i) {
        if (ta[i] == tb[i]) continue;
        const double x = std::stod(ta[i]), y = std::stod(tb[i]);
        EXPECT_LE(std::abs(x - y), 1e-9 * std::max({1.0, std::abs(x), std::abs(y)}))
            << ta[i] << " vs " << tb[i];
    }
}

std::vector<std::string> scripts() {
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(fs::path(LINEA_TEST_DATA_DIR) / "scripts" / "partial_reuse"))
        if (e.path().extension() == ".dml") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string read(const std::string &path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(PartialReuse, EveryScriptMatchesNoReuseAndCountsItsRewrites) {
    const auto files = scripts();
    ASSERT_GE(files.size(), 12u);
    for (const std::string &f : files) {
        SCOPED_TRACE(f);
        const std::string text = read(f);
        std::smatch m;
        ASSERT_TRUE(std::regex_search(text, m, std::regex("# rewrites: (\\d+)")))
            << "no '# rewrites: N' header";
        const int64_t expected = std::stoll(m[1]);
        // The runtime plans alone (the compiler's block form would leave them nothing to do)...
        const char *runtime_only = " -rewrites -gram_of_cbind_blocks";
        ReuseResult none = run_with(text, "-lineage none"),
                    partial = run_with(text, std::string("-lineage reuse_partial") + runtime_only),
                    hybrid = run_with(text, std::string("-lineage reuse_hybrid") + runtime_only),
                    full = run_with(text, "-lineage reuse_full"),
                    // ... and with compiler assistance.
            assisted = run_with(text, "-lineage reuse_partial");
        expect_close(partial.out, none.out);
        expect_close(hybrid.out, none.out);
        expect_close(assisted.out, none.out);
        EXPECT_EQ(full.compiler_blocks, 0);
        EXPECT_EQ(partial.cache.rewrites, expected);
        EXPECT_EQ(hybrid.cache.rewrites, expected);
        EXPECT_EQ(full.cache.rewrites, 0); // full reuse alone never compensates
    }
}

TEST(PartialReuse, OptionsSelectTheModes) {
    linea::EngineOptions p = linea::parse_engine_options("-lineage reuse_partial");
    EXPECT_TRUE(linea::runtime_options(p).partial_reuse);
    EXPECT_EQ(linea::runtime_options(p).reuse, linea::lineage::ReuseMode::Full);
    linea::EngineOptions h = linea::parse_engine_options("-lineage reuse_hybrid");
    EXPECT_TRUE(linea::runtime_options(h).partial_reuse);
    EXPECT_EQ(linea::runtime_options(h).reuse, linea::lineage::ReuseMode::MultiLevel);
    EXPECT_FALSE(linea::runtime_options(linea::parse_engine_options("-lineage reuse_full")).partial_reuse);
    EXPECT_FALSE(
        linea::runtime_options(linea::parse_engine_options("-lineage reuse_partial none")).partial_reuse);
}

TEST(PartialReuse, CompensatedResultsAreCachedUnderTheirOwnLineage) {
    // The second identical product is a plain hit on the compensated result, not a second rewrite.
    const char *s = "X = rand(rows=50, cols=5, seed=1)\nZ = rand(rows=50, cols=3, seed=2)\n"
                    "G = t(X) %*% X\nprint(sum(G))\nfor (i in 1:3) {\n"
                    "  B = t(cbind(X, Z[,2])) %*% cbind(X, Z[,2])\n  print(sum(B))\n}\n";
    ReuseResult r = run_with(s, "-lineage reuse_partial -rewrites -gram_of_cbind_blocks"),
                none = run_with(s, "-lineage none");
    expect_close(r.out, none.out);
    EXPECT_EQ(r.cache.rewrites, 1);
    EXPECT_GE(r.cache.hits_mem, 2);
}

const char *kSweep = "X = rand(rows=300, cols=6, seed=1)\nZ = rand(rows=300, cols=4, seed=2)\ns = 0\n"
                     "for (i in 1:4) {\n  S = t(cbind(X, Z[,i])) %*% cbind(X, Z[,i])\n  s = s + sum(S)\n"
                     "  print(toString(S[6:7,], decimal=10))\n}\nprint(s)\n";

TEST(PartialReuse, CompilerAssistanceBuildsTheGramMatrixFromBlocks) {
    ReuseResult none = run_with(kSweep, "-lineage none"),
                assisted = run_with(kSweep, "-lineage reuse_partial"),
                hybrid = run_with(kSweep, "-lineage reuse_hybrid"),
                full = run_with(kSweep, "-lineage reuse_full");
    expect_close(assisted.out, none.out);
    expect_close(hybrid.out, none.out);
    EXPECT_GE(assisted.compiler_blocks, 1);
    EXPECT_GE(hybrid.compiler_blocks, 1);
    EXPECT_EQ(full.compiler_blocks, 0);
    EXPECT_EQ(none.compiler_blocks, 0);
    // cbind(X, Z[,i]) is never materialised (the only cbinds left join blocks of the result, 2 per
    // iteration), and t(X)%*%X is computed once and then hit from the cache.
    EXPECT_EQ(linea::test::executed(full.stats, "cbind"), 4);
    EXPECT_EQ(linea::test::executed(assisted.stats, "cbind"), 8);
    EXPECT_GE(assisted.cache.hits_mem, 3);
    // t(X) %*% Z[,i]: the first runs as it is, the second computes and caches the batch t(X) %*% Z
    // (mm_col_slice_batch), the others are slices of it (mm_col_slice).
    EXPECT_EQ(assisted.cache.rewrites, 3);
}

TEST(PartialReuse, RuntimePlanBatchesTheSweepsProducts) {
    // Runtime plans only: from the second candidate on, tsmm_cbind takes t(X) %*% Z[,i] from one cached
    // t(X) %*% Z, which a later explicit t(X) %*% Z then hits.
    const std::string s =
        "X = rand(rows=300, cols=6, seed=1)\nZ = rand(rows=300, cols=4, seed=2)\n"
        "print(sum(t(X) %*% X))\nfor (i in 1:4) {\n"
        "  S = t(cbind(X, Z[,i])) %*% cbind(X, Z[,i])\n  print(toString(S[6:7,], decimal=10))\n}\n"
        "P = t(X) %*% Z\nprint(toString(P, decimal=10))\n";
    ReuseResult none = run_with(s, "-lineage none"),
                partial = run_with(s, "-lineage reuse_partial -rewrites -gram_of_cbind_blocks");
    expect_close(partial.out, none.out);
    EXPECT_EQ(partial.cache.rewrites, 4);
    EXPECT_EQ(partial.cache.hits_mem, 1);
    // Without a sweep (one candidate) nothing is batched: the product is computed.
    const std::string one = "X = rand(rows=300, cols=6, seed=1)\nZ = rand(rows=300, cols=4, seed=2)\n"
                            "print(sum(t(X) %*% X))\nfor (i in 1:1) {\n  S = t(cbind(X, Z[,i])) %*% cbind(X, "
                            "Z[,i])\n  print(sum(S))\n}\n"
                            "P = t(X) %*% Z\nprint(sum(P))\n";
    EXPECT_EQ(run_with(one, "-lineage reuse_partial -rewrites -gram_of_cbind_blocks").cache.hits_mem, 0);
}

TEST(PartialReuse, CompilerAssistanceLeavesWideExtensionsAlone) {
    // D wider than X: the block form would not save the product's work; the rule must not fire.
    const char *s = "X = rand(rows=50, cols=2, seed=1)\nD = rand(rows=50, cols=5, seed=2)\n"
                    "print(sum(t(cbind(X, D)) %*% cbind(X, D)))\n";
    ReuseResult none = run_with(s, "-lineage none"), assisted = run_with(s, "-lineage reuse_partial");
    expect_close(assisted.out, none.out);
    EXPECT_EQ(assisted.compiler_blocks, 0);
    // -rewrites -gram_of_cbind_blocks switches it off under partial reuse too.
    EXPECT_EQ(run_with(kSweep, "-lineage reuse_partial -rewrites -gram_of_cbind_blocks").compiler_blocks, 0);
}

TEST(PartialReuse, LoopDependentIntermediatesAreNotCached) {
    // cbind(X, Z[,i]), Z[,i] and everything after them change with i: never cached. t(X)%*%X is cached once
    // and hit in every later iteration; under partial reuse the Gram matrices stay (compensation relatives).
    const char *s = "X = rand(rows=80, cols=4, seed=1)\nZ = rand(rows=80, cols=5, seed=2)\nt = 0\n"
                    "for (i in 1:5) {\n  G = t(X) %*% X\n  S = t(cbind(X, Z[,i])) %*% cbind(X, Z[,i])\n"
                    "  t = t + sum(S) + sum(G)\n}\nprint(t)\n";
    ReuseResult none = run_with(s, "-lineage none"), full = run_with(s, "-lineage reuse_full"),
                partial = run_with(s, "-lineage reuse_partial -rewrites -gram_of_cbind_blocks");
    expect_close(full.out, none.out);
    expect_close(partial.out, none.out);
    EXPECT_EQ(full.cache.writes_mem, 1);
    EXPECT_EQ(full.cache.hits_mem, 4);
    // ... and, from the second candidate on, the batch t(X) %*% Z that serves t(X) %*% Z[,i].
    EXPECT_EQ(partial.cache.writes_mem, 1 + 5 + 1);
    EXPECT_EQ(partial.cache.rewrites, 5); // every S from t(X)%*%X (tsmm_cbind)
    // Nested loops: the inner variable repeats over the outer iterations, so what depends on it alone is
    // kept.
    const char *n = "Z = rand(rows=30, cols=3, seed=2)\nt = 0\nfor (o in 1:3) {\n  for (j in 1:3) {\n"
                    "    t = t + sum(t(Z[,j]) %*% Z)\n  }\n}\nprint(t)\n";
    ReuseResult nested = run_with(n, "-lineage reuse_full");
    expect_close(nested.out, run_with(n, "-lineage none").out);
    EXPECT_GE(nested.cache.hits_mem, 6);
}

TEST(PartialReuse, ABindReadOnlyByAServedGramMatrixIsNeverFormed) {
    // Runtime plans only: cbind(X, Z[,i]) is read by the Gram matrix alone, which tsmm_cbind serves from
    // the bind's parts (X and Z[,i]): the n x (p+1) matrix is never formed, in any iteration.
    const char *runtime_only = "-lineage reuse_partial -rewrites -gram_of_cbind_blocks";
    const std::string s = "X = rand(rows=300, cols=6, seed=1)\nZ = rand(rows=300, cols=4, seed=2)\n"
                          "print(sum(t(X) %*% X))\nfor (i in 1:4) {\n"
                          "  S = t(cbind(X, Z[,i])) %*% cbind(X, Z[,i])\n"
                          "  print(toString(S, decimal=10))\n}\n";
    ReuseResult none = run_with(s, "-lineage none"), partial = run_with(s, runtime_only),
                hybrid = run_with(s, "-lineage reuse_hybrid -rewrites -gram_of_cbind_blocks");
    expect_close(partial.out, none.out);
    expect_close(hybrid.out, none.out);
    EXPECT_EQ(linea::test::executed(none.stats, "cbind"), 4);
    EXPECT_EQ(partial.cache.rewrites, 4);
    EXPECT_EQ(partial.cache.binds_skipped, 4);
    EXPECT_EQ(linea::test::executed(partial.stats, "cbind"), 0);
    EXPECT_EQ(hybrid.cache.binds_skipped, 4);
    // Full reuse has no plans: nothing waits.
    EXPECT_EQ(run_with(s, "-lineage reuse_full").cache.binds_skipped, 0);
}

TEST(PartialReuse, ABindWithASecondReaderOrWithoutARelativeIsFormed) {
    const char *runtime_only = "-lineage reuse_partial -rewrites -gram_of_cbind_blocks";
    // The bind's value is also summed: it is formed (once) and the plan still serves the Gram matrix.
    const std::string two = "X = rand(rows=300, cols=6, seed=1)\nZ = rand(rows=300, cols=4, seed=2)\n"
                            "print(sum(t(X) %*% X))\nfor (i in 1:3) {\n"
                            "  S = t(cbind(X, Z[,i])) %*% cbind(X, Z[,i]) + sum(cbind(X, Z[,i]))\n"
                            "  print(toString(S, decimal=10))\n}\n";
    ReuseResult none = run_with(two, "-lineage none"), partial = run_with(two, runtime_only);
    expect_close(partial.out, none.out);
    EXPECT_EQ(partial.cache.rewrites, 3);
    EXPECT_EQ(partial.cache.binds_skipped, 0);
    EXPECT_EQ(linea::test::executed(partial.stats, "cbind"), 3);
    // No cached t(X) %*% X: the bind waits, no plan applies, it runs before the product.
    const std::string absent = "X = rand(rows=300, cols=6, seed=1)\nD = rand(rows=300, cols=2, seed=2)\n"
                               "S = t(cbind(X, D)) %*% cbind(X, D)\nprint(toString(S, decimal=10))\n";
    none = run_with(absent, "-lineage none");
    partial = run_with(absent, runtime_only);
    expect_close(partial.out, none.out);
    EXPECT_EQ(partial.cache.rewrites, 0);
    EXPECT_EQ(partial.cache.binds_skipped, 0);
    EXPECT_EQ(linea::test::executed(partial.stats, "cbind"), 1);
    // A plan that needs the bind's value (colSums of cbind(X, 1) over a materialized operand is not one
    // of them; a cell-wise product of two binds is): the bind runs inside the plan, once.
    const std::string cellwise = "X = rand(rows=30, cols=4, seed=1)\nY = rand(rows=30, cols=4, seed=2)\n"
                                 "D = rand(rows=30, cols=2, seed=3)\nP = X * Y\nprint(sum(P))\n"
                                 "Q = cbind(X, D) * cbind(Y, D)\nprint(toString(Q, decimal=10))\n";
    none = run_with(cellwise, "-lineage none");
    partial = run_with(cellwise, runtime_only);
    expect_close(partial.out, none.out);
    EXPECT_EQ(partial.cache.rewrites, 1);
    EXPECT_EQ(linea::test::executed(partial.stats, "cbind"), 2);
}

TEST(PartialReuse, AnRbindReadOnlyByAServedGramMatrixIsNeverFormed) {
    const std::string s = "X = rand(rows=40, cols=5, seed=1)\nD = rand(rows=7, cols=5, seed=2)\n"
                          "G = t(X) %*% X\nprint(sum(G))\nS = t(rbind(X, D)) %*% rbind(X, D)\n"
                          "print(toString(S, decimal=10))\n";
    ReuseResult none = run_with(s, "-lineage none"),
                partial = run_with(s, "-lineage reuse_partial -rewrites -gram_of_cbind_blocks");
    expect_close(partial.out, none.out);
    EXPECT_EQ(partial.cache.rewrites, 1);
    EXPECT_EQ(partial.cache.binds_skipped, 1);
    EXPECT_EQ(linea::test::executed(partial.stats, "rbind"), 0);
}

TEST(PartialReuse, DeferredBindsInParforWorkers) {
    // Each worker defers its own binds; results equal no reuse whatever the plans do.
    const std::string s = "X = rand(rows=200, cols=5, seed=1)\nZ = rand(rows=200, cols=8, seed=2)\n"
                          "print(sum(t(X) %*% X))\nR = matrix(0, 8, 1)\nparfor (i in 1:8) {\n"
                          "  S = t(cbind(X, Z[,i])) %*% cbind(X, Z[,i])\n  R[i, 1] = sum(S[6, ])\n}\n"
                          "print(toString(R, decimal=10))\n";
    ReuseResult none = run_with(s, "-lineage none"),
                partial = run_with(s, "-lineage reuse_partial -rewrites -gram_of_cbind_blocks");
    expect_close(partial.out, none.out);
    EXPECT_EQ(partial.cache.binds_skipped + linea::test::executed(partial.stats, "cbind"), 8);
}

} // namespace
