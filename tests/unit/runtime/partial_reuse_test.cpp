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
};

ReuseResult run_with(const std::string &text, const std::string &options) {
    auto cp = linea::test::compile_text(text);
    linea::EngineOptions eo = linea::parse_engine_options(options + " -seed 7");
    std::unique_ptr<linea::lineage::Cache> cache = linea::make_cache(eo);
    std::ostringstream out;
    linea::rt::RuntimeStats stats;
    linea::rt::ExecContext ctx(*cp->runtime, out, stats, linea::runtime_options(eo));
    ctx.set_cache(cache.get());
    linea::rt::run_program(*cp->runtime, ctx);
    ReuseResult r;
    r.out = out.str();
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
        ReuseResult none = run_with(text, "-lineage none"),
                    partial = run_with(text, "-lineage reuse_partial"),
                    hybrid = run_with(text, "-lineage reuse_hybrid"),
                    full = run_with(text, "-lineage reuse_full");
        expect_close(partial.out, none.out);
        expect_close(hybrid.out, none.out);
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
    ReuseResult r = run_with(s, "-lineage reuse_partial"), none = run_with(s, "-lineage none");
    expect_close(r.out, none.out);
    EXPECT_EQ(r.cache.rewrites, 1);
    EXPECT_GE(r.cache.hits_mem, 2);
}

} // namespace
