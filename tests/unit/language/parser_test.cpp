// Unit tests of the DML lexer and parser: precedence, statements, functions, indexing, script arguments,
// source/setwd, source locations and syntax errors.
#include "language/lexer.h"
#include "language/parser.h"
#include "sample_scripts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace linea {
namespace {

namespace fs = std::filesystem;
using namespace ast;

// ------------------------------------------------------------------ helpers
std::string dump(const Expr &e);

std::string dump_range(const IndexRange &r) {
    std::string s;
    if (r.lower) s += dump(*r.lower);
    if (r.is_range) s += ":";
    if (r.upper) s += dump(*r.upper);
    return s;
}

/// A compact s-expression of an expression tree: `(+ a (* b c))`, `f(x, n=2)`, `X[1:2, ]`.
std::string dump(const Expr &e) {
    switch (e.kind) {
    case ExprKind::IntLit:
        return std::to_string(static_cast<const IntLit &>(e).value);
    case ExprKind::DoubleLit: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%gd", static_cast<const DoubleLit &>(e).value);
        return buf;
    }
    case ExprKind::BoolLit:
        return static_cast<const BoolLit &>(e).value ? "TRUE" : "FALSE";
    case ExprKind::StringLit:
        return "\"" + static_cast<const StringLit &>(e).value + "\"";
    case ExprKind::Ident:
        return static_cast<const Ident &>(e).name;
    case ExprKind::Unary: {
        auto &u = static_cast<const Unary &>(e);
        return std::string("(") + to_string(u.op) + " " + dump(*u.operand) + ")";
    }
    case ExprKind::Binary: {
        auto &b = static_cast<const Binary &>(e);
        return std::string("(") + to_string(b.op) + " " + dump(*b.lhs) + " " + dump(*b.rhs) + ")";
    }
    case ExprKind::Call: {
        auto &c = static_cast<const Call &>(e);
        std::string s = (c.ns.empty() ? "" : c.ns + "::") + c.name + "(";
        for (size_t i = 0; i < c.args.size(); ++i) {
            if (i) s += ", ";
            if (!c.args[i].name.empty()) s += c.args[i].name + "=";
            s += dump(*c.args[i].value);
        }
        return s + ")";
    }
    case ExprKind::Index: {
        auto &x = static_cast<const Index &>(e);
        std::string s = dump(*x.target) + "[" + dump_range(x.rows);
        if (x.has_cols) s += ", " + dump_range(x.cols);
        return s + "]";
    }
    }
    return "?";
}

Program parse(const std::string &src, const ParseOptions &opts = {}) {
    return parse_program(std::make_shared<SourceFile>("test.dml", src), opts);
}

/// The dumped right side of `x = <src>`.
std::string expr(const std::string &src, const ParseOptions &opts = {}) {
    Program p = parse("x = " + src, opts);
    EXPECT_EQ(p.body.size(), 1u);
    auto &a = static_cast<const Assign &>(*p.body.at(0));
    return dump(*a.value);
}

const Expr &value_of(const Program &p, size_t i = 0) {
    return *static_cast<const Assign &>(*p.body.at(i)).value;
}

struct ParseFailure {
    ErrorKind kind = ErrorKind::Internal;
    std::string where; ///< "line:col"
    std::string message;
};

ParseFailure parse_error(const std::string &src, const ParseOptions &opts = {}) {
    try {
        parse(src, opts);
    } catch (const DmlError &e) {
        return {e.kind(), std::to_string(e.loc().line) + ":" + std::to_string(e.loc().col), e.message()};
    }
    ADD_FAILURE() << "expected a parse error for: " << src;
    return {};
}

#define EXPECT_SYNTAX_ERROR(src, loc, text)                                                                  \
    do {                                                                                                     \
        ParseFailure f_ = parse_error(src);                                                                  \
        EXPECT_EQ(f_.kind, ErrorKind::Syntax) << f_.message;                                                 \
        EXPECT_EQ(f_.where, loc) << f_.message;                                                              \
        EXPECT_NE(f_.message.find(text), std::string::npos) << "message: " << f_.message;                    \
    } while (0)

/// A fresh temporary directory removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::random_device rd;
        path =
            fs::temp_directory_path() / ("linea_parser_test_" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void write(const std::string &rel, const std::string &text) const {
        fs::create_directories((path / rel).parent_path());
        std::ofstream(path / rel, std::ios::binary) << text;
    }
};

// ------------------------------------------------------------------ lexer
std::vector<Token> lex_all(const std::string &src) {
    Lexer lexer(std::make_shared<SourceFile>("t.dml", src));
    std::vector<Token> out;
    while (true) {
        Token t = lexer.next();
        if (t.kind == TokenKind::End) return out;
        out.push_back(t);
    }
}

TEST(Lexer, NumberLiterals) {
    auto toks = lex_all("42 42L 1.5 1e-7 .5 5. 1E3 99999999999999999999 0 1e400");
    ASSERT_EQ(toks.size(), 10u);
    EXPECT_EQ(toks[0].kind, TokenKind::Int);
    EXPECT_EQ(toks[0].int_value, 42);
    EXPECT_EQ(toks[1].kind, TokenKind::Int);
    EXPECT_EQ(toks[1].int_value, 42);
    EXPECT_EQ(toks[2].kind, TokenKind::Double);
    EXPECT_DOUBLE_EQ(toks[2].double_value, 1.5);
    EXPECT_DOUBLE_EQ(toks[3].double_value, 1e-7);
    EXPECT_DOUBLE_EQ(toks[4].double_value, 0.5);
    EXPECT_EQ(toks[5].kind, TokenKind::Double);
    EXPECT_DOUBLE_EQ(toks[5].double_value, 5.0);
    EXPECT_DOUBLE_EQ(toks[6].double_value, 1000.0);
    EXPECT_EQ(toks[7].kind, TokenKind::Double); // too large for int64
    EXPECT_DOUBLE_EQ(toks[7].double_value, 1e20);
    EXPECT_EQ(toks[8].kind, TokenKind::Int);
    EXPECT_TRUE(std::isinf(toks[9].double_value));
}

TEST(Lexer, OperatorsAndPositions) {
    auto toks = lex_all("a<-b\n  %*% %/% %% <= >= == != && || & | += :: :");
    std::vector<TokenKind> kinds;
    for (auto &t : toks) kinds.push_back(t.kind);
    std::vector<TokenKind> want = {
        TokenKind::Ident,      TokenKind::Arrow, TokenKind::Ident, TokenKind::MatMul, TokenKind::IntDiv,
        TokenKind::Mod,        TokenKind::Le,    TokenKind::Ge,    TokenKind::EqEq,   TokenKind::NotEq,
        TokenKind::AndAnd,     TokenKind::OrOr,  TokenKind::And,   TokenKind::Or,     TokenKind::PlusAssign,
        TokenKind::ColonColon, TokenKind::Colon};
    EXPECT_EQ(kinds, want);
    EXPECT_EQ(toks[3].line, 2);
    EXPECT_EQ(toks[3].col, 3);
}

TEST(Lexer, IdentifiersWithDots) {
    auto toks = lex_all("as.scalar lower.tri is.na x_1.y");
    ASSERT_EQ(toks.size(), 4u);
    EXPECT_EQ(toks[0].text, "as.scalar");
    EXPECT_EQ(toks[1].text, "lower.tri");
    EXPECT_EQ(toks[3].text, "x_1.y");
}

TEST(Lexer, StringEscapes) {
    auto toks = lex_all(R"("a\tb\nc\"d\'e\\f\bg\fh\ri" 'x"y\'z')");
    ASSERT_EQ(toks.size(), 2u);
    EXPECT_EQ(toks[0].text, "a\tb\nc\"d'e\\f\bg\fh\ri");
    EXPECT_EQ(toks[1].text, "x\"y'z");
}

// ------------------------------------------------------------------ precedence
TEST(Parser, Precedence) {
    EXPECT_EQ(expr("-2^2"), "(- (^ 2 2))");
    EXPECT_EQ(expr("!a == b"), "(! (== a b))");
    EXPECT_EQ(expr("2^-1"), "(^ 2 (- 1))");
    EXPECT_EQ(expr("a - b - c"), "(- (- a b) c)");
    EXPECT_EQ(expr("2^3^2"), "(^ 2 (^ 3 2))");
    EXPECT_EQ(expr("a %*% b * c"), "(* (%*% a b) c)");
    EXPECT_EQ(expr("a * b %*% c"), "(* a (%*% b c))");
    EXPECT_EQ(expr("a %/% b * c %% d"), "(* (%/% a b) (%% c d))");
    EXPECT_EQ(expr("a + b * c"), "(+ a (* b c))");
    EXPECT_EQ(expr("a / b / c"), "(/ (/ a b) c)");
    EXPECT_EQ(expr("a < b + 1"), "(< a (+ b 1))");
    EXPECT_EQ(expr("a | b & c"), "(| a (& b c))");
    EXPECT_EQ(expr("a || b && !c"), "(| a (& b (! c)))");
    EXPECT_EQ(expr("!a & b"), "(& (! a) b)");
    EXPECT_EQ(expr("-a %*% b"), "(%*% (- a) b)");
    EXPECT_EQ(expr("a * -b + c"), "(+ (* a (- b)) c)");
    EXPECT_EQ(expr("(a + b) * c"), "(* (+ a b) c)");
    EXPECT_EQ(expr("--a"), "(- (- a))");
    EXPECT_EQ(expr("+a"), "(+ a)");
    EXPECT_EQ(expr("a <= b == c"), "(== (<= a b) c)");
}

TEST(Parser, Literals) {
    EXPECT_EQ(expr("TRUE & FALSE"), "(& TRUE FALSE)");
    EXPECT_EQ(expr("\"s\" + 'q'"), "(+ \"s\" \"q\")");
    Program p = parse("a = Inf; b = NaN; c = pi; d = 42L; e = 1e3");
    EXPECT_TRUE(std::isinf(static_cast<const DoubleLit &>(value_of(p, 0)).value));
    EXPECT_TRUE(std::isnan(static_cast<const DoubleLit &>(value_of(p, 1)).value));
    EXPECT_DOUBLE_EQ(static_cast<const DoubleLit &>(value_of(p, 2)).value, M_PI);
    EXPECT_EQ(value_of(p, 3).kind, ExprKind::IntLit);
    EXPECT_EQ(value_of(p, 4).kind, ExprKind::DoubleLit);
}

// ------------------------------------------------------------------ calls and indexing
TEST(Parser, CallsWithNamedArgs) {
    EXPECT_EQ(expr("f(a, b=2)"), "f(a, b=2)");
    EXPECT_EQ(expr("rand(rows=3, cols=4, min=0)"), "rand(rows=3, cols=4, min=0)");
    EXPECT_EQ(expr("f()"), "f()");
    EXPECT_EQ(expr("ns::g(1, a == b)"), "ns::g(1, (== a b))");
    EXPECT_EQ(expr("order(target=X, index.return=TRUE)"), "order(target=X, index.return=TRUE)");
    EXPECT_EQ(expr("as.scalar(X[1,1])"), "as.scalar(X[1, 1])");
}

TEST(Parser, IndexForms) {
    EXPECT_EQ(expr("X[i, j]"), "X[i, j]");
    EXPECT_EQ(expr("X[i, ]"), "X[i, ]");
    EXPECT_EQ(expr("X[, j]"), "X[, j]");
    EXPECT_EQ(expr("X[a:b, c:d]"), "X[a:b, c:d]");
    EXPECT_EQ(expr("X[, ]"), "X[, ]");
    EXPECT_EQ(expr("L[2]"), "L[2]");
    EXPECT_EQ(expr("L[\"k\"]"), "L[\"k\"]");
    EXPECT_EQ(expr("f(x)[1, 1]"), "f(x)[1, 1]");
    EXPECT_EQ(expr("(X + 1)[2, ]"), "(+ X 1)[2, ]");
    EXPECT_EQ(expr("X[i+1:n, 1]"), "X[(+ i 1):n, 1]");

    Program p = parse("x = L[2:4]; y = X[, 3]");
    auto &l = static_cast<const Index &>(value_of(p, 0));
    EXPECT_FALSE(l.has_cols);
    EXPECT_TRUE(l.rows.is_range);
    auto &x = static_cast<const Index &>(value_of(p, 1));
    EXPECT_TRUE(x.has_cols);
    EXPECT_TRUE(x.rows.all());
    EXPECT_FALSE(x.cols.all());
}

// ------------------------------------------------------------------ statements
TEST(Parser, Assignments) {
    Program p = parse("a = 1; b <- 2\nc += 3\nX[1, 2] = 4; L[\"k\"] = 5; X[a:b, ] = Y; [u, v] = f(x)");
    ASSERT_EQ(p.body.size(), 7u);
    for (auto &s : p.body) ASSERT_EQ(s->kind, StmtKind::Assign);
    auto as = [&](size_t i) -> const Assign & { return static_cast<const Assign &>(*p.body[i]); };
    EXPECT_EQ(as(0).targets.at(0).name, "a");
    EXPECT_FALSE(as(0).accumulate);
    EXPECT_EQ(as(1).targets.at(0).name, "b");
    EXPECT_TRUE(as(2).accumulate);
    EXPECT_TRUE(as(3).targets.at(0).indexed);
    EXPECT_TRUE(as(3).targets.at(0).has_cols);
    EXPECT_EQ(dump(*as(3).targets.at(0).rows.lower), "1");
    EXPECT_TRUE(as(4).targets.at(0).indexed);
    EXPECT_FALSE(as(4).targets.at(0).has_cols);
    EXPECT_EQ(dump(*as(4).targets.at(0).rows.lower), "\"k\"");
    EXPECT_TRUE(as(5).targets.at(0).rows.is_range);
    EXPECT_TRUE(as(5).targets.at(0).cols.all());
    EXPECT_TRUE(as(6).multi);
    ASSERT_EQ(as(6).targets.size(), 2u);
    EXPECT_EQ(as(6).targets[0].name, "u");
    EXPECT_EQ(as(6).targets[1].name, "v");
    EXPECT_EQ(dump(*as(6).value), "f(x)");
}

TEST(Parser, CallStatements) {
    Program p = parse("print(x)\nwrite(X, \"f\", format=\"csv\"); ns::f(1)");
    ASSERT_EQ(p.body.size(), 3u);
    for (auto &s : p.body) EXPECT_EQ(s->kind, StmtKind::ExprStmt);
    EXPECT_EQ(dump(*static_cast<const ExprStmt &>(*p.body[1]).expr), "write(X, \"f\", format=\"csv\")");
}

TEST(Parser, IfElseChains) {
    Program p = parse("if (a) x = 1 else if (b) { x = 2; y = 3 } else x = 4\nif (c) print(1); else print(2)");
    ASSERT_EQ(p.body.size(), 2u);
    auto &i = static_cast<const If &>(*p.body[0]);
    EXPECT_EQ(dump(*i.cond), "a");
    EXPECT_EQ(i.then_body.size(), 1u);
    ASSERT_EQ(i.else_body.size(), 1u);
    auto &inner = static_cast<const If &>(*i.else_body[0]);
    EXPECT_EQ(inner.then_body.size(), 2u);
    EXPECT_EQ(inner.else_body.size(), 1u);
    auto &second = static_cast<const If &>(*p.body[1]);
    EXPECT_EQ(second.else_body.size(), 1u);
    // The else binds to the nearest if.
    Program q = parse("if (a) if (b) x = 1 else x = 2");
    auto &outer = static_cast<const If &>(*q.body[0]);
    EXPECT_TRUE(outer.else_body.empty());
    EXPECT_EQ(static_cast<const If &>(*outer.then_body[0]).else_body.size(), 1u);
}

TEST(Parser, Loops) {
    Program p = parse("for (i in 1:n) s = s + i\n"
                      "for (j in seq(1, 10)) {}\n"
                      "for (k in seq(10, 1, -2)) { s = k }\n"
                      "while (s > 0) { s = s - 1 }\n"
                      "parfor (i in a:b, check=0, par=4, mode=LOCAL, taskpartitioner=FACTORING, tasksize=2, "
                      "opt=NONE, resultmerge=LOCAL_MEM) { R[i, ] = i }");
    ASSERT_EQ(p.body.size(), 5u);
    auto &f0 = static_cast<const For &>(*p.body[0]);
    EXPECT_EQ(f0.var, "i");
    EXPECT_EQ(dump(*f0.from), "1");
    EXPECT_EQ(dump(*f0.to), "n");
    EXPECT_EQ(f0.incr, nullptr);
    EXPECT_FALSE(f0.is_seq);
    EXPECT_FALSE(f0.parfor);
    EXPECT_EQ(f0.body.size(), 1u);
    auto &f1 = static_cast<const For &>(*p.body[1]);
    EXPECT_TRUE(f1.is_seq);
    EXPECT_EQ(f1.incr, nullptr);
    auto &f2 = static_cast<const For &>(*p.body[2]);
    EXPECT_TRUE(f2.is_seq);
    EXPECT_EQ(dump(*f2.from), "10");
    EXPECT_EQ(dump(*f2.incr), "(- 2)");
    EXPECT_EQ(p.body[3]->kind, StmtKind::While);
    auto &pf = static_cast<const For &>(*p.body[4]);
    EXPECT_TRUE(pf.parfor);
    ASSERT_EQ(pf.options.size(), 7u);
    EXPECT_EQ(pf.options[0].name, "check");
    EXPECT_EQ(dump(*pf.options[0].value), "0");
    EXPECT_EQ(pf.options[1].name, "par");
    EXPECT_EQ(dump(*pf.options[1].value), "4");
    EXPECT_EQ(pf.options[2].name, "mode");
    EXPECT_EQ(pf.options[2].value->kind, ExprKind::StringLit);
    EXPECT_EQ(dump(*pf.options[2].value), "\"LOCAL\"");
    EXPECT_EQ(dump(*pf.options[6].value), "\"LOCAL_MEM\"");
    // Named seq arguments work as well.
    Program q = parse("for (i in seq(from=1, to=9, incr=2)) {}");
    EXPECT_EQ(dump(*static_cast<const For &>(*q.body[0]).incr), "2");
}

TEST(Parser, ByteOrderMarkAndDollarInStrings) {
    Program p = parse("\xEF\xBB\xBFx = \"$1 is not replaced in strings\"");
    EXPECT_EQ(dump(value_of(p)), "\"$1 is not replaced in strings\"");
    EXPECT_EQ(p.body[0]->loc.col, 1);
}

TEST(Parser, CommentsAndSemicolons) {
    Program p = parse("/* a\n block */ x = 1 # c\n# line\n;; y = /* in */ 2;\n");
    ASSERT_EQ(p.body.size(), 2u);
    EXPECT_EQ(p.body[1]->loc.line, 4);
}

// ------------------------------------------------------------------ functions
TEST(Parser, FunctionDefinitions) {
    Program p =
        parse("f = function(Matrix[Double] X, Double reg = 1e-7, Integer k = ncol(X), List[Unknown] args = "
              "list(),\n"
              "             Frame[Unknown] F, int n, boolean b = TRUE, String s = \"a\", Matrix[Integer] M)\n"
              "    return (Matrix[Double] B, Double loss) { B = X; loss = 0 }\n"
              "g <- function(double x) { print(x) }\n"
              "y = f(X=1)\n");
    EXPECT_EQ(p.body.size(), 1u); // the definitions are not statements
    auto &ns = p.namespaces.at("");
    ASSERT_EQ(ns.functions.size(), 2u);
    auto &f = *ns.functions.at("f");
    EXPECT_EQ(f.name, "f");
    EXPECT_EQ(f.ns_key, "");
    EXPECT_EQ(f.loc.line, 1);
    EXPECT_EQ(f.loc.col, 1);
    ASSERT_EQ(f.params.size(), 9u);
    EXPECT_EQ(f.params[0].name, "X");
    EXPECT_EQ(f.params[0].data_type, DataType::Matrix);
    EXPECT_EQ(f.params[0].value_type, ValueType::Double);
    EXPECT_EQ(f.params[0].default_value, nullptr);
    EXPECT_EQ(f.params[1].data_type, DataType::Scalar);
    EXPECT_EQ(f.params[1].value_type, ValueType::Double);
    EXPECT_EQ(dump(*f.params[1].default_value), "1e-07d");
    EXPECT_EQ(f.params[2].value_type, ValueType::Int);
    EXPECT_EQ(dump(*f.params[2].default_value), "ncol(X)");
    EXPECT_EQ(f.params[3].data_type, DataType::List);
    EXPECT_EQ(f.params[3].value_type, ValueType::Unknown);
    EXPECT_EQ(f.params[4].data_type, DataType::Frame);
    EXPECT_EQ(f.params[5].value_type, ValueType::Int);
    EXPECT_EQ(f.params[6].value_type, ValueType::Bool);
    EXPECT_EQ(f.params[7].value_type, ValueType::String);
    EXPECT_EQ(f.params[8].value_type, ValueType::Int);
    ASSERT_EQ(f.returns.size(), 2u);
    EXPECT_EQ(f.returns[0].name, "B");
    EXPECT_EQ(f.returns[1].data_type, DataType::Scalar);
    EXPECT_EQ(f.body.size(), 2u);
    auto &g = *ns.functions.at("g");
    EXPECT_TRUE(g.returns.empty());
    EXPECT_EQ(g.params.at(0).value_type, ValueType::Double);
}

// ------------------------------------------------------------------ script arguments
TEST(Parser, ScriptArgumentLiterals) {
    SourceLoc l;
    EXPECT_EQ(script_arg_literal("TRUE", l)->kind, ExprKind::BoolLit);
    EXPECT_EQ(script_arg_literal("FALSE", l)->kind, ExprKind::BoolLit);
    EXPECT_EQ(script_arg_literal("true", l)->kind, ExprKind::StringLit);
    EXPECT_EQ(script_arg_literal("42", l)->kind, ExprKind::IntLit);
    EXPECT_EQ(static_cast<IntLit &>(*script_arg_literal("-7", l)).value, -7);
    EXPECT_EQ(script_arg_literal("1.5", l)->kind, ExprKind::DoubleLit);
    EXPECT_EQ(script_arg_literal("1e3", l)->kind, ExprKind::DoubleLit);
    EXPECT_EQ(script_arg_literal("99999999999999999999", l)->kind, ExprKind::DoubleLit);
    EXPECT_EQ(script_arg_literal("data.csv", l)->kind, ExprKind::StringLit);
    EXPECT_EQ(script_arg_literal("", l)->kind, ExprKind::StringLit);
    EXPECT_EQ(script_arg_literal("1.5x", l)->kind, ExprKind::StringLit);
}

TEST(Parser, ScriptArgsAndIfdef) {
    ParseOptions opts;
    opts.args = {{"1", "abc"}, {"X", "data.csv"}, {"n", "5"}, {"flag", "TRUE"}, {"r", "0.25"}};
    EXPECT_EQ(expr("$1", opts), "\"abc\"");
    EXPECT_EQ(expr("$X + $n", opts), "(+ \"data.csv\" 5)");
    EXPECT_EQ(expr("$flag", opts), "TRUE");
    EXPECT_EQ(expr("$r * 2", opts), "(* 0.25d 2)");
    EXPECT_EQ(expr("ifdef($n, 10)", opts), "5");
    EXPECT_EQ(expr("ifdef($missing, 10 + 1)", opts), "(+ 10 1)");
    EXPECT_EQ(expr("f(ifdef($missing, \"d\"))", opts), "f(\"d\")");
    Program p = parse("x = 1\ny =   $n", opts);
    EXPECT_EQ(value_of(p, 1).loc.line, 2);
    EXPECT_EQ(value_of(p, 1).loc.col, 7);
}

// ------------------------------------------------------------------ locations
TEST(Parser, Locations) {
    Program p = parse("x = 1\n  y = a +  b\nz = f(z)[1, 2]\nprint(g(1))\nfor (i in 1:2) { }\n   X[1, ] = 3");
    ASSERT_EQ(p.body.size(), 6u);
    EXPECT_EQ(p.body[0]->loc.line, 1);
    EXPECT_EQ(p.body[0]->loc.col, 1);
    auto &a = static_cast<const Assign &>(*p.body[1]);
    EXPECT_EQ(a.loc.line, 2);
    EXPECT_EQ(a.loc.col, 3);
    EXPECT_EQ(a.targets[0].loc.col, 3);
    EXPECT_EQ(a.value->loc.line, 2);
    EXPECT_EQ(a.value->loc.col, 9); // the operator
    auto &b = static_cast<const Binary &>(*a.value);
    EXPECT_EQ(b.lhs->loc.col, 7);
    EXPECT_EQ(b.rhs->loc.col, 12);
    EXPECT_EQ(b.lhs->loc.file->path(), "test.dml");
    auto &pr = static_cast<const Call &>(*static_cast<const ExprStmt &>(*p.body[3]).expr);
    EXPECT_EQ(pr.loc.line, 4);
    EXPECT_EQ(pr.loc.col, 1);
    EXPECT_EQ(pr.args[0].value->loc.col, 7);
    EXPECT_EQ(pr.args[0].loc.col, 7);
    auto &f = static_cast<const For &>(*p.body[4]);
    EXPECT_EQ(f.loc.line, 5);
    EXPECT_EQ(f.var_loc.col, 6);
    EXPECT_EQ(f.from->loc.col, 11);
    EXPECT_EQ(f.to->loc.col, 13);
    auto &ix = static_cast<const Index &>(value_of(p, 2));
    EXPECT_EQ(ix.loc.line, 3);
    EXPECT_EQ(ix.loc.col, 5);
    auto &lx = static_cast<const Assign &>(*p.body[5]);
    EXPECT_EQ(lx.loc.line, 6);
    EXPECT_EQ(lx.loc.col, 4);
    // `f(z)[1, 2]` alone is an index expression, not a call: it is not a statement.
    EXPECT_SYNTAX_ERROR("f(z)[1, 2]\n", "2:1", "unexpected end of file, expected '=', '<-' or '+='");
}

TEST(Parser, IndexSuffixMustStartOnTheSameLine) {
    // A '[' on the next line starts a multi-assignment, it does not index the previous expression.
    Program p = parse("x = f(1)\n[a, b] = g(x)\ny = z\n[c, d] = h()\nw = (1)\n[e, f] = h()\nv = X[1,\n 2]");
    ASSERT_EQ(p.body.size(), 7u);
    EXPECT_TRUE(static_cast<const Assign &>(*p.body[1]).multi);
    EXPECT_TRUE(static_cast<const Assign &>(*p.body[3]).multi);
    EXPECT_TRUE(static_cast<const Assign &>(*p.body[5]).multi);
    EXPECT_EQ(dump(value_of(p, 6)), "X[1, 2]");
}

// ------------------------------------------------------------------ source and setwd
TEST(Parser, SourceAndNamespaces) {
    TempDir dir;
    dir.write("lib.dml", "source(\"sub/lib2.dml\") as two\n"
                         "inc = function(Double x) return (Double y) { y = two::twice(x) + 1 }\n"
                         "print(\"top-level statements of a sourced file are ignored\")\n");
    dir.write("sub/lib2.dml", "source(\"lib.dml\") as back\n" // a cycle, relative to the working dir
                              "twice = function(Double x) return (Double y) { y = 2 * x }\n");
    dir.write("main.dml", "source(\"lib.dml\") as L\nsource(\"./lib.dml\") as L2\nz = L::inc(1)\n");
    ParseOptions opts;
    opts.working_dir = dir.path.string();
    Program p = parse_program(load_source_file((dir.path / "main.dml").string()), opts);
    ASSERT_EQ(p.body.size(), 1u);
    std::string lib = fs::canonical(dir.path / "lib.dml").string();
    std::string lib2 = fs::canonical(dir.path / "sub/lib2.dml").string();
    ASSERT_EQ(p.namespaces.size(), 3u);
    EXPECT_EQ(p.namespaces.at("").imports.at("L"), lib);
    EXPECT_EQ(p.namespaces.at("").imports.at("L2"), lib);
    EXPECT_EQ(p.namespaces.at(lib).key, lib);
    EXPECT_EQ(p.namespaces.at(lib).imports.at("two"), lib2);
    EXPECT_EQ(p.namespaces.at(lib2).imports.at("back"), lib);
    auto &inc = *p.namespaces.at(lib).functions.at("inc");
    EXPECT_EQ(inc.ns_key, lib);
    EXPECT_EQ(inc.loc.line, 2);
    EXPECT_EQ(inc.loc.file->path(), (dir.path / "lib.dml").string());
    EXPECT_EQ(p.namespaces.at(lib2).functions.count("twice"), 1u);
    auto &call = static_cast<const Call &>(value_of(p));
    EXPECT_EQ(call.ns, "L");
    EXPECT_EQ(call.name, "inc");
}

TEST(Parser, SetwdChangesSourceResolution) {
    TempDir dir;
    dir.write("a/b/lib.dml", "h = function() { print(1) }\n");
    dir.write("a/other.dml", "k = function() { print(2) }\n");
    ParseOptions opts;
    opts.working_dir = dir.path.string();
    Program p =
        parse("setwd(\"a\")\nsource(\"other.dml\") as o\nsetwd(\"b\")\nsource(\"lib.dml\") as l\n", opts);
    EXPECT_TRUE(p.body.empty());
    EXPECT_EQ(p.namespaces.at("").imports.at("o"), fs::canonical(dir.path / "a/other.dml").string());
    EXPECT_EQ(p.namespaces.at("").imports.at("l"), fs::canonical(dir.path / "a/b/lib.dml").string());
    // An absolute setwd replaces the working directory.
    Program q = parse("setwd(\"" + (dir.path / "a/b").string() + "\")\nsource(\"lib.dml\") as l\n");
    EXPECT_EQ(q.namespaces.at("").imports.at("l"), fs::canonical(dir.path / "a/b/lib.dml").string());
}

TEST(Parser, SourceErrors) {
    TempDir dir;
    ParseOptions opts;
    opts.working_dir = dir.path.string();
    ParseFailure f = parse_error("x = 1\n  source(\"nope.dml\") as n\n", opts);
    EXPECT_EQ(f.where, "2:3");
    EXPECT_NE(f.message.find("cannot read sourced file 'nope.dml'"), std::string::npos) << f.message;
    dir.write("bad.dml", "f = function() {\n  x = (1 +\n}\n");
    f = parse_error("source(\"bad.dml\") as b\n", opts);
    EXPECT_EQ(f.where, "3:1"); // the error points into the sourced file
    EXPECT_NE(f.message.find("expected an expression but found '}'"), std::string::npos) << f.message;
    EXPECT_SYNTAX_ERROR("source(\"lib.dml\")\nx = 1", "2:1", "expected 'as <namespace>'");
    EXPECT_SYNTAX_ERROR("if (a) { source(\"lib.dml\") as l }", "1:10", "only allowed at top level");
}

TEST(Parser, ParseIntoNamespace) {
    TempDir dir;
    dir.write("builtin/foo.dml", "m_foo = function(Matrix[Double] X) return (Matrix[Double] Y) { Y = X }\n"
                                 "helper = function() { print(1) }\nprint(\"ignored\")\n");
    dir.write("builtin/broken.dml", "m_broken = function( {\n");
    Program p = parse("y = foo(x)");
    ParseOptions opts;
    opts.working_dir = dir.path.string();
    parse_into_namespace(p, "builtin/foo.dml", "builtin:foo", opts);
    ASSERT_EQ(p.namespaces.count("builtin:foo"), 1u);
    auto &ns = p.namespaces.at("builtin:foo");
    EXPECT_EQ(ns.key, "builtin:foo");
    EXPECT_EQ(ns.functions.size(), 2u);
    EXPECT_EQ(ns.functions.at("m_foo")->ns_key, "builtin:foo");
    EXPECT_EQ(p.body.size(), 1u);
    EXPECT_THROW(parse_into_namespace(p, "builtin/broken.dml", "builtin:broken", opts), DmlError);
    EXPECT_EQ(p.namespaces.count("builtin:broken"), 0u); // a failed load leaves no trace
    try {
        parse_into_namespace(p, "builtin/none.dml", "builtin:none", opts);
        FAIL() << "expected an error";
    } catch (const DmlError &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Runtime);
        EXPECT_NE(e.message().find("cannot read script file"), std::string::npos);
    }
}

TEST(Parser, LoadSourceFileErrors) {
    try {
        load_source_file("/nonexistent/dir/x.dml");
        FAIL() << "expected an error";
    } catch (const DmlError &e) {
        EXPECT_EQ(e.kind(), ErrorKind::Runtime);
        EXPECT_FALSE(e.loc().valid());
        EXPECT_EQ(e.message().rfind("cannot read script file '/nonexistent/dir/x.dml': ", 0), 0u)
            << e.message();
    }
}

// ------------------------------------------------------------------ syntax errors
TEST(ParserErrors, MessagesAndPositions) {
    EXPECT_SYNTAX_ERROR("x = (1 + 2", "1:11", "unexpected end of file, expected ')'");
    EXPECT_SYNTAX_ERROR("x = 1\ny = (2\n  + 3 else", "3:7", "expected ')' but found 'else'");
    EXPECT_SYNTAX_ERROR("if (a) {\n  x = 1\n", "3:1", "unexpected end of file, expected '}'");
    EXPECT_SYNTAX_ERROR("x = 1 @ 2", "1:7", "invalid character '@'");
    EXPECT_SYNTAX_ERROR(std::string("x = 1\n\t\x01"), "2:2", "invalid character '\\x01'");
    EXPECT_SYNTAX_ERROR("x = \"abc\ny = 2", "1:5", "unterminated string literal");
    EXPECT_SYNTAX_ERROR("x = 'a\\qb'", "1:7", "unknown escape sequence '\\q'");
    EXPECT_SYNTAX_ERROR("x = 1\n  /* open\n comment", "2:3", "unterminated block comment");
    EXPECT_SYNTAX_ERROR("x = X[1:, ]", "1:9", "expected an upper bound after ':' but found ','");
    EXPECT_SYNTAX_ERROR("x = X[:2, ]", "1:7", "expected a lower bound before ':' but found ':'");
    EXPECT_SYNTAX_ERROR("x = X[]", "1:7", "expected an index expression but found ']'");
    EXPECT_SYNTAX_ERROR("y = 2\nx = $foo + 1", "2:5", "missing value for script argument $foo");
    EXPECT_SYNTAX_ERROR("x + 1", "1:3",
                        "expected '=', '<-' or '+=' (only assignments and function calls are "
                        "statements) but found '+'");
    EXPECT_SYNTAX_ERROR("x = 1 +", "1:8", "unexpected end of file, expected an expression");
    EXPECT_SYNTAX_ERROR("x = if", "1:5", "expected an expression but found 'if'");
    EXPECT_SYNTAX_ERROR("x = f(a b)", "1:9", "expected ',' or ')' but found 'b'");
    EXPECT_SYNTAX_ERROR("print(1) else print(2)", "1:10", "'else' without a matching 'if'");
    EXPECT_SYNTAX_ERROR("pi = 3", "1:1", "cannot assign to the constant 'pi'");
    EXPECT_SYNTAX_ERROR("f(x) = 3", "1:1", "cannot assign to a function call");
    EXPECT_SYNTAX_ERROR("[a, b] = 3", "1:10", "must be a function call");
    EXPECT_SYNTAX_ERROR("x = a %x% b", "1:7", "invalid operator starting with '%'");
    EXPECT_SYNTAX_ERROR("x = 1e+", "1:5", "malformed number literal '1e+'");
    EXPECT_SYNTAX_ERROR("x = $ + 1", "1:5", "expected a script argument name after '$'");
    EXPECT_SYNTAX_ERROR("x = ns::y + 1", "1:11", "expected '(' after 'ns::y' but found '+'");
    EXPECT_SYNTAX_ERROR("x = \"a\" 1", "1:9", "expected a statement but found '1'");
    EXPECT_SYNTAX_ERROR("for (i in f(x)) {}", "1:11", "expected 'from:to' or 'seq(from, to[, incr])'");
    EXPECT_SYNTAX_ERROR("for (i 1:2) {}", "1:8", "expected 'in' but found '1'");
    EXPECT_SYNTAX_ERROR("while x > 1 {}", "1:7", "expected '(' after 'while' but found 'x'");
    EXPECT_SYNTAX_ERROR("x = ifdef(n, 1)", "1:11",
                        "expected a script argument ($name) as the first argument of ifdef");
    EXPECT_SYNTAX_ERROR(") = 1", "1:1", "expected a statement but found ')'");
}

TEST(ParserErrors, Functions) {
    EXPECT_SYNTAX_ERROR("if (x) {\n  f = function() { }\n}", "2:3",
                        "function 'f' must be defined at top level");
    EXPECT_SYNTAX_ERROR("f = function() { g = function() {} }", "1:18", "must be defined at top level");
    EXPECT_SYNTAX_ERROR("f = function() {}\n\nf = function() {}", "3:1",
                        "function 'f' is already defined (at line 1)");
    EXPECT_SYNTAX_ERROR("f = function(Foo x) {}", "1:14", "unknown type 'Foo'");
    EXPECT_SYNTAX_ERROR("f = function(Matrix[Float] x) {}", "1:21", "unknown value type 'Float'");
    EXPECT_SYNTAX_ERROR("f = function(Double x, Double x) {}", "1:31", "duplicate parameter name 'x'");
    EXPECT_SYNTAX_ERROR("f = function(Double x) return (Double y = 1) {}", "1:41",
                        "return values cannot have default");
    EXPECT_SYNTAX_ERROR("f = function(Double x) return (Double y)", "1:41",
                        "unexpected end of file, expected '{'");
    EXPECT_SYNTAX_ERROR("f = function(x) {}", "1:14", "unknown type 'x'");
    ParseFailure f =
        parse_error("f = externalFunction(Double x) return (Double y) implemented in (classname=\"a\")");
    EXPECT_EQ(f.kind, ErrorKind::NotSupported);
    EXPECT_EQ(f.where, "1:5");
    EXPECT_NE(f.message.find("externalFunction"), std::string::npos);
}

TEST(ParserErrors, DeepNestingFailsCleanly) {
    EXPECT_SYNTAX_ERROR("x = " + std::string(100000, '('), "1:1004", "nesting too deep");
    EXPECT_SYNTAX_ERROR("x = " + std::string(100000, '-') + "1", "1:1004", "nesting too deep");
    std::string pow = "x = 2";
    for (int i = 0; i < 5000; ++i) pow += "^2";
    EXPECT_EQ(parse_error(pow).kind, ErrorKind::Syntax);
    std::string blocks;
    for (int i = 0; i < 100000; ++i) blocks += "if(1){";
    EXPECT_NE(parse_error(blocks).message.find("nesting too deep"), std::string::npos);
    std::string ok = "x = " + std::string(200, '(') + "1" + std::string(200, ')');
    EXPECT_NO_THROW(parse(ok));
}

TEST(Parser, ErrorTextHasFileLineAndCaret) {
    try {
        parse("x = 1\ny = (2 +\n    3 else");
        FAIL();
    } catch (const DmlError &e) {
        EXPECT_EQ(std::string(e.what()), "test.dml:3:7: syntax error: expected ')' but found 'else'\n"
                                         "      3 else\n"
                                         "        ^");
    }
}

TEST(Parser, SampleScriptsParse) {
    ParseOptions opts;
    opts.args = {{"1", "3"}, {"name", "abc"}, {"n", "7"}};
    for (const std::string &s : test::sample_scripts()) {
        EXPECT_NO_THROW({
            try {
                parse(s, opts);
            } catch (const DmlError &e) {
                ADD_FAILURE() << e.what();
            }
        }) << s;
    }
}

} // namespace
} // namespace linea
