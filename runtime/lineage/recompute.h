// Recomputation of a value from its lineage trace (an item DAG, e.g. parsed back from lineage(X) text).
#pragma once

#include "runtime/data/value.h"
#include "runtime/lineage/item.h"

#include <functional>
#include <optional>

namespace linea::rt {
class Program;
}

namespace linea::lineage {

struct RecomputeOptions {
    /// Values for leaves that carry no recipe: "V" items (values without a trace) and C API "input" items.
    std::function<std::optional<Value>(const Item &)> leaf;
    /// Functions for multi-level "fcall" items (keys of reused function calls); nullptr: such items fail.
    const rt::Program *program = nullptr;
    /// Base seed of the context the instructions run in (only matters for draws the trace does not pin).
    int64_t seed = 0;
};

/// Evaluates the DAG under `root` bottom-up, each item exactly once, by re-creating the instruction its
/// opcode and data describe (same kernels as the traced run, so the value is identical): literals, file
/// reads (the file's fingerprint must still match), rand/sample with their recorded seed, matrix
/// multiplication in every physical form, cell-wise/aggregate/reorg operators, indexing, builtins and,
/// given a program, function calls. Throws std::runtime_error naming the item it cannot recompute.
Value recompute(const ItemPtr &root, const RecomputeOptions &options = {});

/// Parses a literal item's data ("d:1.5", "i:3", "b:TRUE", "s:text", "-" = absent); nullopt otherwise.
std::optional<Value> literal_value(const std::string &data);

} // namespace linea::lineage
