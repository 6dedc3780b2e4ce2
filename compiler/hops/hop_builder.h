// Builds the HOP-level program (statement blocks with HOP DAGs) from a validated AST.
#pragma once

#include "compiler/hops/statement_block.h"
#include "language/ast.h"

#include <map>
#include <optional>

namespace linea::hops {

/// Builds the statement blocks of the main script and of every function in every namespace.
/// Throws DmlError for errors the validator cannot see (e.g. using a function without outputs as a value).
HopProgram build_hop_program(const ast::Program &prog);

/// Known (rows, cols) of matrix parameters, by parameter name.
using ParamSizes = std::map<std::string, std::pair<std::optional<int64_t>, std::optional<int64_t>>>;
/// Builds one function's blocks with the given parameter sizes (IPA: every call site agrees on them).
std::unique_ptr<FunctionBlocks> build_function_blocks(const ast::FunctionDef &fn, const ParamSizes &sizes);

} // namespace linea::hops
