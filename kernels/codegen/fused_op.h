// Fused operators: a small DAG of cell-wise operations over inputs of one shape (plus row/column
// vectors and scalars), optionally aggregated, evaluated in one pass without intermediates.
#pragma once

#include "kernels/ops.h"

#include <cstdint>
#include <string>
#include <vector>

namespace linea::kernels::codegen {

/// How an input maps onto the rows x cols result.
enum class InputKind {
    Matrix,     ///< rows x cols, cell (i, j)
    RowVector,  ///< 1 x cols, cell (0, j)
    ColVector,  ///< rows x 1, cell (i, 0)
    Cell,       ///< a 1x1 matrix broadcast to every cell
    Scalar,     ///< a scalar operand
    OuterLeft,  ///< U (rows x k) of an outer product U %*% t(V): row i
    OuterRight, ///< V (cols x k) of an outer product U %*% t(V): row j
};

/// One operation of the fused expression; operands refer to earlier nodes. A Dot node is cell (i, j) of
/// the outer product U %*% t(V): the dot product of row i of input node `a` (OuterLeft) and row j of input
/// node `b` (OuterRight), so U %*% t(V) is never materialized (SystemDS's outer template).
struct FusedNode {
    enum class Kind { Input, Unary, Binary, Dot };
    Kind kind = Kind::Input;
    int input = -1; ///< Input: index into FusedOp::inputs
    UnaryOp unary = UnaryOp::Neg;
    BinaryOp binary = BinaryOp::Add;
    int a = -1, b = -1;
    std::string opcode;           ///< the opcode of the unfused operator (its lineage item's opcode)
    std::string transpose_opcode; ///< Dot: the opcode of the unfused t(V) (its lineage item's opcode)
};

/// What the fused operator does with the values of its root node(s).
enum class FusedAgg {
    None, ///< the rows x cols matrix of the (single) root
    Full, ///< one full aggregate per root (several roots = a multi-aggregate)
    Row,  ///< a rows x 1 aggregate of the single root
    Col,  ///< a 1 x cols aggregate of the single root
    /// Row template, no nodes besides the inputs: t(X) %*% (w * (X %*% v)), a cols x 1 result, in one pass
    /// over the rows of X (input 0, the driver); v (input 1, cols x 1) and w (input 2, rows x 1, optional).
    MMChain,
};

/// A fused cell-wise operator (aggregates Sum, SumSq, Min or Max), or a row template (FusedAgg::MMChain).
struct FusedOp {
    std::vector<InputKind> inputs;
    std::vector<FusedNode> nodes; ///< topological: operands precede their users
    std::vector<int> roots;       ///< one node per output
    FusedAgg agg = FusedAgg::None;
    std::vector<AggOp> agg_ops;           ///< per root when agg != None
    std::vector<std::string> agg_opcodes; ///< per root: the unfused aggregate's opcode
    int driver = 0; ///< the Matrix input that gives the shape (and drives sparse passes)

    /// A canonical text of the operator (structure, not operand values): equal signatures compute the same.
    std::string signature() const;
    /// True when every root is 0 wherever the driver is 0, whatever the other inputs hold (finite values),
    /// so a sparse driver's non-zeros are the only cells to visit.
    bool sparse_safe() const;
    /// True when a node is a Dot (an outer product): such operators have compiled sparse-safe bodies only
    /// (sparse_span.h); their dense passes are interpreted.
    bool has_outer() const;
    /// One line per node and output, for -explain codegen.
    std::string explain() const;
};

/// The run-time operands: a matrix per Matrix/RowVector/ColVector/Cell input, a value per Scalar input.
struct FusedArg {
    const MatrixBlock *matrix = nullptr;
    double scalar = 0.0;
};

/// The outputs: one matrix (None, Row, Col; sparse with the driver's pattern after a sparse-safe pass) or one
/// double per root (Full).
struct FusedResult {
    MatrixPtr matrix;
    std::vector<double> values;
};

/// A compiled span body: writes the root `root` of cells (i, j0 .. j0+n) of a dense evaluation into out.
/// `ptrs[k]` is input k's dense data (or its scalar value's address); `cols` is the result's width.
using SpanFn = void (*)(const double *const *ptrs, int64_t cols, int64_t i, int64_t j0, int64_t n,
                        double *out);

/// Evaluates the fused operator. `spans` holds one compiled body per root (LLVM JIT), or is empty to
/// interpret. Reductions follow the unfused kernels' order (Kahan lanes, fixed chunks), so dense results are
/// bit-identical to the unfused plan. Throws KernelError for shape mismatches.
FusedResult run_fused(const FusedOp &op, const std::vector<FusedArg> &args, const std::vector<SpanFn> &spans);

} // namespace linea::kernels::codegen
