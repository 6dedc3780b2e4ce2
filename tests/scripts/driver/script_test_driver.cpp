// Runs every tests/scripts/**/*.dml through the real `linea` binary and checks its output.
//
// A test is `<name>.dml` plus either `<name>.out` (the exact expected stdout) or an expected error
// stated in the script's leading comment lines:
//   # args: -args 1 2            extra command-line flags
//   # expect-error: some text    the run must fail (non-zero exit) and stderr must contain the text
//   # expect-error-at: 3:7       ...and the error must point at <name>.dml:3:7
//   # tolerance: 1e-9            numbers in stdout (also comma-separated fields) may differ from .out by this
//                                relative tolerance
//   # sort-lines                 stdout is compared with its lines sorted (parallel prints)
//   # parfor-only                a parfor script whose output differs as a for loop (not run as ParforAsFor)
// Extra flags for every script (the configuration matrix) come from $LINEA_TEST_FLAGS.
// Every script that contains `parfor` and expects no error also runs as ParforAsFor: with each `parfor`
// turned into `for`, it must print the same expected output (a parallel loop equals the sequential one).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Spec {
    std::vector<std::string> args;
    std::vector<std::string> errors;
    std::string error_at;
    double tolerance = 0;
    bool sort_lines = false;
    bool parfor_only = false;
};

std::vector<std::string> split_ws(const std::string &s) {
    std::vector<std::string> out;
    std::istringstream is(s);
    std::string w;
    while (is >> w) out.push_back(w);
    return out;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

Spec read_spec(const std::string &script) {
    Spec s;
    std::istringstream is(script);
    std::string line;
    while (std::getline(is, line)) {
        if (line.empty() || line[0] != '#') break;
        auto value = [&](const char *key) -> std::optional<std::string> {
            std::string k = std::string("# ") + key + ":";
            if (line.rfind(k, 0) == 0) return trim(line.substr(k.size()));
            return std::nullopt;
        };
        if (auto v = value("args")) {
            for (auto &a : split_ws(*v)) s.args.push_back(a);
        } else if (auto v = value("expect-error")) {
            s.errors.push_back(*v);
        } else if (auto v = value("expect-error-at")) {
            s.error_at = *v;
        } else if (auto v = value("tolerance")) {
            s.tolerance = std::stod(*v);
        } else if (trim(line) == "# sort-lines") {
            s.sort_lines = true;
        } else if (trim(line) == "# parfor-only") {
            s.parfor_only = true;
        }
    }
    return s;
}

struct RunResult {
    int status = -1;
    std::string out, err;
};

/// Runs linea in a scratch copy of `dir`; `replace_script` (when given) overwrites one file of the copy.
RunResult run_linea(const fs::path &dir, const std::vector<std::string> &args,
                    const std::optional<std::pair<std::string, std::string>> &replace_script = std::nullopt) {
    fs::path tmp = fs::temp_directory_path() / ("linea_script_test_" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    fs::path out = tmp / "stdout", err = tmp / "stderr";
    // Each run works in a scratch copy of the test's folder, so scripts may write files by relative
    // names and configurations running at the same time never see each other's files.
    fs::path work = tmp / "work";
    fs::copy(dir, work, fs::copy_options::recursive);
    if (replace_script)
        std::ofstream(work / replace_script->first, std::ios::binary) << replace_script->second;
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(work.c_str()) != 0) _exit(126);
        FILE *o = std::freopen(out.c_str(), "w", stdout);
        FILE *e = std::freopen(err.c_str(), "w", stderr);
        if (!o || !e) _exit(126);
        std::vector<std::string> full{"timeout", "300", LINEA_BINARY};
        full.insert(full.end(), args.begin(), args.end());
        std::vector<char *> argv;
        for (auto &a : full) argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp("timeout", argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(out);
    r.err = read_file(err);
    fs::remove_all(tmp);
    return r;
}

/// Two words are equal, or both numbers within the relative tolerance.
bool word_equal(const std::string &a, const std::string &b, double tol) {
    if (a == b) return true;
    char *ea = nullptr, *eb = nullptr;
    double x = std::strtod(a.c_str(), &ea), y = std::strtod(b.c_str(), &eb);
    if (a.empty() || b.empty() || *ea != '\0' || *eb != '\0') return false;
    if (std::isnan(x) && std::isnan(y)) return true;
    if (x == y) return true; // also equal infinities, whose difference is NaN
    return std::abs(x - y) <= tol * std::max(1.0, std::max(std::abs(x), std::abs(y)));
}

std::vector<std::string> split_commas(const std::string &s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == ',') {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

/// Compares outputs token by token (whitespace-separated; a token with commas, e.g. "R2,1,,0.5", field
/// by field), allowing numbers to differ by a relative tolerance.
bool equal_with_tolerance(const std::string &a, const std::string &b, double tol) {
    auto ta = split_ws(a), tb = split_ws(b);
    if (ta.size() != tb.size()) return false;
    for (size_t i = 0; i < ta.size(); ++i) {
        if (word_equal(ta[i], tb[i], tol)) continue;
        auto fa = split_commas(ta[i]), fb = split_commas(tb[i]);
        if (fa.size() < 2 || fa.size() != fb.size()) return false;
        for (size_t k = 0; k < fa.size(); ++k)
            if (!word_equal(fa[k], fb[k], tol)) return false;
    }
    return true;
}

std::vector<std::string> discover() {
    std::vector<std::string> out;
    fs::path root(LINEA_SCRIPT_DIR);
    for (const auto &e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().extension() != ".dml") {
            continue;
        }
        // Lexically, so a test that is a symlink (e.g. to a shipped example) keeps its place here.
        fs::path rel = e.path().lexically_relative(root);
        // Helper files (sourced libraries, data generators) live in folders named "lib" or "data".
        bool helper = false;
        for (const auto &part : rel) {
            if (part == "lib" || part == "data") helper = true;
        }
        if (!helper) out.push_back(rel.string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

class ScriptTest : public ::testing::TestWithParam<std::string> {};

/// Runs one script test; with `parfor_as_for`, the script's parfor loops are run as for loops.
void run_script_test(const std::string &param, bool parfor_as_for) {
    fs::path script = fs::path(LINEA_SCRIPT_DIR) / param;
    std::string text = read_file(script);
    std::optional<std::pair<std::string, std::string>> replace;
    if (parfor_as_for)
        replace = std::make_pair(script.filename().string(),
                                 std::regex_replace(text, std::regex("\\bparfor\\b"), "for"));
    Spec spec = read_spec(text);
    std::vector<std::string> args{"-f", script.filename().string()};
    if (const char *extra = std::getenv("LINEA_TEST_FLAGS"))
        for (auto &a : split_ws(extra)) args.push_back(a);
    args.insert(args.end(), spec.args.begin(), spec.args.end());
    RunResult r = run_linea(script.parent_path(), args, replace);
    ASSERT_LT(r.status, 100) << "linea was killed by a signal or timed out\nstderr:\n" << r.err;
    if (!spec.errors.empty() || !spec.error_at.empty()) {
        EXPECT_NE(r.status, 0) << "expected an error; stdout:\n" << r.out;
        for (const auto &e : spec.errors) {
            EXPECT_NE(r.err.find(e), std::string::npos) << "stderr:\n" << r.err;
        }
        if (!spec.error_at.empty()) {
            std::string at = script.filename().string() + ":" + spec.error_at + ":";
            EXPECT_NE(r.err.find(at), std::string::npos) << "expected position " << at << " in stderr:\n"
                                                         << r.err;
        }
        fs::path expected_out = script;
        expected_out.replace_extension(".out");
        if (fs::exists(expected_out)) {
            EXPECT_EQ(r.out, read_file(expected_out));
        }
        return;
    }
    ASSERT_EQ(r.status, 0) << "stderr:\n" << r.err << "\nstdout:\n" << r.out;
    fs::path expected_out = script;
    expected_out.replace_extension(".out");
    ASSERT_TRUE(fs::exists(expected_out)) << "missing " << expected_out << "; actual stdout:\n" << r.out;
    std::string expected = read_file(expected_out);
    if (spec.sort_lines) {
        auto sorted = [](const std::string &text) {
            std::vector<std::string> lines;
            std::istringstream is(text);
            for (std::string l; std::getline(is, l);) lines.push_back(l);
            std::sort(lines.begin(), lines.end());
            std::string out;
            for (const auto &l : lines) out += l + "\n";
            return out;
        };
        r.out = sorted(r.out);
        expected = sorted(expected);
    }
    if (spec.tolerance > 0) {
        EXPECT_TRUE(equal_with_tolerance(r.out, expected, spec.tolerance)) << "actual:\n"
                                                                           << r.out << "expected:\n"
                                                                           << expected;
    } else {
        EXPECT_EQ(r.out, expected);
    }
}

TEST_P(ScriptTest, Runs) {
    run_script_test(GetParam(), false);
}

class ParforAsForTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ParforAsForTest, Runs) {
    run_script_test(GetParam(), true);
}

/// The script tests with a parfor loop and an expected output (not an expected error).
std::vector<std::string> discover_parfor() {
    std::vector<std::string> out;
    for (const auto &rel : discover()) {
        std::string text = read_file(fs::path(LINEA_SCRIPT_DIR) / rel);
        Spec spec = read_spec(text);
        if (text.find("parfor") != std::string::npos && spec.errors.empty() && spec.error_at.empty() &&
            !spec.parfor_only)
            out.push_back(rel);
    }
    return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string> &info) {
    std::string n = info.param.substr(0, info.param.size() - 4);
    for (char &c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
}

INSTANTIATE_TEST_SUITE_P(Dml, ScriptTest, ::testing::ValuesIn(discover()), test_name);
INSTANTIATE_TEST_SUITE_P(Dml, ParforAsForTest, ::testing::ValuesIn(discover_parfor()), test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ParforAsForTest);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ScriptTest);

} // namespace
