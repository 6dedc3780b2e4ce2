// The compiler driver: source text -> parsed, validated AST -> HOP program -> runtime program.
#pragma once

#include "compiler/fusion/planner.h"
#include "compiler/hops/statement_block.h"
#include "compiler/rewrites/pass_manager.h"
#include "language/ast.h"
#include "language/validator.h"
#include "runtime/program/program.h"

#include <memory>

namespace linea {

struct CompileOptions {
    ParseOptions parse;
    std::string builtin_dir; ///< "" = find_builtin_dir()
    rewrites::RewriteOptions rewrites;
    /// Embedding: variables the host binds before each execution, and variables it reads back.
    std::vector<std::string> inputs, outputs;
    fusion::CodegenMode codegen = fusion::CodegenMode::Off; ///< -codegen (the engine default is On)
    bool explain_codegen = false;                           ///< -explain codegen
};

struct CompiledProgram {
    ast::Program ast;
    hops::HopProgram hops;
    std::unique_ptr<rt::Program> runtime;
    rewrites::RewriteStats rewrite_stats;
    double compile_seconds = 0;
    std::string codegen_explain; ///< -explain codegen: the fusion plans of the statically compiled blocks
};

/// Parses, validates and compiles a script. Throws DmlError.
std::unique_ptr<CompiledProgram> compile_script(std::shared_ptr<const SourceFile> file,
                                                const CompileOptions &opts);

} // namespace linea
