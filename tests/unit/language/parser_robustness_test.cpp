// Robustness of the parser: every truncation (every 7th byte) and random byte flips of real and sample
// scripts must either parse or throw DmlError -- never crash, hang or throw anything else.
#include "language/parser.h"
#include "sample_scripts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace linea {
namespace {

namespace fs = std::filesystem;

struct Corpus {
    std::vector<std::pair<std::string, std::string>> files; ///< (name, text)
};

Corpus collect_corpus() {
    Corpus c;
    std::vector<fs::path> roots = {fs::path(LINEA_TEST_DATA_DIR) / "scripts",
                                   fs::path(LINEA_SOURCE_DIR) / "scripts"};
    std::vector<fs::path> found;
    for (const fs::path &root : roots) {
        std::error_code ec;
        if (!fs::is_directory(root, ec)) continue;
        for (auto it =
                 fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file(ec) && it->path().extension() == ".dml") found.push_back(it->path());
        }
    }
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    for (const fs::path &p : found) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        c.files.emplace_back(p.string(), ss.str());
    }
    // The built-in samples always run, so the test is meaningful before any script exists.
    int i = 0;
    for (const std::string &s : test::sample_scripts())
        c.files.emplace_back("sample" + std::to_string(++i), s);
    return c;
}

/// Parses `text`; returns an empty string on success or DmlError, else a description of the failure.
std::string try_parse(const std::string &name, const std::string &text, const ParseOptions &opts) {
    try {
        parse_program(std::make_shared<SourceFile>(name, text), opts);
    } catch (const DmlError &) {
    } catch (const std::exception &e) {
        return std::string("unexpected exception: ") + e.what();
    } catch (...) {
        return "unexpected non-standard exception";
    }
    return {};
}

TEST(ParserRobustness, TruncationsAndByteFlips) {
    Corpus corpus = collect_corpus();
    ASSERT_FALSE(corpus.files.empty());
    std::mt19937_64 rng(20240611);
    size_t attempts = 0;
    for (const auto &[name, text] : corpus.files) {
        ParseOptions opts;
        opts.args = {{"1", "3"}, {"name", "abc"}, {"n", "7"}};
        // Resolve source() like a run from the script's folder; a failed read is a DmlError too.
        fs::path parent = fs::path(name).parent_path();
        opts.working_dir = parent.empty() ? std::string("/nonexistent-linea-dir") : parent.string();
        for (size_t cut = 0; cut <= text.size(); cut += 7) {
            std::string r = try_parse(name, text.substr(0, cut), opts);
            ASSERT_TRUE(r.empty()) << name << " truncated at " << cut << ": " << r;
            ++attempts;
        }
        for (int v = 0; v < 200 && !text.empty(); ++v) {
            std::string mutated = text;
            int flips = 1 + static_cast<int>(rng() % 4);
            for (int k = 0; k < flips; ++k) {
                size_t pos = rng() % mutated.size();
                mutated[pos] = static_cast<char>(rng() % 256);
            }
            std::string r = try_parse(name, mutated, opts);
            ASSERT_TRUE(r.empty()) << name << " variant " << v << ": " << r;
            ++attempts;
        }
    }
    EXPECT_GT(attempts, 0u);
}

TEST(ParserRobustness, GarbageInputs) {
    std::mt19937_64 rng(7);
    ParseOptions opts;
    opts.working_dir = "/nonexistent-linea-dir";
    const std::string alphabet = "()[]{},;:=<-+*/^%!&|$\"'#\\. \n\tabcxyz019eEL_";
    for (int i = 0; i < 2000; ++i) {
        size_t len = rng() % 200;
        std::string s;
        for (size_t k = 0; k < len; ++k)
            s += (i % 2) ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
        std::string r = try_parse("garbage", s, opts);
        ASSERT_TRUE(r.empty()) << "input " << i << ": " << r;
    }
    EXPECT_TRUE(try_parse("nul", std::string("x = 1\0\0", 7), opts).empty());
    EXPECT_TRUE(try_parse("big", "x = 123456789012345678901234567890123456789e999999999999", opts).empty());
}

} // namespace
} // namespace linea
