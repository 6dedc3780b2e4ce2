// Lowering: HOP DAGs -> runtime instructions with slot allocation and temporaries released at last use.
#pragma once

#include "compiler/hops/statement_block.h"
#include "runtime/program/program.h"

#include <memory>

namespace linea::lops {

/// Builds the runtime program for a HOP program (all functions and the main script).
std::unique_ptr<rt::Program> lower_program(const hops::HopProgram &hp);

} // namespace linea::lops
