// Inter-procedural analysis over the HOP program: the call graph, removal of unused functions,
// determinism and side-effect flags, and inlining of small single-block functions.
#pragma once

#include "compiler/hops/statement_block.h"

#include <map>
#include <string>

namespace linea::ipa {

struct IpaOptions {
    bool remove_unused = true;
    bool inline_functions = true;
    bool propagate_constants =
        true;                     ///< scalar literals and matrix sizes every call site passes for a parameter
    size_t max_inline_nodes = 64; ///< callee DAG size limit for inlining
};

struct IpaStats {
    int removed_functions = 0;
    int inlined_calls = 0;
    int propagated_constants = 0;
    int sized_functions = 0; ///< functions rebuilt with the matrix sizes all their call sites agree on
};

/// Runs the analyses in place. Flags are computed for every function that remains.
IpaStats run_ipa(hops::HopProgram &prog, const IpaOptions &opts);

} // namespace linea::ipa
