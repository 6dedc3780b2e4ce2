// Program-level rewrites over statement blocks (after the DAG rewrites folded predicates).
#pragma once

#include "compiler/hops/statement_block.h"
#include "compiler/rewrites/pass_manager.h"

#include <map>

namespace linea::rewrites {

/// Propagates scalar literals across blocks, removes branches with constant predicates (if (TRUE) / if
/// (FALSE)), loops that never run (while (FALSE)), and merges adjacent straight-line blocks into one DAG so
/// CSE and the rules see across them. Returns the number of changes; counts go to stats->fired.
int rewrite_program_structure(hops::HopProgram &prog, const RewriteOptions &opts, RewriteStats *stats);

/// Substitutes known scalar values of variables (e.g. function parameters every call passes the same
/// literal for) into the blocks, following assignments and control flow. Returns substitutions made.
int propagate_scalar_constants(hops::BlockVec &blocks, const std::map<std::string, Value> &known);

/// Loop-invariant code motion (off by default, `-rewrites +loop_invariant_code_motion`): matrix
/// operators in a for-loop body whose inputs do not change in the loop are computed once before it.
/// While loops are left alone (they may run zero times). Returns the number of operators hoisted.
int hoist_loop_invariants(hops::HopProgram &prog, RewriteStats *stats);

} // namespace linea::rewrites
