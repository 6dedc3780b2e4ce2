// The fused operator's canonical signature, sparse-safety analysis and explain text.
#include "kernels/codegen/fused_op.h"

namespace linea::kernels::codegen {

namespace {

const char *kind_name(InputKind k) {
    switch (k) {
    case InputKind::Matrix:
        return "M";
    case InputKind::RowVector:
        return "R";
    case InputKind::ColVector:
        return "C";
    case InputKind::Cell:
        return "1";
    case InputKind::Scalar:
        return "s";
    case InputKind::OuterLeft:
        return "U";
    case InputKind::OuterRight:
        return "V";
    }
    return "?";
}

const char *agg_name(FusedAgg a) {
    switch (a) {
    case FusedAgg::None:
        return "none";
    case FusedAgg::Full:
        return "full";
    case FusedAgg::Row:
        return "row";
    case FusedAgg::Col:
        return "col";
    case FusedAgg::MMChain:
        return "mmchain";
    }
    return "?";
}

} // namespace

std::string FusedOp::signature() const {
    std::string s = std::string("agg=") + agg_name(agg) + " d=" + std::to_string(driver) + " in=";
    for (InputKind k : inputs) s += kind_name(k);
    for (const FusedNode &n : nodes) {
        switch (n.kind) {
        case FusedNode::Kind::Input:
            s += " i" + std::to_string(n.input);
            break;
        case FusedNode::Kind::Unary:
            s += " u" + std::to_string(static_cast<int>(n.unary)) + "(" + std::to_string(n.a) + ")";
            break;
        case FusedNode::Kind::Binary:
            s += " b" + std::to_string(static_cast<int>(n.binary)) + "(" + std::to_string(n.a) + "," +
                 std::to_string(n.b) + ")";
            break;
        case FusedNode::Kind::Dot:
            s += " dot(" + std::to_string(n.a) + "," + std::to_string(n.b) + ")";
            break;
        }
    }
    s += " ->";
    for (size_t r = 0; r < roots.size(); ++r) {
        s += " " + std::to_string(roots[r]);
        if (agg != FusedAgg::None) s += ":" + std::to_string(static_cast<int>(agg_ops[r]));
    }
    return s;
}

bool FusedOp::sparse_safe() const {
    if (agg == FusedAgg::MMChain) return false; // the row template reads a CSR X itself
    // zero[k]: node k is 0 wherever the driver is 0 (for finite values of the other inputs).
    std::vector<bool> zero(nodes.size(), false);
    for (size_t k = 0; k < nodes.size(); ++k) {
        const FusedNode &n = nodes[k];
        switch (n.kind) {
        case FusedNode::Kind::Input:
            zero[k] = n.input == driver;
            break;
        case FusedNode::Kind::Unary:
            zero[k] = zero[static_cast<size_t>(n.a)] && apply_unary(n.unary, 0.0) == 0.0;
            break;
        case FusedNode::Kind::Binary: {
            const bool za = zero[static_cast<size_t>(n.a)], zb = zero[static_cast<size_t>(n.b)];
            if (n.binary == BinaryOp::Mul || n.binary == BinaryOp::And)
                zero[k] = za || zb;
            else if (n.binary == BinaryOp::Add || n.binary == BinaryOp::Sub || n.binary == BinaryOp::Min ||
                     n.binary == BinaryOp::Max || n.binary == BinaryOp::Or || n.binary == BinaryOp::Xor ||
                     n.binary == BinaryOp::Ne)
                zero[k] = za && zb;
            break;
        }
        case FusedNode::Kind::Dot:
            break;
        }
    }
    // Min/max aggregates see the implicit zeros too, so only sums may skip them.
    for (size_t r = 0; r < roots.size(); ++r) {
        if (!zero[static_cast<size_t>(roots[r])]) return false;
        if (agg != FusedAgg::None && agg_ops[r] != AggOp::Sum && agg_ops[r] != AggOp::SumSq) return false;
    }
    return agg != FusedAgg::Col;
}

bool FusedOp::has_outer() const {
    for (const FusedNode &n : nodes)
        if (n.kind == FusedNode::Kind::Dot) return true;
    return false;
}

std::string FusedOp::explain() const {
    std::string s;
    for (size_t k = 0; k < nodes.size(); ++k) {
        const FusedNode &n = nodes[k];
        s += "    n" + std::to_string(k) + " = ";
        switch (n.kind) {
        case FusedNode::Kind::Input:
            s += std::string("in") + std::to_string(n.input) + " [" +
                 kind_name(inputs[static_cast<size_t>(n.input)]) + "]";
            break;
        case FusedNode::Kind::Unary:
            s += n.opcode + "(n" + std::to_string(n.a) + ")";
            break;
        case FusedNode::Kind::Binary:
            s += n.opcode + "(n" + std::to_string(n.a) + ", n" + std::to_string(n.b) + ")";
            break;
        case FusedNode::Kind::Dot:
            s += "outer " + n.opcode + "(n" + std::to_string(n.a) + ", " + n.transpose_opcode + "(n" +
                 std::to_string(n.b) + "))";
            break;
        }
        s += "\n";
    }
    if (agg == FusedAgg::MMChain)
        s += "    out0 = " + (agg_opcodes.empty() ? std::string("mmchain") : agg_opcodes[0]) +
             " t(n0) %*% (" + (inputs.size() > 2 ? "n2 * " : "") +
             "(n0 %*% n1)), one pass over the rows of n0\n";
    for (size_t r = 0; r < roots.size(); ++r) {
        s += "    out" + std::to_string(r) + " = ";
        s += agg == FusedAgg::None ? "n" + std::to_string(roots[r])
                                   : agg_opcodes[r] + "(n" + std::to_string(roots[r]) + ")";
        s += "\n";
    }
    return s;
}

} // namespace linea::kernels::codegen
