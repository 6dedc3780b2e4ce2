// Program-level rewrites over statement blocks (after the DAG rewrites folded predicates).
#pragma once

#include "compiler/hops/statement_block.h"
#include "compiler/rewrites/pass_manager.h"

namespace linea::rewrites {

/// Propagates scalar literals across blocks, removes branches with constant predicates (if (TRUE) / if (FALSE)), loops that never run
/// (while (FALSE)), and merges adjacent straight-line blocks into one DAG so CSE and the rules see
/// across them. Returns the number of changes; counts go to stats->fired.
int rewrite_program_structure(hops::HopProgram &prog, const RewriteOptions &opts, RewriteStats *stats);

} // namespace linea::rewrites
