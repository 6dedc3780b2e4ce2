// Fusion planning over HOP DAGs: finds cell-wise chains (with an optional full, row or column aggregate)
// and groups of full aggregates over shared inputs (multi-aggregates), and replaces each by a Fused hop.
#pragma once

#include "compiler/hops/hop.h"

#include <string>

namespace linea::fusion {

/// -codegen: fused operators JIT-compiled by LLVM (On), no fusion (Off), or fused and interpreted.
enum class CodegenMode { On, Off, Interpret };

/// Plans and applies fusion on `dag` (after physical operator selection, just before lowering). Appends one
/// line per fused operator and per rejected candidate (with the reason) to `explain` when it is not null.
/// Returns the number of fused operators created.
int plan_fusion(hops::HopDag &dag, std::string *explain);

} // namespace linea::fusion
