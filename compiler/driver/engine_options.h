// Options shared by the `linea` command and the C API (parsed from CLI syntax).
#pragma once

#include "compiler/compiler.h"
#include "runtime/lineage/cache.h"
#include "runtime/program/context.h"

#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace linea {

/// A bad option or option value; the message says which and what is expected.
class OptionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct EngineOptions {
    bool stats = false;
    int stats_k = 10;
    std::string explain;
    int64_t seed = -1;
    int threads = 0;
    bool rewrites = true;
    std::set<std::string> disabled_rewrites;
    std::set<std::string> enabled_rewrites;
    bool lineage = false;
    bool reuse = false;
    bool multilevel = false;
    bool partial = false; ///< reuse_partial / reuse_hybrid: compensation plans from cached relatives
    bool dedup = false;   ///< -lineage dedup
    enum class Policy { CostNSize, Lru, DagHeight };
    Policy policy = Policy::CostNSize;                   ///< -lineage policy_*
    int64_t lineage_budget = -1;                         ///< bytes; -1 = 5% of physical memory
    lineage::SpillMode spill = lineage::SpillMode::Auto; ///< -lineage-spill auto|always|never
    bool force_sparse = false; ///< -sparse force: every block with a zero cell is CSR (a test configuration)
    /// -codegen on|off|interpret: fused operators compiled by LLVM, no fusion, or fused and interpreted.
    fusion::CodegenMode codegen = fusion::CodegenMode::On;
};

/// If args[i] is an engine option (-stats, -explain, -seed, -threads, -rewrites, -lineage, -lineage-budget,
/// -lineage-spill, -sparse, -codegen),
/// consumes it and its values (advancing i to the last one consumed) and returns true; else returns false.
/// Throws OptionError for bad values.
bool parse_engine_option(const std::vector<std::string> &args, size_t &i, EngineOptions &o);

/// Parses a whole option string in CLI syntax ("-lineage reuse_full -threads 2"); throws OptionError.
EngineOptions parse_engine_options(const std::string &text);

CompileOptions compile_options(const EngineOptions &o);
rt::RuntimeOptions runtime_options(const EngineOptions &o);
/// The lineage cache the options ask for, or nullptr when reuse is off.
std::unique_ptr<lineage::Cache> make_cache(const EngineOptions &o);

/// The usage text of the engine options.
extern const char *kEngineOptionsUsage;

} // namespace linea
