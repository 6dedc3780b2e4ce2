// The nodes a root of a fused operator depends on: a root of a multi-aggregate evaluates only these.
#pragma once

#include "kernels/codegen/fused_op.h"

#include <vector>

namespace linea::kernels::codegen {

/// need[k]: node k is the root node `root` or one of its operands, directly or not (nodes are topological,
/// so one backward sweep from the root marks them all).
inline std::vector<bool> needed_nodes(const FusedOp &op, int root) {
    std::vector<bool> need(op.nodes.size(), false);
    need[static_cast<size_t>(root)] = true;
    for (int k = root; k >= 0; --k) {
        const FusedNode &n = op.nodes[static_cast<size_t>(k)];
        if (!need[static_cast<size_t>(k)] || n.kind == FusedNode::Kind::Input) continue;
        need[static_cast<size_t>(n.a)] = true;
        if (n.kind != FusedNode::Kind::Unary) need[static_cast<size_t>(n.b)] = true;
    }
    return need;
}

} // namespace linea::kernels::codegen
