// Lowering: HOP DAGs -> runtime instructions with slot allocation and temporaries released at last use.
#pragma once

#include "compiler/fusion/planner.h"
#include "compiler/hops/statement_block.h"
#include "compiler/rewrites/pass_manager.h"
#include "runtime/program/program.h"

#include <memory>

namespace linea::lops {

struct LoweringOptions {
    /// Attach a recompiler to blocks whose matrix sizes are unknown at compile time.
    bool dynamic_recompilation = true;
    /// What recompilation runs: the size-dependent rewrites and physical operator selection.
    rewrites::RewriteOptions rewrites;
    bool physical_operators = true;
    /// Embedding: variables bound before the main program runs, and variables it hands back (in order).
    std::vector<std::string> main_inputs, main_outputs;
    /// -codegen: fuse cell-wise chains and aggregates into fused operators (JIT or interpreted), or not.
    fusion::CodegenMode codegen = fusion::CodegenMode::Off;
    /// -explain codegen: static plans are appended to `codegen_report`, recompiled ones printed when run.
    bool explain_codegen = false;
    std::string *codegen_report = nullptr;
};

/// Builds the runtime program for a HOP program (all functions and the main script).
/// Physical operators are chosen here, per DAG, after a recompiler (if any) copied the DAG.
std::unique_ptr<rt::Program> lower_program(hops::HopProgram &hp, const LoweringOptions &opts = {});

} // namespace linea::lops
