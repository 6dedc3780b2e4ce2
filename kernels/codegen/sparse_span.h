// Compiled bodies of sparse-safe passes: a fused operator evaluated at the stored cells of one CSR row.
#pragma once

#include "kernels/codegen/fused_op.h"

#include <cstdint>
#include <vector>

namespace linea::kernels::codegen {

/// A compiled sparse-safe body: writes the root of the n stored cells (i, ci[t]) of row i of the CSR driver
/// (values dv[t]) into out. `ptrs[k]` is, for a full-size input, its row i as `cols` dense values (a sparse
/// input's row scattered into a zeroed buffer); for other inputs their dense data or a scalar's address
/// (unused for the driver); `cols` is the result's width and `rank` the inner dimension of the outer products
/// (Dot nodes), each computed as a dot product summed left to right from 0 (as the interpreter does).
using SparseSpanFn = void (*)(const double *const *ptrs, int64_t cols, int64_t rank, int64_t i,
                              const int32_t *ci, const double *dv, int64_t n, double *out);

/// run_fused with compiled sparse-safe bodies as well: `sparse_spans` holds one per root (or is empty to
/// interpret) and is used by passes over a CSR driver. Compiled
/// and interpreted bodies compute every cell alike and the sums run in the same order, so results are equal.
FusedResult run_fused(const FusedOp &op, const std::vector<FusedArg> &args, const std::vector<SpanFn> &spans,
                      const std::vector<SparseSpanFn> &sparse_spans);

} // namespace linea::kernels::codegen
