#include "runtime/program/block_reuse.h"

#include "runtime/lineage/cache.h"
#include "runtime/program/context.h"
#include "runtime/program/program.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>

namespace linea::rt {

namespace {
/// Operations expensive enough that a block containing one pays for the probe.
bool expensive_opcode(const std::string &op) {
    static const std::unordered_set<std::string> ops = {
        "ba+*", "tsmm", "mmchain", "solve", "inv", "cholesky", "eigen", "svd", "qr", "lu", "det"};
    return ops.count(op) > 0;
}
/// Fewer compute instructions than this (without an expensive one) are not worth a block-level probe.
constexpr int kMinComputeInstructions = 5;
/// Instructions that ran faster than this are not cached as a unit (the probe would cost about as much).
constexpr double kMinBlockSeconds = 2e-5;

std::atomic<uint64_t> next_block_id{0};

/// Whether an instruction may be part of a reusable block prefix (spec: its lineage spec).
bool reusable_in_block(const Instruction &in, const LineageSpec &spec) {
    if (!spec.traced || !spec.deterministic || spec.draws_seed || spec.file || spec.key_value) return false;
    if (spec.copy) return true;
    return spec.data != "lineage" && spec.outputs.size() == 1;
}

/// The cut of the first `length` instructions.
BlockCut make_cut(const InstrList &instrs, const std::vector<LineageSpec> &specs, size_t length) {
    BlockCut cut;
    cut.length = length;
    std::unordered_set<int> written;
    std::map<int, bool> live; // slot -> holds a value written here (true) or was emptied (false)
    int compute = 0;
    bool expensive = false;
    for (size_t i = 0; i < length; ++i) {
        const LineageSpec &spec = specs[i];
        if (!spec.copy) {
            compute++;
            expensive = expensive || expensive_opcode(instrs[i]->opcode());
        }
        for (const Operand *op : spec.inputs) {
            if (op->slot < 0 || written.count(op->slot)) continue;
            if (std::find(cut.inputs.begin(), cut.inputs.end(), op->slot) == cut.inputs.end())
                cut.inputs.push_back(op->slot);
        }
        for (int o : spec.outputs) {
            if (o < 0) continue;
            written.insert(o);
            live[o] = true;
        }
        for (int s : instrs[i]->release) live[s] = false;
    }
    for (const auto &[slot, holds] : live) (holds ? cut.outputs : cut.cleared).push_back(slot);
    cut.worth = (expensive || compute >= kMinComputeInstructions) && !cut.outputs.empty();
    return cut;
}
} // namespace

bool BlockReuseInfo::eligible() const {
    return std::any_of(cuts.begin(), cuts.end(), [](const BlockCut &c) { return c.worth; });
}

BlockReuseInfo analyze_block_reuse(const InstrList &instrs) {
    BlockReuseInfo info;
    std::vector<LineageSpec> specs;
    std::unordered_set<int> written;
    for (const auto &in : instrs) {
        LineageSpec spec = in->lineage_spec();
        if (!reusable_in_block(*in, spec)) break;
        const size_t index = specs.size();
        for (const Operand *op : spec.inputs) {
            if (op->slot < 0 || written.count(op->slot)) continue;
            if (std::find(info.inputs.begin(), info.inputs.end(), op->slot) != info.inputs.end()) continue;
            info.inputs.push_back(op->slot);
            info.first_read.push_back(index);
        }
        for (int o : spec.outputs)
            if (o >= 0) written.insert(o);
        specs.push_back(std::move(spec));
    }
    std::vector<size_t> lengths(info.first_read.begin(), info.first_read.end());
    lengths.push_back(specs.size());
    std::sort(lengths.begin(), lengths.end());
    lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
    for (size_t length : lengths)
        if (length > 0) info.cuts.push_back(make_cut(instrs, specs, length));
    info.id = ++next_block_id;
    return info;
}

void run_block_with_reuse(const InstrList &instrs, const BlockReuseInfo &info, ExecContext &ctx) {
    // The longest usable prefix: it ends before the first read of an input that is unbound, untraced or
    // derived from the running loop's variable (such a prefix never repeats with these inputs).
    size_t limit = info.cuts.empty() ? 0 : info.cuts.back().length;
    for (size_t k = 0; k < info.inputs.size(); ++k) {
        const int s = info.inputs[k];
        const Operand op = Operand::of_slot(s);
        if (ctx.frame()[static_cast<size_t>(s)].is_empty() || !ctx.lineage_frame()[static_cast<size_t>(s)] ||
            ctx.loop_tainted({&op})) {
            limit = std::min(limit, info.first_read[k]);
            break;
        }
    }
    const BlockCut *cut = nullptr;
    for (const BlockCut &c : info.cuts)
        if (c.length <= limit) cut = &c;
    if (!cut || !cut->worth) {
        run_instructions(instrs, ctx);
        return;
    }
    lineage::Cache *cache = ctx.cache();
    std::vector<lineage::ItemPtr> in_items;
    in_items.reserve(cut->inputs.size());
    for (int s : cut->inputs) in_items.push_back(ctx.lineage_frame()[static_cast<size_t>(s)]);
    const std::string id = "sb" + std::to_string(info.id) + ":" + std::to_string(cut->length);
    std::vector<lineage::ItemPtr> keys;
    keys.reserve(cut->outputs.size());
    bool all = true;
    for (size_t k = 0; k < cut->outputs.size(); ++k) {
        keys.push_back(
            std::make_shared<const lineage::Item>("sb", id + " out" + std::to_string(k), in_items));
        all = all && cache->contains(keys.back());
    }
    bool hit = false;
    if (all) {
        std::vector<std::pair<Value, lineage::ItemPtr>> values;
        for (const auto &key : keys) {
            auto v = cache->probe_bound(key, lineage::Cache::Level::Block);
            if (!v) break; // evicted by another worker meanwhile: compute the prefix
            values.push_back(std::move(*v));
        }
        if (values.size() == keys.size()) {
            hit = true;
            cache->note_block_hit();
            for (size_t k = 0; k < keys.size(); ++k) {
                const int o = cut->outputs[k];
                ctx.set(o, std::move(values[k].first));
                ctx.set_item(o, std::move(values[k].second));
                ctx.set_loop_taint(o, false);
            }
            for (int s : cut->cleared) {
                ctx.frame()[static_cast<size_t>(s)] = Value();
                ctx.lineage_frame()[static_cast<size_t>(s)] = nullptr;
            }
        }
    }
    if (!hit) {
        auto t0 = std::chrono::steady_clock::now();
        run_instruction_range(instrs, 0, cut->length, ctx);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        bool cacheable = dt >= kMinBlockSeconds;
        for (int o : cut->outputs) {
            const Value &v = ctx.frame()[static_cast<size_t>(o)];
            cacheable =
                cacheable && (v.is_matrix() || v.is_scalar()) && ctx.lineage_frame()[static_cast<size_t>(o)];
        }
        if (cacheable) {
            const double share = dt / static_cast<double>(keys.size()); // saved time is counted per output
            for (size_t k = 0; k < keys.size(); ++k) {
                const int o = cut->outputs[k];
                cache->put(keys[k], ctx.frame()[static_cast<size_t>(o)], share,
                           ctx.lineage_frame()[static_cast<size_t>(o)]);
            }
        }
    }
    run_instruction_range(instrs, cut->length, instrs.size(), ctx);
}

} // namespace linea::rt
