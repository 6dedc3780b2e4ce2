#include "runtime/lineage/dedup.h"

#include <unordered_set>

namespace linea::lineage {

namespace {
/// Items whose data differs between iterations of one path cannot be shared through a patch.
bool varies_per_execution(const Item &it) {
    const std::string &d = it.data();
    return d.find(" seed=") != std::string::npos || d.find(" #") != std::string::npos ||
           d.find(" fp=") != std::string::npos || it.opcode() == "V" || it.opcode() == "input";
}

/// Rewrites `root` with every item of `boundary` replaced by a placeholder; records the slots used.
/// nullptr if an item that varies per execution is inside.
ItemPtr rewrite(const ItemPtr &root, const std::unordered_map<const Item *, int> &boundary,
                std::vector<int> &used) {
    std::unordered_map<const Item *, ItemPtr> done;
    std::unordered_map<int, ItemPtr> placeholders;
    std::vector<std::pair<const ItemPtr *, size_t>> stack{{&root, 0}};
    while (!stack.empty()) {
        auto &[p, i] = stack.back();
        const Item *it = p->get();
        if (done.count(it)) {
            stack.pop_back();
            continue;
        }
        auto b = boundary.find(it);
        if (b != boundary.end()) {
            auto &ph = placeholders[b->second];
            if (!ph) {
                ph = std::make_shared<const Item>("P", std::to_string(used.size()), std::vector<ItemPtr>{});
                used.push_back(b->second);
            }
            done[it] = ph;
            stack.pop_back();
            continue;
        }
        if (varies_per_execution(*it)) return nullptr;
        if (i < it->inputs().size()) {
            const ItemPtr &in = it->inputs()[i++];
            if (!done.count(in.get())) stack.emplace_back(&in, 0);
            continue;
        }
        std::vector<ItemPtr> ins;
        ins.reserve(it->inputs().size());
        for (const ItemPtr &in : it->inputs()) ins.push_back(done.at(in.get()));
        done[it] = std::make_shared<const Item>(it->opcode(), it->data(), std::move(ins));
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
        if (!end[s] || end[s] == start[s]) continue;
        DedupPatch::Output out;
        out.slot = static_cast<int>(s);
        out.root = rewrite(end[s], boundary, out.inputs);
        if (!out.root) return std::nullopt;
        patch.outputs.push_back(std::move(out));
    }
    return patch;
}

ItemPtr dedup_item(const DedupPatch::Output &out, const std::vector<ItemPtr> &frame) {
    std::vector<ItemPtr> ins;
    ins.reserve(out.inputs.size() + 1);
    ins.push_back(out.root);
    for (int s : out.inputs) ins.push_back(frame[static_cast<size_t>(s)]);
    return std::make_shared<const Item>("dedup", "", std::move(ins));
}

} // namespace linea::lineage
