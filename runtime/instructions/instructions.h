// The instruction families. Each family is implemented in its own .cpp file in this folder.
#pragma once

#include "kernels/ops.h"
#include "runtime/lineage/item.h"
#include "runtime/program/instruction.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace linea::rt {

class Function;

/// Rethrows a kernel or conversion failure as a runtime DmlError at `loc`.
[[noreturn]] void rethrow_at(const SourceLoc &loc);

/// The scalar semantics of the DML binary operators (int/double/bool/string), shared by the
/// instructions and by constant folding. Throws DmlError at `loc` for invalid operands.
Value scalar_binary_op(kernels::BinaryOp op, const Value &a, const Value &b, const SourceLoc &loc);
/// The scalar semantics of unary operators on a numeric scalar.
Value scalar_unary_op(kernels::UnaryOp op, const Value &a);

/// out = in (variable assignment, `cpvar`).
class CopyInstruction : public Instruction {
public:
    CopyInstruction(Operand in, int out, SourceLoc loc)
        : Instruction("cpvar", std::move(loc)), in_(std::move(in)), out_(out) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    Operand in_;
    int out_;
};

/// The DML binary operators on scalars and matrices (cell-wise with broadcasting), string concatenation
/// and string comparison.
enum class BinaryKind { Arith, Compare, Logical };
class BinaryInstruction : public Instruction {
public:
    BinaryInstruction(std::string_view opcode, kernels::BinaryOp op, Operand a, Operand b, int out,
                      SourceLoc loc)
        : Instruction(opcode, std::move(loc)), op_(op), a_(std::move(a)), b_(std::move(b)), out_(out) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    kernels::BinaryOp op_;
    Operand a_, b_;
    int out_;
};

/// Cell-wise unary functions (and unary minus / not) on scalars and matrices.
class UnaryInstruction : public Instruction {
public:
    UnaryInstruction(std::string_view opcode, kernels::UnaryOp op, Operand a, int out, SourceLoc loc)
        : Instruction(opcode, std::move(loc)), op_(op), a_(std::move(a)), out_(out) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    kernels::UnaryOp op_;
    Operand a_;
    int out_;
};

/// Full, row and column aggregates.
class AggregateInstruction : public Instruction {
public:
    AggregateInstruction(std::string_view opcode, kernels::AggOp op, kernels::AggDir dir, Operand a, int out,
                         SourceLoc loc)
        : Instruction(opcode, std::move(loc)), op_(op), dir_(dir), a_(std::move(a)), out_(out) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    kernels::AggOp op_;
    kernels::AggDir dir_;
    Operand a_;
    int out_;
};

/// n-ary min/max over scalars and matrices.
class NaryMinMaxInstruction : public Instruction {
public:
    NaryMinMaxInstruction(bool is_max, std::vector<Operand> in, int out, SourceLoc loc)
        : Instruction(is_max ? "nmax" : "nmin", std::move(loc)), is_max_(is_max), in_(std::move(in)),
          out_(out) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    bool is_max_;
    std::vector<Operand> in_;
    int out_;
};

/// The physical forms of matrix multiplication (inputs per form in brackets).
enum class MatMultKind {
    Plain,     ///< A %*% B                     [A, B]   `ba+*`
    TsmmLeft,  ///< t(X) %*% X                  [X]      `tsmm`
    TsmmRight, ///< X %*% t(X)                  [X]      `tsmm`
    TransLeft, ///< t(X) %*% Y                  [X, Y]   `ba+*`
    MMChain,   ///< t(X) %*% (X %*% v)          [X, v]   `mmchain`
    MMChainW,  ///< t(X) %*% (w * (X %*% v))    [X, v, w] `mmchain`
};

/// Matrix multiplication in one of its physical forms; none materialises a transpose. `out_format` is
/// the compiler's expectation from the sparsity estimate (Sparse: build CSR directly; `-explain` shows
/// "out=csr").
class MatMultInstruction : public Instruction {
public:
    MatMultInstruction(MatMultKind kind, std::vector<Operand> in, int out, SourceLoc loc,
                       kernels::FormatHint out_format = kernels::FormatHint::None);
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;
    kernels::FormatHint out_format() const { return out_format_; }

private:
    MatMultKind kind_;
    std::vector<Operand> in_;
    int out_;
    kernels::FormatHint out_format_;
};

enum class ReorgOp { Transpose, Rev, Diag };
class ReorgInstruction : public Instruction {
public:
    ReorgInstruction(ReorgOp op, Operand a, int out, SourceLoc loc);
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    ReorgOp op_;
    Operand a_;
    int out_;
};

/// One index dimension at run time: lower/upper operands (1-based, inclusive); `all` = whole range;
/// `single` = just lower.
struct IndexSpec {
    bool all = true;
    bool single = false;
    Operand lower, upper;
};

/// Right indexing X[rl:ru, cl:cu] on matrices; L[i] / L["k"] / L[a:b] on lists.
class IndexInstruction : public Instruction {
public:
    IndexInstruction(Operand target, IndexSpec rows, IndexSpec cols, bool has_cols, int out, SourceLoc loc)
        : Instruction("rightIndex", std::move(loc)), target_(std::move(target)), rows_(std::move(rows)),
          cols_(std::move(cols)), has_cols_(has_cols), out_(out) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    Operand target_;
    IndexSpec rows_, cols_;
    bool has_cols_;
    int out_;
};

/// Left indexing X[rl:ru, cl:cu] = v (matrix or scalar v); L[i] = v on lists.
class LeftIndexInstruction : public Instruction {
public:
    LeftIndexInstruction(Operand target, Operand value, IndexSpec rows, IndexSpec cols, bool has_cols,
                         int out, SourceLoc loc)
        : Instruction("leftIndex", std::move(loc)), target_(std::move(target)), value_(std::move(value)),
          rows_(std::move(rows)), cols_(std::move(cols)), has_cols_(has_cols), out_(out) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    Operand target_, value_;
    IndexSpec rows_, cols_;
    bool has_cols_;
    int out_;
};

/// Arguments and results of one generic builtin call.
struct BuiltinArgs {
    ExecContext &ctx;
    const SourceLoc &loc;
    std::vector<Value> args;               ///< positional, in the builtin's parameter order; empty = absent
    const std::vector<std::string> &names; ///< argument names for builtins that take any names (list)
    std::vector<Value> outputs;
    std::vector<lineage::ItemPtr> items; ///< the arguments' lineage items when tracing, else empty
};
/// The lineage of element `name` (or 1-based `pos` when name is empty) of a list with lineage `list`,
/// found through the list(...) and single-key left-indexing items that built it, so an element keeps
/// its own lineage; a derived item when the trace does not say.
lineage::ItemPtr list_element_item(const lineage::ItemPtr &list, const std::string &name, int64_t pos);
using BuiltinFn = std::function<void(BuiltinArgs &)>;
/// The run-time implementation of a generic native builtin by DML name; nullptr if none.
const BuiltinFn *find_builtin_fn(std::string_view name);
/// A table of builtin implementations by DML name.
using BuiltinFnTable = std::unordered_map<std::string_view, BuiltinFn>;
/// Builtins implemented in builtin_functions.cpp (construction, casts, lists, printing, I/O, eval).
const BuiltinFnTable &core_builtin_fns();
/// Builtins implemented in builtin_functions_ext.cpp (the rest of the native builtin set).
const BuiltinFnTable &extended_builtin_fns();

/// A generic native builtin call (matrix, rand, seq, cbind, print, read, write, ...).
class BuiltinInstruction : public Instruction {
public:
    BuiltinInstruction(std::string_view opcode, std::string name, const BuiltinFn *fn,
                       std::vector<Operand> in, std::vector<std::string> names, std::vector<int> out,
                       SourceLoc loc)
        : Instruction(opcode, std::move(loc)), name_(std::move(name)), fn_(fn), in_(std::move(in)),
          names_(std::move(names)), out_(std::move(out)) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    std::string name_;
    const BuiltinFn *fn_;
    std::vector<Operand> in_; ///< slot < 0 with an empty constant = argument absent
    std::vector<std::string> names_;
    std::vector<int> out_;
};

/// A call of a user-defined (or script-builtin) function: `fcall`.
class FunctionCallInstruction : public Instruction {
public:
    FunctionCallInstruction(const Function *fn, std::vector<Operand> args, std::vector<int> out,
                            SourceLoc loc)
        : Instruction("fcall", std::move(loc)), fn_(fn), args_(std::move(args)), out_(std::move(out)) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    /// Set by the compiler after all functions exist (functions may be called before they are compiled).
    void set_function(const Function *fn) { fn_ = fn; }

private:
    const Function *fn_;
    std::vector<Operand> args_; ///< one per parameter; absent = empty constant
    std::vector<int> out_;      ///< -1 for outputs that are not bound
};

} // namespace linea::rt
