// The fused-operator instruction (`fused`): runs a kernels::codegen::FusedOp planned by compiler/fusion.
#pragma once

#include "kernels/codegen/reduce_body.h"
#include "runtime/program/instruction.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace linea::rt {

/// How a fused operator runs: JIT-compiled span bodies (LLVM) or the interpreter.
enum class FusedBackend { Jit, Interpret };

/// One fused operator over its operands (one per FusedOp input, in order). Its outputs carry the lineage
/// items the unfused operators would have produced, so lineage reuse sees the same items.
/// Under the Jit backend the operator is interpreted until it has processed `jit_min_cells()` cells
/// (tiered: a compile costs about as much as interpreting millions of cells), then compiled once; likewise
/// its sparse-safe body once its passes over a CSR driver have visited that many stored cells.
class FusedInstruction : public Instruction {
public:
    FusedInstruction(std::shared_ptr<const kernels::codegen::FusedOp> op, std::vector<Operand> in,
                     std::vector<int> out, FusedBackend backend, SourceLoc loc)
        : Instruction("fused", std::move(loc)), op_(std::move(op)), in_(std::move(in)), out_(std::move(out)),
          backend_(backend) {}
    void execute(ExecContext &ctx) const override;
    std::string explain() const override;
    LineageSpec lineage_spec() const override;

private:
    std::shared_ptr<const kernels::codegen::FusedOp> op_;
    std::vector<Operand> in_;
    std::vector<int> out_;
    FusedBackend backend_;
    mutable std::once_flag compile_once_;
    mutable std::atomic<bool> compiled_{false};
    mutable std::atomic<int64_t> cells_seen_{0};
    mutable std::vector<kernels::codegen::SpanFn> spans_;
    mutable kernels::codegen::ReduceFn reduce_ = nullptr; ///< dense full sums in one loop, when reducible
    // Sparse-safe passes over a CSR driver have their own compiled bodies, tiered by the stored cells
    // visited.
    mutable std::once_flag sparse_compile_once_;
    mutable std::atomic<bool> sparse_compiled_{false};
    mutable std::atomic<int64_t> nnz_seen_{0};
    mutable std::vector<kernels::codegen::SparseSpanFn> sparse_spans_;
};

/// Cells a fused operator processes (summed over its executions) before the JIT compiles it:
/// $LINEA_JIT_MIN_CELLS, default 4M (0 = compile at the first execution, as the script suite does).
int64_t jit_min_cells();

} // namespace linea::rt
