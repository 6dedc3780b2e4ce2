// Script builtins: an unknown function name resolves lazily to <builtin dir>/<name>.dml.
#include "compile_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

class ScriptBuiltin : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("linea_builtin_test_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        std::ofstream(dir_ / "twice.dml")
            << "m_twice = function(Matrix[Double] X, Double s = 1.0) return (Matrix[Double] Y) {\n"
               "  Y = helper(X) * s\n}\n"
               "helper = function(Matrix[Double] X) return (Matrix[Double] Y) { Y = 2 * X }\n";
        std::ofstream(dir_ / "half.dml") << "s_half = function(Double x) return (Double y) { y = x / 2 }\n";
        std::ofstream(dir_ / "broken.dml")
            << "something_else = function(Double x) return (Double y) { y = x }\n";
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string run(const std::string &text) {
        auto src = std::make_shared<const linea::SourceFile>("test.dml", text);
        linea::CompileOptions opts;
        opts.builtin_dir = dir_.string();
        auto cp = linea::compile_script(src, opts);
        std::ostringstream out;
        linea::rt::RuntimeStats stats;
        linea::rt::ExecContext ctx(*cp->runtime, out, stats, linea::rt::RuntimeOptions{});
        linea::rt::run_program(*cp->runtime, ctx);
        return out.str();
    }

    std::string error_of(const std::string &text) {
        try {
            run(text);
        } catch (const linea::DmlError &e) {
            return e.what();
        }
        return "";
    }

    fs::path dir_;
};

TEST_F(ScriptBuiltin, MatrixAndScalarBuiltinsResolve) {
    EXPECT_EQ(
        run("X = matrix(1, 2, 2)\nprint(sum(twice(X)))\nprint(sum(twice(X, s=3.0)))\nprint(half(5.0))\n"),
        "8.0\n24.0\n2.5\n");
}

TEST_F(ScriptBuiltin, PrivateHelpersStayPrivate) {
    std::string e = error_of("X = matrix(1, 2, 2)\nY = twice(X)\nZ = helper(X)\n");
    EXPECT_NE(e.find("test.dml:3:5"), std::string::npos) << e;
    EXPECT_NE(e.find("undefined function 'helper'"), std::string::npos) << e;
}

TEST_F(ScriptBuiltin, UserFunctionsWin) {
    EXPECT_EQ(run("half = function(Double x) return (Double y) { y = x * 100 }\nprint(half(1.0))\n"),
              "100.0\n");
}

TEST_F(ScriptBuiltin, FileWithoutEntryPointIsAnError) {
    std::string e = error_of("print(broken(1.0))\n");
    EXPECT_NE(e.find("defines neither m_broken nor s_broken"), std::string::npos) << e;
}

} // namespace
