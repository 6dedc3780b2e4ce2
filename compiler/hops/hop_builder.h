// Builds the HOP-level program (statement blocks with HOP DAGs) from a validated AST.
#pragma once

#include "compiler/hops/statement_block.h"
#include "language/ast.h"

namespace linea::hops {

/// Builds the statement blocks of the main script and of every function in every namespace.
/// Throws DmlError for errors the validator cannot see (e.g. using a function without outputs as a value).
HopProgram build_hop_program(const ast::Program &prog);

} // namespace linea::hops
