// Compiled reduction bodies: the cells of a full sum/sumSq aggregate computed and summed in one loop, the
// Kahan lanes of every root held in registers, so each input is loaded once per cell and no span buffer is
// written and read back.
#pragma once

#include "kernels/codegen/sparse_span.h"

#include <cstdint>
#include <vector>

namespace linea::kernels::codegen {

/// A compiled reduction body: adds the values of every root at the n cells starting at (i, j0) (row-major,
/// across rows) to that root's detail::KahanLanes. `ptrs` as for SpanFn, except that a row vector's entry
/// is tiled: cols + kKahanLanes values, value k being the vector's (k mod cols), so a group of cells that
/// wraps around a row end reads consecutive values. Values go to `lanes[2r]` (sums) and `lanes[2r + 1]`
/// (corrections), value t going to lane t % kKahanLanes, squared for a sumSq root. n is a multiple of
/// kKahanLanes and the lanes start at lane 0. The body takes plain Kahan steps (no finiteness check), which
/// give kahan_step's bits whenever every lane's sum stays finite (once Inf or NaN, a sum stays so): when a
/// lane ends non-finite, run_fused discards the chunk's lanes and sums the chunk again through the span
/// bodies and KahanLanes::add_span. So the sums are bit for bit what add_span over the span bodies' values
/// gives.
using ReduceFn = void (*)(const double *const *ptrs, int64_t cols, int64_t i, int64_t j0, int64_t n,
                          double *const *lanes);

/// True when op has a reduction body: a full aggregate whose roots are all sums or sums of squares over
/// matrices, row vectors, 1x1 cells and scalars (no column vectors or outer products, so cells are
/// addressed linearly across rows) using only operators the JIT emits inline (+ - * /, comparisons, neg, abs,
/// sqrt, floor, ceil).
bool reducible(const FusedOp &op);

/// run_fused with a compiled reduction body as well (nullptr: the span bodies and KahanLanes::add_span),
/// used by dense full aggregates of a reducible op. Results are bit-identical either way.
FusedResult run_fused(const FusedOp &op, const std::vector<FusedArg> &args, const std::vector<SpanFn> &spans,
                      const std::vector<SparseSpanFn> &sparse_spans, ReduceFn reduce);

} // namespace linea::kernels::codegen
