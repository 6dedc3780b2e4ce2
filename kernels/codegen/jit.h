// The LLVM ORC (LLJIT) backend of fused operators. This header stays free of LLVM: the JIT lives in
// jit.cpp, the one file of the linea_codegen library that includes LLVM headers.
#pragma once

#include "kernels/codegen/reduce_body.h"

#include <cstdint>
#include <string>
#include <vector>

namespace linea::kernels::codegen {

/// The compiled bodies of a dense pass: the reduction body alone when reducible(op) (the few cells it leaves
/// are interpreted), else a span body per root.
struct DenseBodies {
    std::vector<SpanFn> spans;
    ReduceFn reduce = nullptr;
};

/// What a fused instruction runs dense passes with: one compiled function for a reducible op (compile time
/// and code for one loop), else jit_compile's span bodies; cached by signature like jit_compile's.
DenseBodies jit_compile_dense(const FusedOp &op);

/// Compiled span bodies for every root of `op` (SpanFn), from a process-wide cache keyed by the canonical
/// signature: a signature compiles once per process. Thread-safe. Throws KernelError when LLVM fails.
std::vector<SpanFn> jit_compile(const FusedOp &op);

/// Compiled sparse-safe bodies (SparseSpanFn) for every root of `op`, which must be sparse-safe; cached like
/// jit_compile's. Outer products (Dot nodes) are compiled as a k-term dot product per stored cell.
std::vector<SparseSpanFn> jit_compile_sparse(const FusedOp &op);

/// The optimized LLVM IR of op's bodies (sparse-safe ones when `sparse`) as text, for tests and debugging
/// (shows whether a loop vectorized); neither compiled to machine code nor cached.
std::string jit_ir(const FusedOp &op, bool sparse);

/// Counters of the JIT since the process started.
struct JitStats {
    int64_t compiled = 0;       ///< operators compiled
    int64_t hits = 0;           ///< lookups answered by the cache
    double total_seconds = 0.0; ///< compile time (IR, optimization, machine code)
    double max_seconds = 0.0;   ///< the slowest operator's compile time
    double init_seconds = 0.0;  ///< one-time set-up of LLVM (target machine, LLJIT), not in the above
};
JitStats jit_stats();

} // namespace linea::kernels::codegen
