// The abstract syntax tree produced by the parser and checked by the validator.
#pragma once

#include "runtime/data/value.h"
#include "runtime/util/diagnostics.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace linea::ast {

struct FunctionDef;

// ------------------------------------------------------------------ expressions
enum class ExprKind { IntLit, DoubleLit, BoolLit, StringLit, Ident, Unary, Binary, Call, Index };

enum class UnaryOp { Neg, Plus, Not };
enum class BinaryOp {
    Pow,
    MatMul,
    IntDiv,
    Mod,
    Mul,
    Div,
    Add,
    Sub,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And, ///< `&` and `&&`
    Or,  ///< `|` and `||`
};
const char *to_string(BinaryOp op); ///< DML spelling, e.g. "%*%"
const char *to_string(UnaryOp op);

struct Expr {
    explicit Expr(ExprKind k, SourceLoc l) : kind(k), loc(std::move(l)) {}
    virtual ~Expr() = default;
    ExprKind kind;
    SourceLoc loc;
};
using ExprPtr = std::unique_ptr<Expr>;

struct IntLit : Expr {
    IntLit(SourceLoc l, int64_t v) : Expr(ExprKind::IntLit, std::move(l)), value(v) {}
    int64_t value;
};
struct DoubleLit : Expr {
    DoubleLit(SourceLoc l, double v) : Expr(ExprKind::DoubleLit, std::move(l)), value(v) {}
    double value;
};
struct BoolLit : Expr {
    BoolLit(SourceLoc l, bool v) : Expr(ExprKind::BoolLit, std::move(l)), value(v) {}
    bool value;
};
struct StringLit : Expr {
    StringLit(SourceLoc l, std::string v) : Expr(ExprKind::StringLit, std::move(l)), value(std::move(v)) {}
    std::string value; ///< escapes already decoded
};
/// A variable reference. The constants Inf, NaN and pi are parsed as DoubleLit, not Ident.
struct Ident : Expr {
    Ident(SourceLoc l, std::string n) : Expr(ExprKind::Ident, std::move(l)), name(std::move(n)) {}
    std::string name;
};
struct Unary : Expr {
    Unary(SourceLoc l, UnaryOp o, ExprPtr e)
        : Expr(ExprKind::Unary, std::move(l)), op(o), operand(std::move(e)) {}
    UnaryOp op;
    ExprPtr operand;
};
struct Binary : Expr {
    Binary(SourceLoc l, BinaryOp o, ExprPtr a, ExprPtr b)
        : Expr(ExprKind::Binary, std::move(l)), op(o), lhs(std::move(a)), rhs(std::move(b)) {}
    BinaryOp op;
    ExprPtr lhs, rhs;
};

/// One call argument, positional (name empty) or named (`rows=3`).
struct Arg {
    std::string name;
    ExprPtr value;
    SourceLoc loc;
};

/// What a call refers to; filled in by the validator.
enum class CallTarget { Unresolved, Builtin, Function };

/// `f(args)`, `ns::f(args)`. Builtins, user functions and script builtins all parse to Call.
struct Call : Expr {
    Call(SourceLoc l, std::string ns_, std::string n)
        : Expr(ExprKind::Call, std::move(l)), ns(std::move(ns_)), name(std::move(n)) {}
    std::string ns;   ///< namespace alias as written ("" if none)
    std::string name; ///< function name as written
    std::vector<Arg> args;
    // Resolution (validator):
    CallTarget target = CallTarget::Unresolved;
    int builtin_id = -1;                   ///< index into the builtin table when target == Builtin
    const FunctionDef *function = nullptr; ///< when target == Function
};

/// One dimension of an index expression: `i` (single), `a:b` (range), or empty (all).
struct IndexRange {
    ExprPtr lower;         ///< null when the bound is empty
    ExprPtr upper;         ///< null when not a range or when the upper bound is empty
    bool is_range = false; ///< a `:` was written
    bool all() const { return !lower && !upper && !is_range; }
};

/// `X[rows, cols]`, or `L[i]` / `L["key"]` for lists (has_cols == false).
struct Index : Expr {
    Index(SourceLoc l, ExprPtr t) : Expr(ExprKind::Index, std::move(l)), target(std::move(t)) {}
    ExprPtr target;
    IndexRange rows;
    IndexRange cols;
    bool has_cols = false; ///< a comma was written
};

// ------------------------------------------------------------------ statements
enum class StmtKind { Assign, ExprStmt, If, For, While, FunctionDefStmt };

struct Stmt {
    explicit Stmt(StmtKind k, SourceLoc l) : kind(k), loc(std::move(l)) {}
    virtual ~Stmt() = default;
    StmtKind kind;
    SourceLoc loc;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

/// The left side of an assignment: `x`, `X[i, j]`, `L[k]`.
struct LValue {
    std::string name;
    SourceLoc loc;
    bool indexed = false;
    IndexRange rows;
    IndexRange cols;
    bool has_cols = false;
};

/// `x = e`, `x <- e`, `x += e`, `X[i,] = e`, `[a, b] = f(...)`.
struct Assign : Stmt {
    Assign(SourceLoc l) : Stmt(StmtKind::Assign, std::move(l)) {}
    std::vector<LValue> targets; ///< one, or several for multi-assignment
    ExprPtr value;
    bool accumulate = false; ///< `+=`
    bool multi = false;      ///< written with brackets `[a, b] = ...`
};

/// A call used as a statement: `print(x)`, `f(a)`, `write(X, "f")`, `stop("m")`.
struct ExprStmt : Stmt {
    ExprStmt(SourceLoc l, ExprPtr e) : Stmt(StmtKind::ExprStmt, std::move(l)), expr(std::move(e)) {}
    ExprPtr expr;
};

struct If : Stmt {
    If(SourceLoc l) : Stmt(StmtKind::If, std::move(l)) {}
    ExprPtr cond;
    Block then_body;
    Block else_body; ///< `else if` is an If inside else_body
};

/// `for (i in from:to)`, `for (i in seq(from, to[, incr]))`, `parfor (...)`.
struct For : Stmt {
    For(SourceLoc l) : Stmt(StmtKind::For, std::move(l)) {}
    std::string var;
    SourceLoc var_loc;
    ExprPtr from;
    ExprPtr to;
    ExprPtr incr;        ///< null: +1 if from <= to else -1 (for a:b); seq() without incr likewise
    bool is_seq = false; ///< written as seq(...)
    bool parfor = false;
    std::vector<Arg>
        options; ///< parfor options (check=0, par=4, mode=LOCAL, ...); identifiers become StringLit
    Block body;
    /// parfor only, filled by the dependency analysis (parfor_check.h): variables left-indexed in the
    /// body that hold a value from before the iteration; their changed cells are merged after the loop.
    std::vector<std::string> result_vars;
};

struct While : Stmt {
    While(SourceLoc l) : Stmt(StmtKind::While, std::move(l)) {}
    ExprPtr cond;
    Block body;
};

/// A typed parameter or return value: `Matrix[Double] X = matrix(0,1,1)`.
struct Param {
    std::string name;
    SourceLoc loc;
    DataType data_type = DataType::Unknown;
    ValueType value_type = ValueType::Unknown;
    ExprPtr default_value; ///< null if none (always null for returns)
};

struct FunctionDef {
    std::string name;
    std::string ns_key; ///< the namespace (file) this function belongs to; "" for the main script
    SourceLoc loc;
    std::vector<Param> params;
    std::vector<Param> returns;
    Block body;
    bool external = false; ///< `externalFunction` (not supported; kept for a clear error)
};

/// `f = function(...) return (...) { ... }` at top level.
struct FunctionDefStmt : Stmt {
    FunctionDefStmt(SourceLoc l, std::shared_ptr<FunctionDef> f)
        : Stmt(StmtKind::FunctionDefStmt, std::move(l)), def(std::move(f)) {}
    std::shared_ptr<FunctionDef> def;
};

// ------------------------------------------------------------------ program
/// The functions of one source file plus the aliases it imported with `source(...) as ns`.
struct Namespace {
    std::string key; ///< "" for the main script, else the canonical path of the sourced file
    std::map<std::string, std::shared_ptr<FunctionDef>> functions;
    std::map<std::string, std::string> imports; ///< alias -> namespace key
};

/// A parsed script with everything it sources.
struct Program {
    std::shared_ptr<const SourceFile> main_file;
    Block body; ///< top-level statements of the main script, FunctionDefStmt removed
    std::map<std::string, Namespace> namespaces; ///< by key; "" is the main script
};

} // namespace linea::ast
