// High-level operators (HOPs): the nodes of the DAG built for each last-level statement block.
#pragma once

#include "kernels/codegen/fused_op.h"
#include "kernels/ops.h"
#include "runtime/data/value.h"
#include "runtime/instructions/instructions.h"
#include "runtime/util/diagnostics.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace linea::ast {
struct FunctionDef;
}

namespace linea::hops {

enum class HopKind {
    Literal,        ///< a constant scalar
    TRead,          ///< read of a variable live into the block
    TWrite,         ///< write of a variable live out of the block (a root)
    Unary,          ///< cell-wise unary (scalar or matrix)
    Binary,         ///< cell-wise binary (scalar or matrix)
    Aggregate,      ///< full / row / column aggregate
    NaryMinMax,     ///< min/max over 3+ operands
    MatMult,        ///< %*%
    Reorg,          ///< t, rev, diag
    Index,          ///< right indexing
    LeftIndex,      ///< left indexing (X[i,j] = v), yields the updated X
    Builtin,        ///< generic native builtin (matrix, rand, seq, cbind, print, read, ...)
    FunctionCall,   ///< user or script-builtin function call (an ordered root)
    FunctionOutput, ///< output k of a FunctionCall (or of a multi-output Builtin / Fused operator)
    Fused,          ///< a fused operator planned by compiler/fusion (outputs > 1: FunctionOutput projections)
};

const char *to_string(HopKind k);

/// The physical matrix-multiply operator chosen at lowering (inputs change with the method).
enum class MatMultMethod {
    Default,   ///< A %*% B                      inputs {A, B}
    TsmmLeft,  ///< t(X) %*% X                   inputs {X}
    TsmmRight, ///< X %*% t(X)                   inputs {X}
    TransLeft, ///< t(X) %*% Y, no transpose     inputs {X, Y}
    MMChain,   ///< t(X) %*% (X %*% v)           inputs {X, v}
    MMChainW,  ///< t(X) %*% (w * (X %*% v))     inputs {X, v, w}
};

/// How an index dimension is written; its bounds are HOP inputs.
struct IndexDim {
    bool all = true;
    bool single = false;
};

struct Hop {
    int id = 0;
    HopKind kind = HopKind::Literal;
    std::string opcode; ///< display / SystemDS opcode
    std::vector<Hop *> inputs;
    std::vector<Hop *> parents;
    SourceLoc loc;

    // Data characteristics; nullopt = unknown.
    DataType data_type = DataType::Unknown;
    ValueType value_type = ValueType::Unknown;
    std::optional<int64_t> rows, cols, nnz;
    /// Estimated nnz when `nnz` is not known exactly (compiler/estim, from the inputs' nnz).
    std::optional<double> est_nnz;
    /// TRead at dynamic recompilation: the live block, for sketch-based sparsity estimates (compiler/estim).
    kernels::MatrixPtr live;

    // Payload by kind.
    Value literal;                                        ///< Literal
    std::string var;                                      ///< TRead / TWrite
    kernels::BinaryOp binary_op = kernels::BinaryOp::Add; ///< Binary
    kernels::UnaryOp unary_op = kernels::UnaryOp::Neg;    ///< Unary
    kernels::AggOp agg_op = kernels::AggOp::Sum;          ///< Aggregate
    kernels::AggDir agg_dir = kernels::AggDir::All;       ///< Aggregate
    rt::ReorgOp reorg_op = rt::ReorgOp::Transpose;        ///< Reorg
    MatMultMethod mm_method = MatMultMethod::Default;     ///< MatMult
    bool is_max = false;                                  ///< NaryMinMax
    IndexDim rows_dim, cols_dim;                          ///< Index / LeftIndex
    bool has_cols = true;                                 ///< Index / LeftIndex
    int builtin_id = -1;                                  ///< Builtin
    std::vector<std::string> arg_names;                   ///< Builtin (list names)
    std::vector<bool> arg_present;              ///< Builtin / FunctionCall: false = omitted argument
    const ast::FunctionDef *function = nullptr; ///< FunctionCall
    int num_outputs = 1;                        ///< Builtin / FunctionCall
    int output_index = 0;                       ///< FunctionOutput
    bool side_effect = false;                   ///< must run, in statement order
    std::shared_ptr<const kernels::codegen::FusedOp> fused; ///< Fused: the operator (inputs = its operands)

    bool is_scalar() const { return data_type == DataType::Scalar; }
    bool is_matrix() const { return data_type == DataType::Matrix; }
    /// "[rows,cols,nnz]" with "?" for unknowns.
    std::string dims_text() const;
    /// Estimated bytes of this operator's output: CSR bytes when its (estimated) nnz makes it sparse
    /// (kernels::prefer_sparse), else dense cells; nullopt when the size is unknown.
    std::optional<double> output_bytes() const;
    /// Estimated bytes the operation needs at once: its inputs plus its output.
    std::optional<double> operation_bytes() const;
};

/// The DAG of one basic block (or predicate): owns its nodes; roots run in order.
class HopDag {
public:
    Hop *add(std::unique_ptr<Hop> h);
    Hop *make(HopKind kind, std::string opcode, std::vector<Hop *> inputs, SourceLoc loc);
    const std::vector<std::unique_ptr<Hop>> &nodes() const { return nodes_; }
    std::vector<Hop *> roots; ///< side effects, function calls and TWrites, in execution order
    /// Makes every consumer of `old` (and any root that is `old`) use `repl` instead.
    void replace(Hop *old, Hop *repl);
    /// A deep copy of the nodes reachable from the roots, with the same roots (ids are fresh).
    std::unique_ptr<HopDag> clone() const;
    /// Takes over all nodes of `other` (which is left empty); roots are not changed.
    void adopt(HopDag &other);
    /// Recomputes parent lists from the nodes reachable from the roots (dead nodes get none).
    void rebuild_parents();
    /// Nodes reachable from the roots, inputs before consumers.
    std::vector<Hop *> topological() const;
    /// Checks structural invariants (acyclic, parent links, input counts); returns "" or a description.
    std::string verify() const;
    /// -explain hops text.
    std::string explain(int depth) const;

private:
    std::vector<std::unique_ptr<Hop>> nodes_;
    static int next_id_;
};

} // namespace linea::hops
