// Which fused operators get a compiled reduction body (reduce_body.h).
#include "kernels/codegen/reduce_body.h"

namespace linea::kernels::codegen {

namespace {

/// The operators the JIT emits as inline IR on vectors of cells (IEEE operations, as apply_*).
bool inline_node(const FusedNode &n) {
    switch (n.kind) {
    case FusedNode::Kind::Input:
        return true;
    case FusedNode::Kind::Dot:
        return false;
    case FusedNode::Kind::Unary:
        return n.unary == UnaryOp::Neg || n.unary == UnaryOp::Abs || n.unary == UnaryOp::Sqrt ||
               n.unary == UnaryOp::Floor || n.unary == UnaryOp::Ceil;
    case FusedNode::Kind::Binary:
        switch (n.binary) {
        case BinaryOp::Add:
        case BinaryOp::Sub:
        case BinaryOp::Mul:
        case BinaryOp::Div:
        case BinaryOp::Lt:
        case BinaryOp::Le:
        case BinaryOp::Gt:
        case BinaryOp::Ge:
        case BinaryOp::Eq:
        case BinaryOp::Ne:
            return true;
        default:
            return false;
        }
    }
    return false;
}

} // namespace

bool reducible(const FusedOp &op) {
    if (op.agg != FusedAgg::Full || op.roots.empty()) return false;
    for (AggOp a : op.agg_ops)
        if (a != AggOp::Sum && a != AggOp::SumSq) return false;
    for (InputKind k : op.inputs)
        if (k != InputKind::Matrix && k != InputKind::RowVector && k != InputKind::Cell &&
            k != InputKind::Scalar)
            return false;
    for (const FusedNode &n : op.nodes)
        if (!inline_node(n)) return false;
    return true;
}

} // namespace linea::kernels::codegen
