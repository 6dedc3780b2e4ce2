// Matrix multiplication.
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

namespace linea::rt {

void MatMultInstruction::execute(ExecContext &ctx) const {
    const Value &a = ctx.get(a_, loc());
    const Value &b = ctx.get(b_, loc());
    if (!a.is_matrix() || !b.is_matrix())
        throw DmlError(ErrorKind::Runtime, loc(),
                       "%*% expects two matrices but was given a " + a.describe() + " and a " + b.describe());
    try {
        ctx.set(out_, Value(kernels::matmult(*a.matrix(), *b.matrix())));
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string MatMultInstruction::explain() const {
    return opcode() + " " + operand_text(a_) + " " + operand_text(b_) + " -> " + slot_text(out_);
}

} // namespace linea::rt
