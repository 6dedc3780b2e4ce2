// Data characteristics (data type, value type, rows, cols) of HOPs computed from their inputs.
#pragma once

#include "compiler/hops/hop.h"

namespace linea::hops {

/// Recomputes h's data type, value type and dimensions from its inputs for the operator kinds whose
/// output follows from the inputs (unary, binary, aggregate, matmult, reorg, n-ary, indexing).
/// Other kinds (literals, reads, builtins, function calls) keep what the builder set.
void infer(Hop *h);

/// Re-infers every HOP reachable from the roots, inputs before consumers (after rewrites).
void propagate(HopDag &dag);

/// Integer value of a non-negative integral numeric literal.
std::optional<int64_t> literal_int(const Hop *h);

} // namespace linea::hops
