// Partial reuse: a cbind/rbind whose only reader is the next instruction waits for it, so that a
// compensation plan serving that reader can work from the bind's parts and the bind never runs.
#pragma once

#include "runtime/lineage/partial/partial.h"
#include "runtime/program/context.h"

#include <vector>

namespace linea::rt {

/// Whether `bind`, a cbind/rbind, may wait for `next` under partial reuse: `next` is a plan target
/// (lineage::partial::target_opcode) that reads the bind's output, which dies with it (a temporary released
/// by `next`); the bind's inputs are matrices that fit together (so it cannot fail), and its value is not
/// cached. If so, traces the bind without running it -- its output slot gets the bind's lineage item and
/// loop taint but stays empty -- and returns true. The caller then runs `next` with the bind pending:
/// the bind runs first whenever `next` is not served by a plan or a plan needs its value
/// (before `next` writes any slot), and the slots the bind releases are released after `next`, except
/// those `next` wrote.
bool defer_bind(const Instruction &bind, const Instruction &next, ExecContext &ctx);

/// The operands of `next` that stand for the pending `bind` (lineage::partial::Operands::deferred),
/// parallel to `inputs` (next's traced inputs).
std::vector<lineage::partial::DeferredBind>
deferred_operands(const Instruction &bind, const std::vector<const Operand *> &inputs, ExecContext &ctx);

} // namespace linea::rt
