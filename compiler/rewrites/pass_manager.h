// Runs the rewrite passes over every DAG of a program, in the order DESIGN.md gives.
#pragma once

#include "compiler/hops/statement_block.h"

#include <map>
#include <set>
#include <string>

namespace linea::rewrites {

struct RewriteOptions {
    bool enabled = true;            ///< false: no pass runs at all (-rewrites off)
    std::set<std::string> disabled; ///< rule or pass names switched off (-rewrites -name,...)
    bool verify = false;            ///< verify every DAG after every pass (tests, debug builds)
    std::set<std::string>
        enabled_extra; ///< passes that are off by default (-rewrites +name): loop_invariant_code_motion,
                       ///< gram_of_cbind_blocks (also on with -lineage reuse_partial/reuse_hybrid)
};

struct RewriteStats {
    std::map<std::string, double> pass_seconds;
    std::map<std::string, int> fired; ///< rule or pass name -> applications
    std::string summary() const;
};

/// Optimizes all DAGs in place. Throws DmlError(Internal) when verification fails.
void optimize(hops::HopProgram &prog, const RewriteOptions &opts, RewriteStats *stats = nullptr);

/// The size-dependent part of optimize() for one DAG, used by dynamic recompilation once live sizes are
/// known.
void optimize_dynamic(hops::HopDag &dag, const RewriteOptions &opts, RewriteStats *stats = nullptr);

/// The names `-rewrites -name` accepts: the passes "cse" and "constant_folding" and every rule.
std::vector<std::string> rewrite_names();

} // namespace linea::rewrites
