#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

#include <stdexcept>

namespace linea::rt {

void rethrow_at(const SourceLoc &loc) {
    try {
        throw;
    } catch (const DmlError &) {
        throw;
    } catch (const kernels::KernelError &e) {
        throw DmlError(ErrorKind::Runtime, loc, e.what());
    } catch (const std::invalid_argument &e) {
        throw DmlError(ErrorKind::Runtime, loc, e.what());
    } catch (const std::bad_alloc &) {
        throw DmlError(ErrorKind::Runtime, loc, "out of memory");
    } catch (const std::exception &e) {
        throw DmlError(ErrorKind::Internal, loc, e.what());
    }
}

void CopyInstruction::execute(ExecContext &ctx) const {
    ctx.set(out_, ctx.get(in_, loc()));
}

std::string CopyInstruction::explain() const {
    return "cpvar " + operand_text(in_) + " -> " + slot_text(out_);
}

} // namespace linea::rt
