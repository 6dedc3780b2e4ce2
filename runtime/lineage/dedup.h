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
        ItemPtr root;            ///< the patch DAG for this output (null when copy_of is set)
        std::vector<int> inputs; ///< input slots, in placeholder order
        int copy_of = -1;        ///< >= 0: the output is the item this slot had at the start (a copy)
    };
    std::vector<Output> outputs;
    /// Slots that held an item at the start and none at the end (temporaries released in the body).
    std::vector<int> cleared;
};

/// Builds the patch of one traced iteration from the lineage frame before (`start`) and after (`end`) it.
/// nullopt when the iteration cannot be deduplicated: two input slots shared one item (ambiguous), or the
/// outputs contain items that differ between iterations of the same path (draws, reads, unique items).
std::optional<DedupPatch> make_patch(const std::vector<ItemPtr> &start, const std::vector<ItemPtr> &end);

/// The item of output `out` of a patch for an iteration whose inputs are `frame` (lineage frame at the
/// start of the iteration): the input's own item for a copy, else one item with opcode "dedup" and
/// inputs = [patch root, the input items].
ItemPtr dedup_item(const DedupPatch::Output &out, const std::vector<ItemPtr> &frame);

/// The placeholder item that stands for slot `slot` while a loop body is traced over placeholders
/// (opcode "P", data "s<slot>"); make_patch renumbers them into the patch's "P k" items.
ItemPtr slot_placeholder(int slot);

/// `roots` with every item that is a key of `with` replaced by its value (shared sub-DAGs stay shared;
/// null roots stay null): the real trace of an iteration traced over placeholders.
std::vector<ItemPtr> substitute(const std::vector<ItemPtr> &roots,
                                const std::unordered_map<const Item *, ItemPtr> &with);

} // namespace linea::lineage
