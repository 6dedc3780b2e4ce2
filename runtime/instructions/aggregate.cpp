// Full, row and column aggregates, and n-ary min/max.
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

#include <cmath>

namespace linea::rt {

void AggregateInstruction::execute(ExecContext &ctx) const {
    const Value &a = ctx.get(a_, loc());
    if (!a.is_matrix())
        throw DmlError(ErrorKind::Runtime, loc(),
                       "'" + opcode() + "' expects a matrix but was given a " + a.describe());
    try {
        if (dir_ == kernels::AggDir::All)
            ctx.set(out_, Value(kernels::aggregate_all(op_, *a.matrix())));
        else
            ctx.set(out_, Value(kernels::aggregate(op_, dir_, *a.matrix())));
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string AggregateInstruction::explain() const {
    return opcode() + " " + operand_text(a_) + " -> " + slot_text(out_);
}

void NaryMinMaxInstruction::execute(ExecContext &ctx) const {
    const auto op = is_max_ ? kernels::BinaryOp::Max : kernels::BinaryOp::Min;
    try {
        Value acc = ctx.get(in_[0], loc());
        for (size_t i = 1; i < in_.size(); ++i) {
            const Value &b = ctx.get(in_[i], loc());
            if (acc.is_matrix() && b.is_matrix())
                acc = Value(kernels::binary(op, *acc.matrix(), *b.matrix()));
            else if (acc.is_matrix())
                acc = Value(kernels::binary_scalar(op, *acc.matrix(), b.to_double(), false));
            else if (b.is_matrix())
                acc = Value(kernels::binary_scalar(op, *b.matrix(), acc.to_double(), true));
            else if (acc.is_int() && b.is_int())
                acc = Value(is_max_ ? std::max(acc.as_int_unchecked(), b.as_int_unchecked())
                                    : std::min(acc.as_int_unchecked(), b.as_int_unchecked()));
            else
                acc = Value(kernels::apply_binary(op, acc.to_double(), b.to_double()));
        }
        ctx.set(out_, std::move(acc));
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string NaryMinMaxInstruction::explain() const {
    std::string s = opcode();
    for (const auto &o : in_) s += " " + operand_text(o);
    return s + " -> " + slot_text(out_);
}

} // namespace linea::rt
