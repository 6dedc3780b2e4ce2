// Fused operators: gathers the operands, runs the fused kernel (JIT or interpreted), and composes the
// unfused plan's lineage items.
#include "runtime/instructions/fused.h"

#include "kernels/codegen/jit.h"
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

#include <cstdlib>

namespace linea::rt {

using kernels::codegen::FusedAgg;
using kernels::codegen::FusedNode;
using kernels::codegen::InputKind;

int64_t jit_min_cells() {
    static const int64_t cells = [] {
        const char *e = std::getenv("LINEA_JIT_MIN_CELLS");
        return e && *e ? std::atoll(e) : int64_t{4} << 20;
    }();
    return cells;
}

void FusedInstruction::execute(ExecContext &ctx) const {
    const kernels::codegen::FusedOp &op = *op_;
    std::vector<kernels::codegen::FusedArg> args(in_.size());
    std::vector<kernels::MatrixPtr> held(in_.size());
    for (size_t k = 0; k < in_.size(); ++k) {
        const Value &v = ctx.get(in_[k], loc());
        if (op.inputs[k] == InputKind::Scalar) {
            if (!v.is_numeric_scalar())
                throw DmlError(ErrorKind::Runtime, loc(),
                               "a " + v.describe() + " cannot be combined cell-wise with a matrix");
            args[k].scalar = v.to_double();
        } else {
            if (!v.is_matrix())
                throw DmlError(ErrorKind::Runtime, loc(),
                               "a fused operator expects a matrix but was given a " + v.describe());
            held[k] = v.matrix();
            args[k].matrix = held[k].get();
        }
    }
    try {
        const kernels::MatrixBlock &d = *args[static_cast<size_t>(op.driver)].matrix;
        const bool sparse_body = d.is_sparse() && op.sparse_safe();
        const bool cell_template = op.agg != FusedAgg::MMChain; // the row template has no compiled body
        if (backend_ == FusedBackend::Jit && sparse_body &&
            !sparse_compiled_.load(std::memory_order_acquire)) {
            if (nnz_seen_.fetch_add(d.nnz()) + d.nnz() >= jit_min_cells())
                std::call_once(sparse_compile_once_, [&] {
                    sparse_spans_ = kernels::codegen::jit_compile_sparse(op);
                    sparse_compiled_.store(true, std::memory_order_release);
                });
        } else if (backend_ == FusedBackend::Jit && cell_template && !sparse_body && !op.has_outer() &&
                   !compiled_.load(std::memory_order_acquire)) {
            if (cells_seen_.fetch_add(d.rows() * d.cols()) + d.rows() * d.cols() >= jit_min_cells())
                std::call_once(compile_once_, [&] {
                    kernels::codegen::DenseBodies bodies = kernels::codegen::jit_compile_dense(op);
                    spans_ = std::move(bodies.spans);
                    reduce_ = bodies.reduce;
                    compiled_.store(true, std::memory_order_release);
                });
        }
        static const std::vector<kernels::codegen::SpanFn> kInterpret;
        static const std::vector<kernels::codegen::SparseSpanFn> kInterpretSparse;
        kernels::codegen::FusedResult r = kernels::codegen::run_fused(
            op, args, compiled_.load(std::memory_order_acquire) ? spans_ : kInterpret,
            sparse_compiled_.load(std::memory_order_acquire) ? sparse_spans_ : kInterpretSparse,
            compiled_.load(std::memory_order_acquire) ? reduce_ : nullptr);
        if (op.agg == FusedAgg::Full) {
            for (size_t k = 0; k < out_.size(); ++k)
                if (out_[k] >= 0) ctx.set(out_[k], Value(r.values[k]));
        } else {
            ctx.set(out_[0], Value(r.matrix));
        }
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string FusedInstruction::explain() const {
    std::string s = "fused[" + op_->signature() + "]";
    for (const Operand &o : in_) s += " " + operand_text(o);
    s += " ->";
    for (int o : out_) s += " " + slot_text(o);
    return s;
}

LineageSpec FusedInstruction::lineage_spec() const {
    LineageSpec s;
    for (const Operand &o : in_) s.inputs.push_back(&o);
    s.outputs = out_;
    std::shared_ptr<const kernels::codegen::FusedOp> op = op_;
    s.compose = [op](const std::vector<lineage::ItemPtr> &inputs) {
        if (op->agg == FusedAgg::MMChain) {
            // The row template replaces one mmchain instruction: its item.
            const MatMultKind kind = inputs.size() > 2 ? MatMultKind::MMChainW : MatMultKind::MMChain;
            return std::vector<lineage::ItemPtr>{std::make_shared<const lineage::Item>(
                op->agg_opcodes[0], std::to_string(static_cast<int>(kind)), inputs)};
        }
        std::vector<lineage::ItemPtr> node(op->nodes.size());
        for (size_t k = 0; k < op->nodes.size(); ++k) {
            const FusedNode &n = op->nodes[k];
            switch (n.kind) {
            case FusedNode::Kind::Input:
                node[k] = inputs[static_cast<size_t>(n.input)];
                break;
            case FusedNode::Kind::Unary:
                node[k] = std::make_shared<const lineage::Item>(
                    n.opcode, "", std::vector<lineage::ItemPtr>{node[static_cast<size_t>(n.a)]});
                break;
            case FusedNode::Kind::Binary:
                node[k] = std::make_shared<const lineage::Item>(
                    n.opcode, "",
                    std::vector<lineage::ItemPtr>{node[static_cast<size_t>(n.a)],
                                                  node[static_cast<size_t>(n.b)]});
                break;
            case FusedNode::Kind::Dot: {
                // U %*% t(V): the unfused plan's transpose and (plain) matrix multiplication items.
                auto t = std::make_shared<const lineage::Item>(
                    n.transpose_opcode, "", std::vector<lineage::ItemPtr>{node[static_cast<size_t>(n.b)]});
                node[k] = std::make_shared<const lineage::Item>(
                    n.opcode, std::to_string(static_cast<int>(MatMultKind::Plain)),
                    std::vector<lineage::ItemPtr>{node[static_cast<size_t>(n.a)], t});
                break;
            }
            }
        }
        std::vector<lineage::ItemPtr> out;
        for (size_t r = 0; r < op->roots.size(); ++r) {
            const lineage::ItemPtr &root = node[static_cast<size_t>(op->roots[r])];
            out.push_back(op->agg == FusedAgg::None
                              ? root
                              : std::make_shared<const lineage::Item>(op->agg_opcodes[r], "",
                                                                      std::vector<lineage::ItemPtr>{root}));
        }
        return out;
    };
    return s;
}

} // namespace linea::rt
