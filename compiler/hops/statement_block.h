// Compile-time statement blocks: the program structure between the AST and the runtime program.
#pragma once

#include "compiler/hops/hop.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace linea::ast {
struct FunctionDef;
}

namespace linea::hops {

enum class BlockKind { Basic, If, For, While };

struct StatementBlock {
    BlockKind kind = BlockKind::Basic;
    SourceLoc loc;
    /// Basic: the block's DAG. If/While: the predicate DAG (its value is `pred`). For: the header DAG
    /// computing from/to/incr.
    HopDag dag;
    Hop *pred = nullptr;
    Hop *from = nullptr, *to = nullptr, *incr = nullptr;
    std::string loop_var;
    bool is_seq = false;
    bool parfor = false;
    /// parfor: `par` and `tasksize` (header DAG roots, or null), the named options (mode, taskpartitioner,
    /// opt, ...) and the result variables from the dependency analysis.
    Hop *par = nullptr, *tasksize = nullptr;
    std::map<std::string, std::string> parfor_names;
    std::vector<std::string> result_vars;
    std::vector<std::unique_ptr<StatementBlock>> body;      ///< If: then; For/While: body
    std::vector<std::unique_ptr<StatementBlock>> else_body; ///< If only
};
using BlockVec = std::vector<std::unique_ptr<StatementBlock>>;

/// A function (or the main program) at the HOP level.
struct FunctionBlocks {
    std::string key; ///< qualified key, "" for main
    std::string display_name;
    const ast::FunctionDef *def = nullptr; ///< null for main
    /// Default-value DAGs per parameter (null when the parameter has no default).
    std::vector<std::unique_ptr<HopDag>> defaults;
    std::vector<Hop *> default_values;
    BlockVec blocks;
    /// Set by IPA: the function returns the same outputs for the same inputs (no rand/sample without a
    /// fixed seed, no eval, and it only calls deterministic functions). Lineage reuse relies on it.
    bool deterministic = true;
    /// Set by IPA: the function prints, writes files or stops (directly or through calls).
    bool side_effects = false;
};

struct HopProgram {
    FunctionBlocks main;
    std::map<std::string, std::unique_ptr<FunctionBlocks>> functions;
    std::string explain() const;
};

/// The key under which a function is compiled: "<ns_key>::<name>" ("::name" for the main script).
std::string function_key(const ast::FunctionDef &fn);

} // namespace linea::hops
