// Generic builtin calls and user function calls.
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"
#include "runtime/program/program.h"

#include <chrono>

namespace linea::rt {

void BuiltinInstruction::execute(ExecContext &ctx) const {
    BuiltinArgs call{ctx, loc(), {}, names_, {}, {}};
    call.args.reserve(in_.size());
    // exists(x) probes x's slot: an unbound variable is an empty argument, not an error.
    const bool probe = name_ == "exists";
    for (const Operand &op : in_) {
        if ((op.slot < 0 && op.constant.is_empty()) ||
            (probe && op.slot >= 0 && ctx.frame()[static_cast<size_t>(op.slot)].is_empty()))
            call.args.emplace_back();
        else
            call.args.push_back(ctx.get(op, loc()));
    }
    if (ctx.tracing() && name_ == "eval") {
        call.items.reserve(in_.size());
        for (const Operand &op : in_) call.items.push_back(ctx.item_of(op));
    }
    try {
        (*fn_)(call);
    } catch (...) {
        rethrow_at(loc());
    }
    for (size_t i = 0; i < out_.size(); ++i) {
        if (out_[i] < 0) continue;
        if (i >= call.outputs.size())
            throw DmlError(ErrorKind::Internal, loc(), "builtin " + name_ + " produced too few outputs");
        ctx.set(out_[i], std::move(call.outputs[i]));
    }
}

std::string BuiltinInstruction::explain() const {
    std::string s = opcode() == name_ ? name_ : opcode() + " (" + name_ + ")";
    for (size_t i = 0; i < in_.size(); ++i) {
        if (in_[i].slot < 0 && in_[i].constant.is_empty()) continue;
        s += " ";
        if (i < names_.size() && !names_[i].empty()) s += names_[i] + "=";
        s += operand_text(in_[i]);
    }
    if (!out_.empty()) {
        s += " ->";
        for (int o : out_) s += " " + (o >= 0 ? slot_text(o) : std::string("_"));
    }
    return s;
}

namespace {
/// ctx.call, adding the call site as a note to a user error raised inside the function body (which
/// points into the body), so an error inside a library function also names the caller's line.
std::vector<Value> call_noting_site(ExecContext &ctx, const Function &fn, std::vector<Value> args,
                                    const SourceLoc &site, std::vector<lineage::ItemPtr> *items) {
    try {
        return ctx.call(fn, std::move(args), site, items);
    } catch (const DmlError &e) {
        if (!site.file || e.kind() == ErrorKind::Internal) throw;
        throw e.with_note(site, "in the call to '" + fn.name + "' here");
    }
}
} // namespace

void FunctionCallInstruction::execute(ExecContext &ctx) const {
    std::vector<Value> args;
    args.reserve(args_.size());
    for (const Operand &op : args_) {
        if (op.slot < 0 && op.constant.is_empty())
            args.emplace_back();
        else
            args.push_back(ctx.get(op, loc()));
    }
    if (ctx.tracing()) {
        std::vector<lineage::ItemPtr> items;
        for (const Operand &op : args_)
            items.push_back((op.slot < 0 && op.constant.is_empty()) ? nullptr : ctx.item_of(op));
        // Multi-level reuse: a deterministic function without side effects called with equal inputs is
        // skipped as a whole; its outputs are keyed by the function and output index over the inputs.
        lineage::Cache *cache = ctx.cache();
        const bool reuse_call = cache && ctx.options().reuse == lineage::ReuseMode::MultiLevel &&
                                fn_->deterministic && !fn_->side_effects && !fn_->returns.empty();
        std::vector<lineage::ItemPtr> keys;
        if (reuse_call) {
            std::vector<lineage::ItemPtr> ins;
            for (size_t i = 0; i < items.size(); ++i)
                ins.push_back(items[i] ? items[i] : lineage::Item::literal("-"));
            bool all = true;
            for (size_t k = 0; k < fn_->returns.size(); ++k) {
                keys.push_back(std::make_shared<const lineage::Item>(
                    "fcall", fn_->name + " out" + std::to_string(k), ins));
                all = all && cache->contains(keys.back());
            }
            if (all) {
                cache->note_function_hit();
                for (size_t k = 0; k < out_.size() && k < keys.size(); ++k) {
                    std::optional<Value> v = cache->probe(keys[k], lineage::Cache::Level::Function);
                    if (out_[k] < 0 || !v) continue;
                    ctx.set(out_[k], std::move(*v));
                    ctx.set_item(out_[k], keys[k]);
                }
                return;
            }
        }
        auto t0 = std::chrono::steady_clock::now();
        std::vector<Value> out = call_noting_site(ctx, *fn_, std::move(args), loc(), &items);
        if (reuse_call) {
            const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            for (size_t k = 0; k < out.size() && k < keys.size(); ++k) {
                cache->put(keys[k], out[k], dt);
                items[k] = keys[k]; // the outputs' lineage is the call's, so later calls match them
            }
        }
        for (size_t i = 0; i < out_.size() && i < out.size(); ++i) {
            if (out_[i] < 0) continue;
            ctx.set(out_[i], std::move(out[i]));
            ctx.set_item(out_[i], items[i]);
        }
        return;
    }
    std::vector<Value> out = call_noting_site(ctx, *fn_, std::move(args), loc(), nullptr);
    for (size_t i = 0; i < out_.size() && i < out.size(); ++i)
        if (out_[i] >= 0) ctx.set(out_[i], std::move(out[i]));
}

std::string FunctionCallInstruction::explain() const {
    std::string s = "fcall " + (fn_ ? fn_->name : std::string("?"));
    for (const Operand &op : args_)
        s += " " + ((op.slot < 0 && op.constant.is_empty()) ? std::string("_") : operand_text(op));
    s += " ->";
    for (int o : out_) s += " " + (o >= 0 ? slot_text(o) : std::string("_"));
    return s;
}

} // namespace linea::rt
