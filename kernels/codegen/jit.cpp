// LLVM ORC backend: emits IR for the span loop of a fused operator's root, optimizes it with the O2
// pipeline for the host CPU (the loop vectorizer sees plain fadd/fmul/fdiv; no fast-math flags, so NaN and
// Inf behave as in the unfused kernels) and compiles it with LLJIT. Operators that are not plain
// arithmetic call back into apply_unary/apply_binary, so every cell is computed exactly as unfused.
#include "kernels/codegen/jit.h"
#include "kernels/codegen/needed_nodes.h"
#include "kernels/codegen/reduce_body.h"
#include "kernels/parallel.h"

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Transforms/Utils/LCSSA.h>
#include <llvm/Transforms/Utils/LoopSimplify.h>
#include <llvm/Transforms/Vectorize/LoopVectorize.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace linea::kernels::codegen {

namespace {

double call_unary(int64_t op, double a) {
    return apply_unary(static_cast<UnaryOp>(op), a);
}
double call_binary(int64_t op, double a, double b) {
    return apply_binary(static_cast<BinaryOp>(op), a, b);
}

std::string llvm_message(llvm::Error e) {
    return llvm::toString(std::move(e));
}

/// What a module holds: a span body per root (dense or sparse-safe), or the reduction body alone.
enum class Bodies { Spans, Sparse, Reduce };

class Jit {
public:
    /// The compiled bodies (SpanFn or SparseSpanFn per root, or the one ReduceFn) as untyped addresses.
    std::vector<void *> compile(const FusedOp &op, Bodies what) {
        std::lock_guard lock(mutex_);
        const bool sparse = what == Bodies::Sparse;
        const std::string sig =
            op.signature() + (sparse ? " csr" : "") + (what == Bodies::Reduce ? " reduce" : "");
        auto it = cache_.find(sig);
        if (it != cache_.end()) {
            ++stats_.hits;
            return it->second;
        }
        init();
        auto t0 = std::chrono::steady_clock::now();
        auto ctx = std::make_unique<llvm::LLVMContext>();
        const std::string name = "fused" + std::to_string(stats_.compiled);
        auto mod = build(op, what, name, *ctx);
        if (auto err = jit_->addIRModule(llvm::orc::ThreadSafeModule(std::move(mod), std::move(ctx))))
            throw KernelError("internal error: LLVM JIT: " + llvm_message(std::move(err)));
        std::vector<void *> fns;
        auto lookup = [&](const std::string &fname) {
            auto sym = jit_->lookup(fname);
            if (!sym) throw KernelError("internal error: LLVM JIT: " + llvm_message(sym.takeError()));
            fns.push_back(sym->toPtr<void *>());
        };
        if (what == Bodies::Reduce)
            lookup(name + "_reduce");
        else
            for (size_t r = 0; r < op.roots.size(); ++r) lookup(name + "_" + std::to_string(r));
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ++stats_.compiled;
        stats_.total_seconds += dt;
        stats_.max_seconds = std::max(stats_.max_seconds, dt);
        cache_[sig] = fns;
        return fns;
    }

    /// The optimized IR of op's bodies as text (not compiled to machine code, not cached).
    std::string ir(const FusedOp &op, bool sparse) {
        std::lock_guard lock(mutex_);
        init();
        llvm::LLVMContext ctx;
        auto mod = build(op, sparse ? Bodies::Sparse : Bodies::Spans, "fused_ir", ctx);
        std::string text;
        llvm::raw_string_ostream os(text);
        mod->print(os, nullptr);
        return os.str();
    }

    JitStats stats() {
        std::lock_guard lock(mutex_);
        return stats_;
    }

private:
    void init() {
        if (jit_) return;
        auto t0 = std::chrono::steady_clock::now();
        llvm::InitializeNativeTarget();
        llvm::InitializeNativeTargetAsmPrinter();
        auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
        if (!jtmb) throw KernelError("internal error: LLVM JIT: " + llvm_message(jtmb.takeError()));
        jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
        auto tm = jtmb->createTargetMachine();
        if (!tm) throw KernelError("internal error: LLVM JIT: " + llvm_message(tm.takeError()));
        tm_ = std::move(*tm);
        layout_ = tm_->createDataLayout();
        triple_ = tm_->getTargetTriple().str();
        auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
        if (!jit) throw KernelError("internal error: LLVM JIT: " + llvm_message(jit.takeError()));
        jit_ = std::move(*jit);
        stats_.init_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    /// A verified, optimized module with one body per root of op, named `name`_<root>, or the reduction body
    /// `name`_reduce (emitted as the vector code it should be: only cleaned up, not vectorized).
    std::unique_ptr<llvm::Module> build(const FusedOp &op, Bodies what, const std::string &name,
                                        llvm::LLVMContext &ctx) {
        auto mod = std::make_unique<llvm::Module>(name, ctx);
        mod->setDataLayout(layout_);
        mod->setTargetTriple(triple_);
        if (what == Bodies::Reduce)
            emit_reduce(op, *mod, name + "_reduce");
        else
            for (size_t r = 0; r < op.roots.size(); ++r)
                emit(op, static_cast<int>(r), *mod, name + "_" + std::to_string(r), what == Bodies::Sparse);
        if (llvm::verifyModule(*mod, &llvm::errs())) throw KernelError("internal error: invalid fused IR");
        optimize(*mod, what == Bodies::Reduce);
        return mod;
    }

    /// Dense: void f(ptr ptrs, i64 cols, i64 i, i64 j0, i64 n, ptr out): out[t] = root(cell (i, j0 + t)).
    /// Sparse: void f(ptr ptrs, i64 cols, i64 rank, i64 i, ptr ci, ptr dv, i64 n, ptr out):
    /// out[t] = root(cell (i, ci[t])) with the driver's value dv[t].
    void emit(const FusedOp &op, int r, llvm::Module &mod, const std::string &fname, bool sparse) {
        llvm::LLVMContext &c = mod.getContext();
        llvm::IRBuilder<> b(c);
        llvm::Type *f64 = b.getDoubleTy(), *i64 = b.getInt64Ty(), *ptr = b.getPtrTy();
        auto *fty =
            sparse ? llvm::FunctionType::get(b.getVoidTy(), {ptr, i64, i64, i64, ptr, ptr, i64, ptr}, false)
                   : llvm::FunctionType::get(b.getVoidTy(), {ptr, i64, i64, i64, i64, ptr}, false);
        auto *fn = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, fname, mod);
        fn->addFnAttr("target-cpu", tm_->getTargetCPU());
        fn->addFnAttr("target-features", tm_->getTargetFeatureString());
        fn->addFnAttr(llvm::Attribute::NoUnwind);
        fn->addParamAttr(sparse ? 7 : 5, llvm::Attribute::NoAlias);
        auto args = fn->arg_begin();
        llvm::Value *ptrs = &*args++, *cols = &*args++, *rank = nullptr, *row = nullptr, *j0 = nullptr,
                    *ci = nullptr, *dv = nullptr;
        if (sparse) {
            rank = &*args++;
            row = &*args++;
            ci = &*args++;
            dv = &*args++;
        } else {
            row = &*args++;
            j0 = &*args++;
        }
        llvm::Value *n = &*args++, *out = &*args++;
        auto *entry = llvm::BasicBlock::Create(c, "entry", fn);
        b.SetInsertPoint(entry);
        // Loop-invariant input addresses and values. Dense: `base` is indexed by t. Sparse: `base` is the
        // start of row i (indexed by the column j; for U by the rank), the driver is read from dv.
        std::vector<llvm::Value *> base(op.inputs.size(), nullptr), value(op.inputs.size(), nullptr);
        for (size_t k = 0; k < op.inputs.size(); ++k) {
            if (sparse && static_cast<int>(k) == op.driver) continue;
            llvm::Value *p = b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(ptr, ptrs, k));
            switch (op.inputs[k]) {
            case InputKind::Matrix: // sparse: p is row i already (a dense row or a scattered sparse one)
                base[k] = sparse ? p : b.CreateInBoundsGEP(f64, p, b.CreateAdd(b.CreateMul(row, cols), j0));
                break;
            case InputKind::RowVector:
                base[k] = sparse ? p : b.CreateInBoundsGEP(f64, p, j0);
                break;
            case InputKind::ColVector:
                value[k] = b.CreateLoad(f64, b.CreateInBoundsGEP(f64, p, row));
                break;
            case InputKind::OuterLeft:
                if (!sparse) throw KernelError("internal error: dense outer products are interpreted");
                base[k] = b.CreateInBoundsGEP(f64, p, b.CreateMul(row, rank));
                break;
            case InputKind::OuterRight:
                if (!sparse) throw KernelError("internal error: dense outer products are interpreted");
                base[k] = p;
                break;
            case InputKind::Cell:
            case InputKind::Scalar:
                value[k] = b.CreateLoad(f64, p);
                break;
            }
        }
        // Pow nodes with a loop-invariant exponent (a scalar, 1x1 cell or the row's column-vector value): the
        // loop is emitted twice, and when every such exponent is 2 the fast copy squares with one fmul (what
        // apply_binary computes for ^2), so the loop vectorizes instead of calling back per cell.
        std::vector<llvm::Value *> exps;
        const int root = op.roots[static_cast<size_t>(r)];
        const std::vector<bool> need = needed_nodes(op, root);
        for (int k = 0; k <= root; ++k)
            if (llvm::Value *e = need[static_cast<size_t>(k)] ? invariant_exponent(op, k, value) : nullptr;
                e && std::find(exps.begin(), exps.end(), e) == exps.end())
                exps.push_back(e);
        auto *exit = llvm::BasicBlock::Create(c, "exit", fn);
        Loop loop{op, root, need, sparse, base, value, cols, rank, row, ci, dv, n, out, fn, exit};
        if (exps.empty()) {
            auto *body = emit_loop(loop, b.GetInsertBlock(), false);
            b.CreateCondBr(b.CreateICmpSGT(n, b.getInt64(0)), body, exit);
        } else {
            llvm::Value *all2 = b.getTrue();
            for (llvm::Value *e : exps)
                all2 = b.CreateAnd(all2, b.CreateFCmpOEQ(e, llvm::ConstantFP::get(f64, 2.0)));
            auto *pick = llvm::BasicBlock::Create(c, "pick", fn);
            b.CreateCondBr(b.CreateICmpSGT(n, b.getInt64(0)), pick, exit);
            auto *squares = emit_loop(loop, pick, true);
            auto *general = emit_loop(loop, pick, false);
            b.SetInsertPoint(pick);
            b.CreateCondBr(all2, squares, general);
        }
        b.SetInsertPoint(exit);
        b.CreateRetVoid();
    }

    /// ReduceFn (reduce_body.h): void f(ptr ptrs, i64 cols, i64 i, i64 j0, i64 n, ptr lanes). Per group of
    /// kKahanLanes cells, as kKahanLanes / 4 vectors of 4: the nodes every root needs (each input loaded
    /// once), then for every root the Kahan step of each vector on its lanes (kahan_lanes.cpp's body: the
    /// same IEEE operations, so the same bits), the lanes staying in registers across the loop.
    void emit_reduce(const FusedOp &op, llvm::Module &mod, const std::string &fname) {
        llvm::LLVMContext &c = mod.getContext();
        llvm::IRBuilder<> b(c);
        constexpr int kWidth = 4, kVecs = detail::kKahanLanes / kWidth;
        llvm::Type *f64 = b.getDoubleTy(), *i64 = b.getInt64Ty(), *ptr = b.getPtrTy();
        llvm::Type *vec = llvm::FixedVectorType::get(f64, kWidth);
        auto *fty = llvm::FunctionType::get(b.getVoidTy(), {ptr, i64, i64, i64, i64, ptr}, false);
        auto *fn = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, fname, mod);
        fn->addFnAttr("target-cpu", tm_->getTargetCPU());
        fn->addFnAttr("target-features", tm_->getTargetFeatureString());
        fn->addFnAttr(llvm::Attribute::NoUnwind);
        auto args = fn->arg_begin();
        llvm::Value *ptrs = &*args++, *cols = &*args++, *row = &*args++, *j0 = &*args++, *n = &*args++,
                    *lanes = &*args++;
        auto *entry = llvm::BasicBlock::Create(c, "entry", fn);
        auto *pre = llvm::BasicBlock::Create(c, "pre", fn);
        auto *loop = llvm::BasicBlock::Create(c, "loop", fn);
        auto *done = llvm::BasicBlock::Create(c, "done", fn);
        auto *exit = llvm::BasicBlock::Create(c, "exit", fn);
        b.SetInsertPoint(entry);
        const size_t nin = op.inputs.size(), nroots = op.roots.size();
        std::vector<llvm::Value *> base(nin, nullptr), splat(nin, nullptr);
        for (size_t k = 0; k < nin; ++k) {
            llvm::Value *p = b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(ptr, ptrs, k));
            if (op.inputs[k] == InputKind::Matrix)
                base[k] = b.CreateInBoundsGEP(f64, p, b.CreateAdd(b.CreateMul(row, cols), j0));
            else if (op.inputs[k] == InputKind::RowVector)
                base[k] = p; // tiled: indexed by the column of the group's first cell
            else             // a 1x1 cell or a scalar
                splat[k] = b.CreateVectorSplat(kWidth, b.CreateLoad(f64, p));
        }
        // The lanes of root r: sums at lanes[2r], corrections at lanes[2r + 1], vector v at element 4v.
        auto lane_ptr = [&](size_t r, int which, int v) {
            llvm::Value *p = b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(ptr, lanes, 2 * r + which));
            return b.CreateConstInBoundsGEP1_64(f64, p, static_cast<uint64_t>(kWidth * v));
        };
        std::vector<std::vector<llvm::Value *>> s0(nroots), c0(nroots);
        for (size_t r = 0; r < nroots; ++r)
            for (int v = 0; v < kVecs; ++v) {
                s0[r].push_back(b.CreateAlignedLoad(vec, lane_ptr(r, 0, v), llvm::Align(8)));
                c0[r].push_back(b.CreateAlignedLoad(vec, lane_ptr(r, 1, v), llvm::Align(8)));
            }
        b.CreateCondBr(b.CreateICmpSGT(n, b.getInt64(0)), pre, exit);
        // A group of cells wraps around the row end: the next group's column is (j + 32) mod cols, with
        // (32 mod cols) computed once (cols > 0 here, as n > 0).
        b.SetInsertPoint(pre);
        llvm::Value *step = b.CreateURem(b.getInt64(detail::kKahanLanes), cols);
        b.CreateBr(loop);

        b.SetInsertPoint(loop);
        llvm::PHINode *t = b.CreatePHI(i64, 2);
        t->addIncoming(b.getInt64(0), pre);
        llvm::PHINode *col = b.CreatePHI(i64, 2);
        col->addIncoming(j0, pre);
        std::vector<std::vector<llvm::PHINode *>> s(nroots), cr(nroots);
        for (size_t r = 0; r < nroots; ++r)
            for (int v = 0; v < kVecs; ++v) {
                s[r].push_back(b.CreatePHI(vec, 2));
                s[r].back()->addIncoming(s0[r][static_cast<size_t>(v)], pre);
                cr[r].push_back(b.CreatePHI(vec, 2));
                cr[r].back()->addIncoming(c0[r][static_cast<size_t>(v)], pre);
            }
        std::vector<bool> need(op.nodes.size(), false);
        for (int root : op.roots) {
            const std::vector<bool> nr = needed_nodes(op, root);
            for (size_t k = 0; k < need.size(); ++k) need[k] = need[k] || nr[k];
        }
        llvm::Value *one = llvm::ConstantFP::get(vec, 1.0), *zero = llvm::ConstantFP::get(vec, 0.0);
        auto intrinsic = [&](llvm::Intrinsic::ID id, llvm::Value *a) {
            return b.CreateCall(llvm::Intrinsic::getDeclaration(&mod, id, {vec}), {a});
        };
        std::vector<std::vector<llvm::Value *>> s_next(nroots), c_next(nroots);
        for (int v = 0; v < kVecs; ++v) {
            llvm::Value *off = b.CreateAdd(t, b.getInt64(kWidth * v), "", true, true);
            llvm::Value *col_off = b.CreateAdd(col, b.getInt64(kWidth * v), "", true, true);
            std::vector<llvm::Value *> val(op.nodes.size(), nullptr);
            for (size_t k = 0; k < op.nodes.size(); ++k) {
                if (!need[k]) continue;
                const FusedNode &nd = op.nodes[k];
                llvm::Value *a =
                    nd.a >= 0 && nd.kind != FusedNode::Kind::Input ? val[static_cast<size_t>(nd.a)] : nullptr;
                llvm::Value *bb =
                    nd.kind == FusedNode::Kind::Binary ? val[static_cast<size_t>(nd.b)] : nullptr;
                auto cmp = [&](llvm::CmpInst::Predicate p) {
                    return b.CreateSelect(b.CreateFCmp(p, a, bb), one, zero);
                };
                switch (nd.kind) {
                case FusedNode::Kind::Input: {
                    const size_t in = static_cast<size_t>(nd.input);
                    llvm::Value *at = op.inputs[in] == InputKind::RowVector ? col_off : off;
                    val[k] = base[in] ? b.CreateAlignedLoad(vec, b.CreateInBoundsGEP(f64, base[in], at),
                                                            llvm::Align(8))
                                      : splat[in];
                    break;
                }
                case FusedNode::Kind::Unary:
                    switch (nd.unary) {
                    case UnaryOp::Neg:
                        val[k] = b.CreateFNeg(a);
                        break;
                    case UnaryOp::Abs:
                        val[k] = intrinsic(llvm::Intrinsic::fabs, a);
                        break;
                    case UnaryOp::Sqrt:
                        val[k] = intrinsic(llvm::Intrinsic::sqrt, a);
                        break;
                    case UnaryOp::Floor:
                        val[k] = intrinsic(llvm::Intrinsic::floor, a);
                        break;
                    case UnaryOp::Ceil:
                        val[k] = intrinsic(llvm::Intrinsic::ceil, a);
                        break;
                    default:
                        throw KernelError("internal error: no reduction body for this operator");
                    }
                    break;
                case FusedNode::Kind::Binary:
                    switch (nd.binary) {
                    case BinaryOp::Add:
                        val[k] = b.CreateFAdd(a, bb);
                        break;
                    case BinaryOp::Sub:
                        val[k] = b.CreateFSub(a, bb);
                        break;
                    case BinaryOp::Mul:
                        val[k] = b.CreateFMul(a, bb);
                        break;
                    case BinaryOp::Div:
                        val[k] = b.CreateFDiv(a, bb);
                        break;
                    case BinaryOp::Lt:
                        val[k] = cmp(llvm::CmpInst::FCMP_OLT);
                        break;
                    case BinaryOp::Le:
                        val[k] = cmp(llvm::CmpInst::FCMP_OLE);
                        break;
                    case BinaryOp::Gt:
                        val[k] = cmp(llvm::CmpInst::FCMP_OGT);
                        break;
                    case BinaryOp::Ge:
                        val[k] = cmp(llvm::CmpInst::FCMP_OGE);
                        break;
                    case BinaryOp::Eq:
                        val[k] = cmp(llvm::CmpInst::FCMP_OEQ);
                        break;
                    case BinaryOp::Ne:
                        val[k] = cmp(llvm::CmpInst::FCMP_UNE);
                        break;
                    default:
                        throw KernelError("internal error: no reduction body for this operator");
                    }
                    break;
                case FusedNode::Kind::Dot:
                    throw KernelError("internal error: no reduction body for an outer product");
                }
            }
            // The plain Kahan step per lane: y = x - c; t = s + y; c = (t - s) - y; s = t. It is kahan_step
            // as long as the sum stays finite; the caller sums a chunk again with kahan_step's check when a
            // lane ends Inf or NaN (reduce_body.h).
            for (size_t r = 0; r < nroots; ++r) {
                llvm::Value *x = val[static_cast<size_t>(op.roots[r])];
                if (op.agg_ops[r] == AggOp::SumSq) x = b.CreateFMul(x, x);
                llvm::Value *sv = s[r][static_cast<size_t>(v)], *cv = cr[r][static_cast<size_t>(v)];
                llvm::Value *y = b.CreateFSub(x, cv);
                llvm::Value *sum = b.CreateFAdd(sv, y);
                s_next[r].push_back(sum);
                c_next[r].push_back(b.CreateFSub(b.CreateFSub(sum, sv), y));
            }
        }
        // Software prefetch kPrefetchCells ahead, one per 64-byte line of the group, when the body streams a
        // single matrix: with the arithmetic between its loads the hardware prefetcher alone leaves the loop
        // short of DRAM bandwidth (10000 x 1000, 2 threads: sum((X-mu)^2) 3.2 -> 2.5 ms, sum(X*2-1) 2.9 ->
        // 2.5 ms). With two or three matrices it costs 3-12% (sum(X*Y), sum(X*Y*Z)), so they go without.
        // A prefetch past the end of an input is harmless (no fault), so the address is a plain GEP.
        constexpr int64_t kPrefetchCells = 512, kLineCells = 8;
        if (std::count(op.inputs.begin(), op.inputs.end(), InputKind::Matrix) == 1)
            for (size_t k = 0; k < nin; ++k)
                if (op.inputs[k] == InputKind::Matrix)
                    for (int64_t line = 0; line < detail::kKahanLanes / kLineCells; ++line) {
                        llvm::Value *at = b.CreateAdd(t, b.getInt64(kPrefetchCells + kLineCells * line));
                        b.CreateCall(
                            llvm::Intrinsic::getDeclaration(&mod, llvm::Intrinsic::prefetch, {ptr}),
                            {b.CreateGEP(f64, base[k], at), b.getInt32(0), b.getInt32(3), b.getInt32(1)});
                    }
        llvm::Value *next = b.CreateAdd(t, b.getInt64(detail::kKahanLanes), "", true, true);
        t->addIncoming(next, loop);
        llvm::Value *col_next = b.CreateAdd(col, step);
        col->addIncoming(
            b.CreateSelect(b.CreateICmpUGE(col_next, cols), b.CreateSub(col_next, cols), col_next), loop);
        for (size_t r = 0; r < nroots; ++r)
            for (int v = 0; v < kVecs; ++v) {
                s[r][static_cast<size_t>(v)]->addIncoming(s_next[r][static_cast<size_t>(v)], loop);
                cr[r][static_cast<size_t>(v)]->addIncoming(c_next[r][static_cast<size_t>(v)], loop);
            }
        b.CreateCondBr(b.CreateICmpSLT(next, n), loop, done);

        b.SetInsertPoint(done);
        for (size_t r = 0; r < nroots; ++r)
            for (int v = 0; v < kVecs; ++v) {
                b.CreateAlignedStore(s_next[r][static_cast<size_t>(v)], lane_ptr(r, 0, v), llvm::Align(8));
                b.CreateAlignedStore(c_next[r][static_cast<size_t>(v)], lane_ptr(r, 1, v), llvm::Align(8));
            }
        b.CreateBr(exit);
        b.SetInsertPoint(exit);
        b.CreateRetVoid();
    }

    /// The loop-invariant exponent of node k when it is a Pow whose exponent is an input read once per call.
    static llvm::Value *invariant_exponent(const FusedOp &op, int k,
                                           const std::vector<llvm::Value *> &value) {
        const FusedNode &nd = op.nodes[static_cast<size_t>(k)];
        if (nd.kind != FusedNode::Kind::Binary || nd.binary != BinaryOp::Pow) return nullptr;
        const FusedNode &e = op.nodes[static_cast<size_t>(nd.b)];
        return e.kind == FusedNode::Kind::Input ? value[static_cast<size_t>(e.input)] : nullptr;
    }

    /// What one copy of the cell loop reads: the function's arguments and the loop-invariant addresses.
    struct Loop {
        const FusedOp &op;
        int root;
        const std::vector<bool> &need; ///< the nodes the root depends on
        bool sparse;
        const std::vector<llvm::Value *> &base, &value;
        llvm::Value *cols, *rank, *row, *ci, *dv, *n, *out;
        llvm::Function *fn;
        llvm::BasicBlock *exit;
    };

    /// Emits one copy of the cell loop (t from 0 to n, entered from `pred`, then to L.exit) and returns its
    /// first block. With
    /// `squares`, Pow nodes with a loop-invariant exponent are a*a (the caller checked the exponents are 2).
    llvm::BasicBlock *emit_loop(const Loop &L, llvm::BasicBlock *pred, bool squares) {
        llvm::LLVMContext &c = L.fn->getContext();
        llvm::IRBuilder<> b(c);
        llvm::Module &mod = *L.fn->getParent();
        llvm::Type *f64 = b.getDoubleTy(), *i64 = b.getInt64Ty(), *i32 = b.getInt32Ty(), *ptr = b.getPtrTy();
        const FusedOp &op = L.op;
        auto *loop = llvm::BasicBlock::Create(c, squares ? "loop_sq" : "loop", L.fn, L.exit);
        b.SetInsertPoint(loop);
        auto *unary_ty = llvm::FunctionType::get(f64, {i64, f64}, false);
        auto *binary_ty = llvm::FunctionType::get(f64, {i64, f64, f64}, false);
        llvm::PHINode *t = b.CreatePHI(i64, 2);
        t->addIncoming(b.getInt64(0), pred);
        llvm::Value *unary_fn = b.CreateIntToPtr(b.getInt64(reinterpret_cast<uint64_t>(&call_unary)), ptr);
        llvm::Value *binary_fn = b.CreateIntToPtr(b.getInt64(reinterpret_cast<uint64_t>(&call_binary)), ptr);
        // Sparse: the column of the t-th stored cell.
        llvm::Value *j =
            L.sparse ? b.CreateSExt(b.CreateLoad(i32, b.CreateInBoundsGEP(i32, L.ci, t)), i64) : nullptr;
        std::vector<llvm::Value *> v(op.nodes.size(), nullptr);
        llvm::Value *one_v = llvm::ConstantFP::get(f64, 1.0), *zero_v = llvm::ConstantFP::get(f64, 0.0);
        auto intrinsic = [&](llvm::Intrinsic::ID id, llvm::Value *a) {
            return b.CreateCall(llvm::Intrinsic::getDeclaration(&mod, id, {f64}), {a});
        };
        for (int k = 0; k <= L.root; ++k) {
            if (!L.need[static_cast<size_t>(k)]) continue;
            const FusedNode &nd = op.nodes[static_cast<size_t>(k)];
            switch (nd.kind) {
            case FusedNode::Kind::Input: {
                const size_t in = static_cast<size_t>(nd.input);
                const InputKind kind = op.inputs[in];
                if (kind == InputKind::OuterLeft || kind == InputKind::OuterRight) break; // read by Dot nodes
                if (L.sparse && nd.input == op.driver)
                    v[static_cast<size_t>(k)] = b.CreateLoad(f64, b.CreateInBoundsGEP(f64, L.dv, t));
                else if (L.base[in])
                    v[static_cast<size_t>(k)] =
                        b.CreateLoad(f64, b.CreateInBoundsGEP(f64, L.base[in], L.sparse ? j : t));
                else
                    v[static_cast<size_t>(k)] = L.value[in];
                break;
            }
            case FusedNode::Kind::Unary: {
                llvm::Value *a = v[static_cast<size_t>(nd.a)], *res = nullptr;
                // Inline where the IR is exactly the scalar semantics of apply_unary (IEEE operations).
                switch (nd.unary) {
                case UnaryOp::Neg:
                    res = b.CreateFNeg(a);
                    break;
                case UnaryOp::Abs:
                    res = intrinsic(llvm::Intrinsic::fabs, a);
                    break;
                case UnaryOp::Sqrt:
                    res = intrinsic(llvm::Intrinsic::sqrt, a);
                    break;
                case UnaryOp::Floor:
                    res = intrinsic(llvm::Intrinsic::floor, a);
                    break;
                case UnaryOp::Ceil:
                    res = intrinsic(llvm::Intrinsic::ceil, a);
                    break;
                default:
                    res = b.CreateCall(unary_ty, unary_fn, {b.getInt64(static_cast<int64_t>(nd.unary)), a});
                    break;
                }
                v[static_cast<size_t>(k)] = res;
                break;
            }
            case FusedNode::Kind::Dot:
                if (!L.sparse) throw KernelError("internal error: dense outer products are interpreted");
                v[static_cast<size_t>(k)] = emit_dot(
                    b, L.fn, L.rank, L.base[static_cast<size_t>(op.nodes[static_cast<size_t>(nd.a)].input)],
                    b.CreateInBoundsGEP(
                        f64, L.base[static_cast<size_t>(op.nodes[static_cast<size_t>(nd.b)].input)],
                        b.CreateMul(j, L.rank)));
                break;
            case FusedNode::Kind::Binary: {
                llvm::Value *a = v[static_cast<size_t>(nd.a)], *bb = v[static_cast<size_t>(nd.b)],
                            *res = nullptr;
                auto cmp = [&](llvm::CmpInst::Predicate p) {
                    return b.CreateSelect(b.CreateFCmp(p, a, bb), one_v, zero_v);
                };
                switch (nd.binary) {
                case BinaryOp::Add:
                    res = b.CreateFAdd(a, bb);
                    break;
                case BinaryOp::Sub:
                    res = b.CreateFSub(a, bb);
                    break;
                case BinaryOp::Mul:
                    res = b.CreateFMul(a, bb);
                    break;
                case BinaryOp::Div:
                    res = b.CreateFDiv(a, bb);
                    break;
                case BinaryOp::Lt:
                    res = cmp(llvm::CmpInst::FCMP_OLT);
                    break;
                case BinaryOp::Le:
                    res = cmp(llvm::CmpInst::FCMP_OLE);
                    break;
                case BinaryOp::Gt:
                    res = cmp(llvm::CmpInst::FCMP_OGT);
                    break;
                case BinaryOp::Ge:
                    res = cmp(llvm::CmpInst::FCMP_OGE);
                    break;
                case BinaryOp::Eq:
                    res = cmp(llvm::CmpInst::FCMP_OEQ);
                    break;
                case BinaryOp::Ne:
                    res = cmp(llvm::CmpInst::FCMP_UNE);
                    break;
                default:
                    if (squares && nd.binary == BinaryOp::Pow && invariant_exponent(op, k, L.value))
                        res = b.CreateFMul(a, a); // the exponent is 2: apply_binary's x*x
                    else
                        res = b.CreateCall(binary_ty, binary_fn,
                                           {b.getInt64(static_cast<int64_t>(nd.binary)), a, bb});
                    break;
                }
                v[static_cast<size_t>(k)] = res;
                break;
            }
            }
        }
        b.CreateStore(v[static_cast<size_t>(L.root)], b.CreateInBoundsGEP(f64, L.out, t));
        llvm::Value *next = b.CreateAdd(t, b.getInt64(1), "", true, true);
        t->addIncoming(next, b.GetInsertBlock()); // a Dot's inner loop moves the latch
        b.CreateCondBr(b.CreateICmpSLT(next, L.n), loop, L.exit);
        return loop;
    }

    /// sum over q < rank of u[q] * w[q], left to right from 0.0 (the interpreter's dot()), as an inner loop.
    llvm::Value *emit_dot(llvm::IRBuilder<> &b, llvm::Function *fn, llvm::Value *rank, llvm::Value *u,
                          llvm::Value *w) {
        llvm::LLVMContext &c = fn->getContext();
        llvm::Type *f64 = b.getDoubleTy(), *i64 = b.getInt64Ty();
        llvm::BasicBlock *before = b.GetInsertBlock();
        auto *body = llvm::BasicBlock::Create(c, "dot", fn);
        auto *done = llvm::BasicBlock::Create(c, "dot_done", fn);
        llvm::Value *zero = llvm::ConstantFP::get(f64, 0.0);
        b.CreateCondBr(b.CreateICmpSGT(rank, b.getInt64(0)), body, done);
        b.SetInsertPoint(body);
        llvm::PHINode *q = b.CreatePHI(i64, 2), *s = b.CreatePHI(f64, 2);
        q->addIncoming(b.getInt64(0), before);
        s->addIncoming(zero, before);
        llvm::Value *prod = b.CreateFMul(b.CreateLoad(f64, b.CreateInBoundsGEP(f64, u, q)),
                                         b.CreateLoad(f64, b.CreateInBoundsGEP(f64, w, q)));
        llvm::Value *sum = b.CreateFAdd(s, prod);
        llvm::Value *qn = b.CreateAdd(q, b.getInt64(1), "", true, true);
        q->addIncoming(qn, body);
        s->addIncoming(sum, body);
        b.CreateCondBr(b.CreateICmpSLT(qn, rank), body, done);
        b.SetInsertPoint(done);
        llvm::PHINode *res = b.CreatePHI(f64, 2);
        res->addIncoming(zero, before);
        res->addIncoming(sum, body);
        return res;
    }

    void optimize(llvm::Module &mod, bool cleanup_only) {
        llvm::LoopAnalysisManager lam;
        llvm::FunctionAnalysisManager fam;
        llvm::CGSCCAnalysisManager cgam;
        llvm::ModuleAnalysisManager mam;
        llvm::PassBuilder pb(tm_.get());
        pb.registerModuleAnalyses(mam);
        pb.registerCGSCCAnalyses(cgam);
        pb.registerFunctionAnalyses(fam);
        pb.registerLoopAnalyses(lam);
        pb.crossRegisterProxies(lam, fam, cgam, mam);
        // A short pipeline for one loop (the full O2 pipeline costs several times more to run): clean up,
        // put the loop in canonical form, vectorize it, clean up again.
        llvm::FunctionPassManager fpm;
        fpm.addPass(llvm::EarlyCSEPass());
        if (cleanup_only) {
            llvm::ModulePassManager mpm;
            mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
            mpm.run(mod, mam);
            return;
        }
        fpm.addPass(llvm::InstCombinePass());
        fpm.addPass(llvm::SimplifyCFGPass());
        fpm.addPass(llvm::LoopSimplifyPass());
        fpm.addPass(llvm::LCSSAPass());
        fpm.addPass(llvm::LoopVectorizePass());
        fpm.addPass(llvm::InstCombinePass());
        fpm.addPass(llvm::SimplifyCFGPass());
        llvm::ModulePassManager mpm;
        mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
        mpm.run(mod, mam);
    }

    std::mutex mutex_;
    std::unique_ptr<llvm::orc::LLJIT> jit_;
    std::unique_ptr<llvm::TargetMachine> tm_;
    llvm::DataLayout layout_{""};
    std::string triple_;
    std::map<std::string, std::vector<void *>> cache_;
    JitStats stats_;
};

Jit &jit() {
    static Jit *j = new Jit; // never destroyed: compiled code may run until the process exits
    return *j;
}

} // namespace

DenseBodies jit_compile_dense(const FusedOp &op) {
    DenseBodies out;
    if (reducible(op))
        out.reduce = reinterpret_cast<ReduceFn>(jit().compile(op, Bodies::Reduce)[0]);
    else
        out.spans = jit_compile(op);
    return out;
}

std::vector<SpanFn> jit_compile(const FusedOp &op) {
    std::vector<SpanFn> fns;
    for (void *f : jit().compile(op, Bodies::Spans)) fns.push_back(reinterpret_cast<SpanFn>(f));
    return fns;
}

std::vector<SparseSpanFn> jit_compile_sparse(const FusedOp &op) {
    if (!op.sparse_safe())
        throw KernelError("internal error: a sparse body for an operator that is not sparse-safe");
    std::vector<SparseSpanFn> fns;
    for (void *f : jit().compile(op, Bodies::Sparse)) fns.push_back(reinterpret_cast<SparseSpanFn>(f));
    return fns;
}

std::string jit_ir(const FusedOp &op, bool sparse) {
    return jit().ir(op, sparse);
}

JitStats jit_stats() {
    return jit().stats();
}

} // namespace linea::kernels::codegen
