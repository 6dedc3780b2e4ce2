// Loop deduplication (-lineage dedup): a loop body's lineage is kept once per control path as a "patch"
// over placeholder inputs; each iteration's outputs become one small "dedup" item that refers to the patch.
#pragma once

#include "runtime/lineage/item.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace linea::lineage {

/// The lineage of one control path through a loop body, per output slot: the output's item with the
/// iteration's input items replaced by placeholders "P k" (k = position in `inputs`).
struct DedupPatch {
    struct Output {
        int slot;
        ItemPtr root;            ///< the patch DAG for this output
        std::vector<int> inputs; ///< input slots, in placeholder order
    };
    std::vector<Output> outputs;
};

/// Builds the patch of one traced iteration from the lineage frame before (`start`) and after (`end`) it.
/// nullopt when the iteration cannot be deduplicated: two input slots shared one item (ambiguous), or the
/// outputs contain items that differ between iterations of the same path (draws, reads, unique items).
std::optional<DedupPatch> make_patch(const std::vector<ItemPtr> &start, const std::vector<ItemPtr> &end);

/// The dedup item of output `out` of `patch` for an iteration whose inputs are `frame` (lineage frame at
/// the start of the iteration): opcode "dedup", inputs = [patch root, the input items].
ItemPtr dedup_item(const DedupPatch::Output &out, const std::vector<ItemPtr> &frame);

} // namespace linea::lineage
