// Physical operator selection on HOP DAGs, run just before lowering.
#pragma once

#include "compiler/hops/statement_block.h"

namespace linea::lops {

/// Chooses physical matrix-multiply operators: t(X)%*%X and X%*%t(X) -> tsmm, t(X)%*%(X%*%v) and
/// t(X)%*%(w*(X%*%v)) -> mmchain, other t(X)%*%Y -> a transposed-operand multiply. None of them
/// materialises t(X). Returns the number of operators changed.
int select_physical_operators(hops::HopDag &dag);

/// Applies select_physical_operators to every DAG of the program.
void select_physical_operators(hops::HopProgram &prog);

} // namespace linea::lops
