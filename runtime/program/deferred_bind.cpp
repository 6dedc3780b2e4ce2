// The static and run-time conditions under which a cbind/rbind waits for its only reader.
#include "runtime/program/deferred_bind.h"

#include <algorithm>

namespace linea::rt {

namespace {
bool contains(const std::vector<int> &slots, int s) {
    return std::find(slots.begin(), slots.end(), s) != slots.end();
}

/// The value of an operand, or nullptr for an empty slot.
const Value *value_of(const Operand &op, ExecContext &ctx) {
    if (op.slot < 0) return &op.constant;
    const Value &v = ctx.frame()[static_cast<size_t>(op.slot)];
    return v.is_empty() ? nullptr : &v;
}

/// The bind's inputs are all matrices with equal rows (cbind) or columns (rbind): it cannot fail.
bool fits(const LineageSpec &spec, bool columns, ExecContext &ctx) {
    int64_t extent = -1;
    for (const Operand *op : spec.inputs) {
        const Value *v = value_of(*op, ctx);
        if (!v || !v->is_matrix()) return false;
        const int64_t e = columns ? v->matrix()->rows() : v->matrix()->cols();
        if (extent >= 0 && e != extent) return false;
        extent = e;
    }
    return true;
}
} // namespace

bool defer_bind(const Instruction &bind, const Instruction &next, ExecContext &ctx) {
    if (!ctx.options().partial_reuse || !ctx.cache() || !ctx.tracing() || ctx.replaying()) return false;
    const std::string &op = bind.opcode();
    const bool columns = op == "cbind";
    if (!columns && op != "rbind") return false;
    const LineageSpec &spec = bind.traced_spec();
    if (!spec.traced || spec.copy || !spec.deterministic || spec.draws_seed || spec.compose ||
        spec.key_value || spec.file || spec.outputs.size() != 1 || spec.outputs[0] < 0 ||
        spec.inputs.size() < 2)
        return false;
    const int out = spec.outputs[0];
    const LineageSpec &reader = next.traced_spec();
    if (!reader.traced || reader.copy || reader.compose || reader.key_value || reader.file ||
        reader.outputs.size() != 1 || !lineage::partial::target_opcode(next.opcode()))
        return false;
    // The bind's output is a temporary that `next` reads and releases (no later reader).
    bool read = false;
    for (const Operand *in : reader.inputs) read = read || in->slot == out;
    if (!read || !contains(next.release, out) || reader.outputs[0] == out) return false;
    for (const Operand *in : spec.inputs)
        if (in->slot == out) return false;
    if (!fits(spec, columns, ctx)) return false;
    lineage::ItemList inputs;
    inputs.reserve(spec.inputs.size());
    for (const Operand *in : spec.inputs) inputs.push_back(ctx.item_of(*in));
    lineage::ItemPtr item = lineage::Item::make(op, spec.data, std::move(inputs), spec.head_hash);
    if (ctx.cache()->contains(item)) return false; // a plain hit: the bind runs and is reused
    ctx.set_loop_taint(out, ctx.loop_tainted(spec.inputs));
    ctx.frame()[static_cast<size_t>(out)] = Value(); // no stale value stands for the bind's
    ctx.set_item(out, std::move(item));
    return true;
}

std::vector<lineage::partial::DeferredBind>
deferred_operands(const Instruction &bind, const std::vector<const Operand *> &inputs, ExecContext &ctx) {
    const LineageSpec &spec = bind.traced_spec();
    lineage::partial::DeferredBind d;
    d.columns = bind.opcode() == "cbind";
    for (const Operand *op : spec.inputs) d.parts.push_back(value_of(*op, ctx));
    std::vector<lineage::partial::DeferredBind> out(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i]->slot == spec.outputs[0]) out[i] = d;
    return out;
}

} // namespace linea::rt
