#include "runtime/lineage/dedup.h"

namespace linea::lineage {

namespace {
/// Items whose data differs between iterations of one path cannot be shared through a patch.
bool varies_per_execution(const Item &it) {
    const std::string &d = it.data();
    return d.find(" seed=") != std::string::npos || d.find(" #") != std::string::npos ||
           d.find(" fp=") != std::string::npos || it.opcode() == "V" || it.opcode() == "input";
}

/// Copies the DAG under `root` bottom-up without recursion: an item for which `replace` gives non-null
/// becomes that item (its inputs are not visited); an item none of whose inputs changed stays itself.
/// nullptr when `reject` holds for a visited item. `done` memoizes across calls (shared sub-DAGs).
template <class Replace, class Reject>
ItemPtr copy_dag(const ItemPtr &root, std::unordered_map<const Item *, ItemPtr> &done, Replace replace,
                 Reject reject) {
    std::vector<std::pair<const ItemPtr *, size_t>> stack{{&root, 0}};
    while (!stack.empty()) {
        auto &[p, i] = stack.back();
        const Item *it = p->get();
        if (done.count(it)) {
            stack.pop_back();
            continue;
        }
        if (i == 0) {
            if (ItemPtr r = replace(*it)) {
                done[it] = std::move(r);
                stack.pop_back();
                continue;
            }
            if (reject(*it)) return nullptr;
        }
        if (i < it->inputs().size()) {
            const ItemPtr &in = it->inputs()[i++];
            if (!done.count(in.get())) stack.emplace_back(&in, 0);
            continue;
        }
        ItemList ins;
        ins.reserve(it->inputs().size());
        bool same = true;
        for (const ItemPtr &in : it->inputs()) {
            ins.push_back(done.at(in.get()));
            same = same && ins.back() == in;
        }
        done[it] = same ? *p : Item::make(it->opcode(), it->data(), std::move(ins));
        stack.pop_back();
    }
    return done.at(root.get());
}
} // namespace

std::optional<DedupPatch> make_patch(const std::vector<ItemPtr> &start, const std::vector<ItemPtr> &end) {
    std::unordered_map<const Item *, int> boundary;
    for (size_t s = 0; s < start.size(); ++s) {
        if (!start[s]) continue;
        if (!boundary.emplace(start[s].get(), static_cast<int>(s)).second) return std::nullopt; // ambiguous
    }
    DedupPatch patch;
    for (size_t s = 0; s < end.size() && s < start.size(); ++s) {
        if (end[s] == start[s]) continue;
        if (!end[s]) {
            patch.cleared.push_back(static_cast<int>(s));
            continue;
        }
        DedupPatch::Output out;
        out.slot = static_cast<int>(s);
        auto copy = boundary.find(end[s].get());
        if (copy != boundary.end()) {
            out.copy_of = copy->second;
            patch.outputs.push_back(std::move(out));
            continue;
        }
        // Placeholders are numbered per output, in the order the rewrite meets the inputs.
        std::unordered_map<const Item *, ItemPtr> done;
        std::unordered_map<int, ItemPtr> placeholders;
        auto replace = [&](const Item &it) -> ItemPtr {
            auto b = boundary.find(&it);
            if (b == boundary.end()) return nullptr;
            ItemPtr &ph = placeholders[b->second];
            if (!ph) {
                ph = Item::make("P", std::to_string(out.inputs.size()), ItemList{});
                out.inputs.push_back(b->second);
            }
            return ph;
        };
        out.root = copy_dag(end[s], done, replace, [](const Item &it) { return varies_per_execution(it); });
        if (!out.root) return std::nullopt;
        patch.outputs.push_back(std::move(out));
    }
    return patch;
}

ItemPtr dedup_item(const DedupPatch::Output &out, const std::vector<ItemPtr> &frame) {
    if (out.copy_of >= 0) return frame[static_cast<size_t>(out.copy_of)];
    ItemList ins;
    ins.reserve(out.inputs.size() + 1);
    ins.push_back(out.root);
    for (int s : out.inputs) ins.push_back(frame[static_cast<size_t>(s)]);
    static const uint64_t head = Item::head_hash("dedup", "");
    return Item::make("dedup", "", std::move(ins), head);
}

ItemPtr slot_placeholder(int slot) {
    return Item::make("P", "s" + std::to_string(slot), ItemList{});
}

std::vector<ItemPtr> substitute(const std::vector<ItemPtr> &roots,
                                const std::unordered_map<const Item *, ItemPtr> &with) {
    std::unordered_map<const Item *, ItemPtr> done;
    std::vector<ItemPtr> out;
    out.reserve(roots.size());
    auto replace = [&](const Item &it) -> ItemPtr {
        auto w = with.find(&it);
        return w == with.end() ? nullptr : w->second;
    };
    for (const ItemPtr &r : roots)
        out.push_back(r ? copy_dag(r, done, replace, [](const Item &) { return false; }) : nullptr);
    return out;
}

} // namespace linea::lineage
