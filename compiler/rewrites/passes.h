// The passes that are not single rules.
#pragma once

#include "compiler/hops/hop.h"

namespace linea::rewrites {

/// Merges structurally identical operators (leaves first); never merges non-deterministic operators
/// (rand/sample without a fixed seed), side effects or function calls. Returns the number of merges.
int common_subexpression_elimination(hops::HopDag &dag);

/// Replaces scalar operators over literals by their value, with exactly the run-time semantics.
int constant_folding(hops::HopDag &dag);

} // namespace linea::rewrites
