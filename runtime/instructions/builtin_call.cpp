// Generic builtin calls and user function calls.
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"
#include "runtime/program/program.h"

namespace linea::rt {

void BuiltinInstruction::execute(ExecContext &ctx) const {
    BuiltinArgs call{ctx, loc(), {}, names_, {}};
    call.args.reserve(in_.size());
    for (const Operand &op : in_) {
        if (op.slot < 0 && op.constant.is_empty())
            call.args.emplace_back();
        else
            call.args.push_back(ctx.get(op, loc()));
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
        std::vector<Value> out = ctx.call(*fn_, std::move(args), loc(), &items);
        for (size_t i = 0; i < out_.size() && i < out.size(); ++i) {
            if (out_[i] < 0) continue;
            ctx.set(out_[i], std::move(out[i]));
            ctx.set_item(out_[i], items[i]);
        }
        return;
    }
    std::vector<Value> out = ctx.call(*fn_, std::move(args), loc());
    for (size_t i = 0; i < out_.size() && i < out.size(); ++i)
        if (out_[i] >= 0) ctx.set(out_[i], std::move(out[i]));
}

std::string FunctionCallInstruction::explain() const {
    std::string s = "fcall " + (fn_ ? fn_->name : std::string("?"));
    for (const Operand &op : args_) s += " " + ((op.slot < 0 && op.constant.is_empty()) ? std::string("_") : operand_text(op));
    s += " ->";
    for (int o : out_) s += " " + (o >= 0 ? slot_text(o) : std::string("_"));
    return s;
}

} // namespace linea::rt
