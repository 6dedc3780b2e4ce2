// Transpose, rev and diag.
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

namespace linea::rt {

namespace {
const char *reorg_opcode(ReorgOp op) {
    switch (op) {
    case ReorgOp::Transpose:
        return "r'";
    case ReorgOp::Rev:
        return "rev";
    case ReorgOp::Diag:
        return "rdiag";
    }
    return "?";
}
} // namespace

ReorgInstruction::ReorgInstruction(ReorgOp op, Operand a, int out, SourceLoc loc)
    : Instruction(reorg_opcode(op), std::move(loc)), op_(op), a_(std::move(a)), out_(out) {}

void ReorgInstruction::execute(ExecContext &ctx) const {
    const Value &a = ctx.get(a_, loc());
    if (!a.is_matrix())
        throw DmlError(ErrorKind::Runtime, loc(),
                       "'" + opcode() + "' expects a matrix but was given a " + a.describe());
    try {
        switch (op_) {
        case ReorgOp::Transpose:
            ctx.set(out_, Value(kernels::transpose(*a.matrix())));
            break;
        case ReorgOp::Rev:
            ctx.set(out_, Value(kernels::rev(*a.matrix())));
            break;
        case ReorgOp::Diag:
            ctx.set(out_, Value(kernels::diag(*a.matrix())));
            break;
        }
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string ReorgInstruction::explain() const {
    return opcode() + " " + operand_text(a_) + " -> " + slot_text(out_);
}

} // namespace linea::rt
