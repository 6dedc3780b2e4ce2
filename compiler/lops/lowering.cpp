#include "compiler/lops/lowering.h"

#include "compiler/estim/sketch_cache.h"
#include "compiler/hops/infer.h"
#include "compiler/lops/physical.h"
#include "runtime/program/context.h"

#include "language/ast.h"
#include "language/builtins.h"
#include "runtime/instructions/fused.h"
#include "runtime/instructions/instructions.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace linea::lops {

namespace {

using hops::Hop;
using hops::HopDag;
using hops::HopKind;

/// Slots of one function: named variables plus a pool of reusable temporaries.
class SlotMap {
public:
    explicit SlotMap(rt::Function &fn) : fn_(fn) {}
    int var(const std::string &name) {
        auto it = vars_.find(name);
        if (it != vars_.end()) return it->second;
        int s = new_slot(name);
        vars_[name] = s;
        return s;
    }
    int temp() {
        if (!free_.empty()) {
            int s = free_.back();
            free_.pop_back();
            return s;
        }
        int s = new_slot("_t" + std::to_string(fn_.num_slots));
        temps_.insert(s);
        return s;
    }
    void release(int s) { free_.push_back(s); }
    bool is_temp(int s) const { return temps_.count(s) > 0; }

private:
    int new_slot(const std::string &name) {
        fn_.slot_names.push_back(name);
        return fn_.num_slots++;
    }
    rt::Function &fn_;
    std::unordered_map<std::string, int> vars_;
    std::vector<int> free_;
    std::set<int> temps_;
};

/// The output format a HOP's exact or estimated nnz asks for: CSR when the format policy prefers it, so
/// the kernel can build it directly; None (the kernel chooses) when nothing is known.
kernels::FormatHint output_format(const Hop *h) {
    if (!h->rows || !h->cols) return kernels::FormatHint::None;
    const std::optional<double> n = h->nnz ? std::optional<double>(static_cast<double>(*h->nnz)) : h->est_nnz;
    if (!n) return kernels::FormatHint::None;
    return kernels::prefer_sparse(*h->rows, *h->cols, static_cast<int64_t>(std::llround(std::max(*n, 0.0))))
               ? kernels::FormatHint::Sparse
               : kernels::FormatHint::None;
}

rt::MatMultKind mm_kind(hops::MatMultMethod m) {
    switch (m) {
    case hops::MatMultMethod::Default:
        return rt::MatMultKind::Plain;
    case hops::MatMultMethod::TsmmLeft:
        return rt::MatMultKind::TsmmLeft;
    case hops::MatMultMethod::TsmmRight:
        return rt::MatMultKind::TsmmRight;
    case hops::MatMultMethod::TransLeft:
        return rt::MatMultKind::TransLeft;
    case hops::MatMultMethod::MMChain:
        return rt::MatMultKind::MMChain;
    case hops::MatMultMethod::MMChainW:
        return rt::MatMultKind::MMChainW;
    }
    return rt::MatMultKind::Plain;
}

class DagLowering {
public:
    DagLowering(SlotMap &slots, const std::vector<std::string> &slot_names,
                const std::map<std::string, rt::Function *> &functions,
                fusion::CodegenMode codegen = fusion::CodegenMode::Off)
        : slots_(slots), slot_names_(slot_names), functions_(functions), codegen_(codegen) {}

    /// Lowers `dag`; `keep` hops (predicates, loop bounds, defaults) keep their value after the list ends.
    rt::InstrList lower(const HopDag &dag, const std::vector<const Hop *> &keep) {
        order(dag);
        compute_last_use(keep);
        choose_direct_writes(dag);
        allocate();
        return emit();
    }

    rt::Operand operand(const Hop *h) const {
        if (h->kind == HopKind::Literal) return rt::Operand::of_constant(h->literal);
        return rt::Operand::of_slot(slot_.at(h));
    }

private:
    void order(const HopDag &dag) {
        std::set<const Hop *> seen;
        // Iterative post-order so deep expression chains cannot overflow the stack.
        for (const Hop *root : dag.roots) {
            std::vector<std::pair<const Hop *, size_t>> stack{{root, 0}};
            if (seen.count(root)) continue;
            seen.insert(root);
            while (!stack.empty()) {
                auto &[h, i] = stack.back();
                if (i < h->inputs.size()) {
                    const Hop *in = h->inputs[i++];
                    if (!seen.count(in)) {
                        seen.insert(in);
                        stack.emplace_back(in, 0);
                    }
                    continue;
                }
                const Hop *done = h;
                stack.pop_back();
                order_.push_back(done);
                if (done->kind == HopKind::FunctionCall || (multi_output(done))) {
                    // Its outputs are defined by the call itself.
                    for (const Hop *p : done->parents)
                        if (p->kind == HopKind::FunctionOutput && !seen.count(p)) {
                            seen.insert(p);
                            order_.push_back(p);
                        }
                }
            }
        }
        for (size_t i = 0; i < order_.size(); ++i) pos_[order_[i]] = i;
    }

    void compute_last_use(const std::vector<const Hop *> &keep) {
        for (size_t i = 0; i < order_.size(); ++i) {
            const Hop *h = order_[i];
            if (h->kind == HopKind::FunctionOutput) continue; // its input edge is structural
            for (const Hop *in : h->inputs) last_use_[in] = std::max(last_use_[in], i);
        }
        for (const Hop *k : keep) last_use_[k] = order_.size();
    }

    /// A value written to variable v is computed straight into v's slot when the DAG does not read v.
    void choose_direct_writes(const HopDag &dag) {
        std::set<std::string> read_vars;
        for (const auto &n : dag.nodes())
            if (n->kind == HopKind::TRead) read_vars.insert(n->var);
        for (const Hop *h : order_) {
            if (h->kind != HopKind::TWrite) continue;
            const Hop *src = h->inputs[0];
            if (src->kind == HopKind::Literal || src->kind == HopKind::TRead) continue;
            // Other consumers of src then read v's slot, which no one else writes in this DAG.
            if (read_vars.count(h->var) || direct_.count(src)) continue;
            direct_[src] = h->var;
            elided_.insert(h);
        }
    }

    void allocate() {
        // Values read by TWrites of variables that other TWrites overwrite must be read before any write.
        std::set<std::string> written;
        for (const Hop *h : order_)
            if (h->kind == HopKind::TWrite && !elided_.count(h)) written.insert(h->var);
        std::vector<std::pair<size_t, int>> to_free; // (last use, slot)
        // Snapshots are taken at the start of the block (before any write), so their temporaries are
        // allocated first and live from position 0.
        for (const Hop *h : order_) {
            if (h->kind != HopKind::TRead || !written.count(h->var) || !reads_by_twrite(h)) continue;
            int t = slots_.temp();
            snapshot_[h] = t;
            slot_[h] = t;
            to_free.emplace_back(last_use_[h], t);
            if (last_use_[h] < order_.size()) release_at_[last_use_[h]].push_back(t);
        }
        for (size_t i = 0; i < order_.size(); ++i) {
            // Temporaries whose last use lies before i are free again -- except while allocating the outputs
            // of a call (they follow it in the order): the call still reads its inputs when it writes them.
            const bool projection = order_[i]->kind == HopKind::FunctionOutput;
            for (auto it = to_free.begin(); !projection && it != to_free.end();) {
                if (it->first < i) {
                    slots_.release(it->second);
                    it = to_free.erase(it);
                } else {
                    ++it;
                }
            }
            const Hop *h = order_[i];
            switch (h->kind) {
            case HopKind::Literal:
                continue;
            case HopKind::TRead:
                if (!snapshot_.count(h)) slot_[h] = slots_.var(h->var);
                continue;
            case HopKind::TWrite:
                slot_[h] = slots_.var(h->var);
                continue;
            default:
                break;
            }
            if (h->kind == HopKind::Builtin && h->num_outputs == 0) continue;
            if (h->kind == HopKind::FunctionCall || multi_output(h))
                continue; // outputs are FunctionOutput hops
            auto d = direct_.find(h);
            if (d != direct_.end()) {
                slot_[h] = slots_.var(d->second);
                continue;
            }
            if (!last_use_.count(h)) {
                if (h->kind == HopKind::FunctionOutput) {
                    slot_[h] = -1; // output not used
                    continue;
                }
            }
            int t = slots_.temp();
            slot_[h] = t;
            size_t lu = last_use_.count(h) ? last_use_[h] : i;
            to_free.emplace_back(lu, t);
            if (lu < order_.size()) release_at_[lu].push_back(t);
        }
        for (auto &[lu, s] : to_free) slots_.release(s);
    }

    bool reads_by_twrite(const Hop *h) const {
        for (const Hop *p : h->parents)
            if (p->kind == HopKind::TWrite && pos_.count(p)) return true;
        return false;
    }

    rt::IndexSpec index_spec(const hops::IndexDim &d, const Hop *h, size_t &k) const {
        rt::IndexSpec s;
        s.all = d.all;
        s.single = d.single;
        if (d.all) return s;
        s.lower = operand(h->inputs[k++]);
        if (!d.single) s.upper = operand(h->inputs[k++]);
        return s;
    }

    rt::InstrList emit() {
        rt::InstrList out;
        // Copies of variables the block both reads into a write and overwrites (t = a; a = 5; b = t), taken
        // before anything runs: later TWrites may overwrite the variable before the read is reached.
        for (const Hop *h : order_) {
            if (!snapshot_.count(h)) continue;
            auto copy = std::make_unique<rt::CopyInstruction>(rt::Operand::of_slot(slots_.var(h->var)),
                                                              snapshot_[h], h->loc);
            copy->slot_names = &slot_names_;
            out.push_back(std::move(copy));
        }
        for (const Hop *h : order_) {
            rt::InstrPtr in = make(h);
            size_t i = pos_[h];
            if (!in) continue;
            auto rel = release_at_.find(i);
            if (rel != release_at_.end()) in->release = rel->second;
            in->slot_names = &slot_names_;
            out.push_back(std::move(in));
        }
        // Releases scheduled at hops that produced no instruction (e.g. a TWrite that was elided) move to the
        // end.
        std::set<int> released;
        for (const auto &in : out)
            for (int s : in->release) released.insert(s);
        std::vector<int> pending;
        for (const auto &[lu, slots] : release_at_)
            for (int s : slots)
                if (!released.count(s)) pending.push_back(s);
        if (!pending.empty() && !out.empty()) {
            auto &last = out.back()->release;
            last.insert(last.end(), pending.begin(), pending.end());
        }
        return out;
    }

    /// Output slots of a multi-output operator (function call, eigen, ...): -1 for outputs not used.
    std::vector<int> projection_slots(const Hop *h) const {
        std::vector<int> outs(static_cast<size_t>(h->num_outputs), -1);
        for (const Hop *p : h->parents)
            if (p->kind == HopKind::FunctionOutput && slot_.count(p) && p->output_index < h->num_outputs)
                outs[static_cast<size_t>(p->output_index)] = slot_.at(p);
        return outs;
    }

    rt::InstrPtr make(const Hop *h) {
        const int out = slot_.count(h) ? slot_.at(h) : -1;
        auto in = [&](size_t k) { return operand(h->inputs[k]); };
        switch (h->kind) {
        case HopKind::Literal:
        case HopKind::TRead:
        case HopKind::FunctionOutput:
            return nullptr;
        case HopKind::TWrite:
            if (elided_.count(h)) return nullptr;
            return std::make_unique<rt::CopyInstruction>(in(0), out, h->loc);
        case HopKind::Unary:
            return std::make_unique<rt::UnaryInstruction>(h->opcode, h->unary_op, in(0), out, h->loc);
        case HopKind::Binary:
            return std::make_unique<rt::BinaryInstruction>(h->opcode, h->binary_op, in(0), in(1), out,
                                                           h->loc);
        case HopKind::Aggregate:
            return std::make_unique<rt::AggregateInstruction>(h->opcode, h->agg_op, h->agg_dir, in(0), out,
                                                              h->loc);
        case HopKind::NaryMinMax: {
            std::vector<rt::Operand> ops;
            for (size_t k = 0; k < h->inputs.size(); ++k) ops.push_back(in(k));
            return std::make_unique<rt::NaryMinMaxInstruction>(h->is_max, std::move(ops), out, h->loc);
        }
        case HopKind::MatMult: {
            std::vector<rt::Operand> ops;
            for (size_t k = 0; k < h->inputs.size(); ++k) ops.push_back(in(k));
            return std::make_unique<rt::MatMultInstruction>(mm_kind(h->mm_method), std::move(ops), out,
                                                            h->loc, output_format(h));
        }
        case HopKind::Reorg:
            return std::make_unique<rt::ReorgInstruction>(h->reorg_op, in(0), out, h->loc);
        case HopKind::Index: {
            size_t k = 1;
            rt::IndexSpec r = index_spec(h->rows_dim, h, k);
            rt::IndexSpec c = index_spec(h->cols_dim, h, k);
            return std::make_unique<rt::IndexInstruction>(in(0), std::move(r), std::move(c), h->has_cols, out,
                                                          h->loc);
        }
        case HopKind::LeftIndex: {
            size_t k = 2;
            rt::IndexSpec r = index_spec(h->rows_dim, h, k);
            rt::IndexSpec c = index_spec(h->cols_dim, h, k);
            return std::make_unique<rt::LeftIndexInstruction>(in(0), in(1), std::move(r), std::move(c),
                                                              h->has_cols, out, h->loc);
        }
        case HopKind::Builtin: {
            const BuiltinInfo &info = builtin(h->builtin_id);
            const rt::BuiltinFn *fn = rt::find_builtin_fn(info.name);
            if (!fn)
                throw DmlError(ErrorKind::NotSupported, h->loc,
                               "builtin '" + std::string(info.name) + "' is not supported yet");
            std::vector<rt::Operand> ops;
            size_t k = 0;
            for (bool present : h->arg_present) ops.push_back(present ? in(k++) : rt::Operand{});
            std::vector<int> outs;
            if (h->num_outputs == 1) outs.push_back(out);
            if (h->num_outputs > 1) outs = projection_slots(h);
            return std::make_unique<rt::BuiltinInstruction>(
                h->opcode, std::string(info.name), fn, std::move(ops), h->arg_names, std::move(outs), h->loc);
        }
        case HopKind::Fused: {
            std::vector<rt::Operand> ops;
            for (size_t k = 0; k < h->inputs.size(); ++k) ops.push_back(in(k));
            std::vector<int> outs = h->num_outputs > 1 ? projection_slots(h) : std::vector<int>{out};
            return std::make_unique<rt::FusedInstruction>(h->fused, std::move(ops), std::move(outs),
                                                          codegen_ == fusion::CodegenMode::Interpret
                                                              ? rt::FusedBackend::Interpret
                                                              : rt::FusedBackend::Jit,
                                                          h->loc);
        }
        case HopKind::FunctionCall: {
            std::vector<rt::Operand> ops;
            size_t k = 0;
            for (bool present : h->arg_present) ops.push_back(present ? in(k++) : rt::Operand{});
            std::vector<int> outs = projection_slots(h);
            auto it = functions_.find(hops::function_key(*h->function));
            if (it == functions_.end())
                throw DmlError(ErrorKind::Internal, h->loc,
                               "function " + h->function->name + " was not compiled");
            return std::make_unique<rt::FunctionCallInstruction>(it->second, std::move(ops), std::move(outs),
                                                                 h->loc);
        }
        }
        return nullptr;
    }

    /// Operators with several outputs, each read through a FunctionOutput projection.
    static bool multi_output(const Hop *h) {
        return (h->kind == HopKind::Builtin || h->kind == HopKind::Fused) && h->num_outputs > 1;
    }

    SlotMap &slots_;
    const std::vector<std::string> &slot_names_;
    const std::map<std::string, rt::Function *> &functions_;
    fusion::CodegenMode codegen_;
    std::vector<const Hop *> order_;
    std::unordered_map<const Hop *, size_t> pos_;
    std::unordered_map<const Hop *, size_t> last_use_;
    std::unordered_map<const Hop *, int> slot_;
    std::unordered_map<const Hop *, std::string> direct_;
    std::set<const Hop *> elided_;
    std::unordered_map<const Hop *, int> snapshot_;
    std::map<size_t, std::vector<int>> release_at_;
};

/// Whether a basic block gains from recompilation with live sizes: it has matrix operators of unknown size.
bool needs_recompile(const HopDag &dag) {
    bool unknown = false, reads_matrix = false;
    for (const Hop *h : dag.topological()) {
        if (h->kind == HopKind::TRead && (h->is_matrix() || h->data_type == DataType::Unknown))
            reads_matrix = true;
        if (h->is_matrix() && (!h->rows || !h->cols) &&
            (h->kind == HopKind::MatMult || h->kind == HopKind::Aggregate || h->kind == HopKind::Index ||
             h->kind == HopKind::Reorg || h->kind == HopKind::Binary))
            unknown = true;
    }
    return unknown && reads_matrix;
}

/// Recompiles one basic block from a pristine copy of its DAG whenever the sizes of the matrices it
/// reads differ from the previous execution.
class DagRecompiler : public rt::BlockRecompiler {
public:
    DagRecompiler(const HopDag &dag, std::shared_ptr<SlotMap> slots, rt::Function &fn,
                  const std::map<std::string, rt::Function *> &functions, const LoweringOptions &opts)
        : dag_(dag.clone()), slots_(std::move(slots)), fn_(fn), functions_(functions), opts_(opts) {
        for (const Hop *h : dag_->topological())
            if (h->kind == HopKind::TRead) inputs_.emplace_back(h->var, slots_->var(h->var));
    }

    std::shared_ptr<const rt::InstrList> instructions_for(rt::ExecContext &ctx) override {
        std::vector<std::pair<int64_t, int64_t>> sig;
        sig.reserve(inputs_.size());
        for (const auto &[name, slot] : inputs_) {
            const Value &v = ctx.frame()[static_cast<size_t>(slot)];
            if (v.is_matrix()) {
                sig.emplace_back(v.matrix()->rows(), v.matrix()->cols());
                // Plans depend on estimated nnz (sparsity-aware chain order): re-plan when the
                // density class of an input changes.
                const int64_t nnz = v.matrix()->nnz();
                sig.emplace_back(
                    -2, nnz == 0
                            ? 0
                            : (kernels::prefer_sparse(v.matrix()->rows(), v.matrix()->cols(), nnz) ? 1 : 2));
            } else
                sig.emplace_back(-1, static_cast<int64_t>(v.data_type()));
        }
        std::shared_ptr<const rt::InstrList> out;
        size_t num_slots;
        {
            // parfor workers recompile concurrently: the slot map and the function's slots are shared, so
            // one recompilation runs at a time; a worker keeps the list it runs alive (shared_ptr).
            std::lock_guard lock(recompile_mutex());
            if (!instructions_ || sig != signature_) {
                instructions_ = recompile(ctx);
                signature_ = std::move(sig);
            }
            out = instructions_;
            num_slots = static_cast<size_t>(fn_.num_slots.load());
        }
        if (ctx.frame().size() < num_slots) {
            ctx.frame().resize(num_slots);
            if (ctx.tracing()) ctx.lineage_frame().resize(num_slots);
        }
        return out;
    }

private:
    static std::mutex &recompile_mutex() {
        static std::mutex m;
        return m;
    }

    std::shared_ptr<const rt::InstrList> recompile(rt::ExecContext &ctx) {
        std::unique_ptr<HopDag> d = dag_->clone();
        for (const auto &node : d->nodes()) {
            Hop *h = node.get();
            if (h->kind != HopKind::TRead) continue;
            const Value &v = ctx.frame()[static_cast<size_t>(slots_->var(h->var))];
            if (v.is_matrix()) {
                h->data_type = DataType::Matrix;
                h->value_type = ValueType::Double;
                h->rows = v.matrix()->rows();
                h->cols = v.matrix()->cols();
                // The live nnz as an estimate (not exact: the plan is reused for data of the same
                // shape and density class, see instructions_for).
                h->est_nnz = static_cast<double>(v.matrix()->nnz());
                h->live = v.matrix();
            } else if (!v.is_empty()) {
                h->data_type = v.data_type();
                h->value_type = v.value_type();
            }
        }
        hops::propagate(*d);
        rewrites::optimize_dynamic(*d, opts_.rewrites);
        if (opts_.physical_operators) select_physical_operators(*d);
        const int line = d->roots.empty() ? 0 : d->roots.front()->loc.line;
        if (opts_.codegen != fusion::CodegenMode::Off) {
            std::string report;
            fusion::plan_fusion(*d, opts_.explain_codegen ? &report : nullptr);
            if (opts_.explain_codegen && !report.empty())
                ctx.out() << "CODEGEN RECOMPILE (" << fn_.name << ", line " << line << ")\n" << report;
        }
        DagLowering dl(*slots_, fn_.slot_names, functions_, opts_.codegen);
        auto instructions = std::make_shared<rt::InstrList>(dl.lower(*d, {}));
        if (ctx.options().explain_recompile_hops)
            ctx.out() << "RECOMPILE HOPS (" << fn_.name << ", line " << line << ")\n" << d->explain(1);
        if (ctx.options().explain_recompile_runtime) {
            ctx.out() << "RECOMPILE RUNTIME (" << fn_.name << ", line " << line << ")\n";
            for (const auto &in : *instructions) ctx.out() << "  " << in->explain() << "\n";
        }
        return instructions;
    }

    std::unique_ptr<HopDag> dag_;
    std::shared_ptr<SlotMap> slots_;
    rt::Function &fn_;
    std::map<std::string, rt::Function *> functions_;
    LoweringOptions opts_;
    std::vector<std::pair<std::string, int>> inputs_;
    std::vector<std::pair<int64_t, int64_t>> signature_;
    std::shared_ptr<const rt::InstrList> instructions_;
};

class FunctionLowering {
public:
    FunctionLowering(rt::Function &fn, const std::map<std::string, rt::Function *> &functions,
                     const LoweringOptions &opts)
        : fn_(fn), slots_(std::make_shared<SlotMap>(fn)), functions_(functions), opts_(opts) {}

    void params(hops::FunctionBlocks &fb) {
        if (!fb.def) return;
        for (size_t i = 0; i < fb.def->params.size(); ++i) {
            const auto &p = fb.def->params[i];
            rt::FunctionParam fp;
            fp.name = p.name;
            fp.slot = slots_->var(p.name);
            fp.data_type = p.data_type;
            fp.value_type = p.value_type;
            fn_.params.push_back(std::move(fp));
        }
        for (const auto &r : fb.def->returns) {
            rt::FunctionParam fr;
            fr.name = r.name;
            fr.slot = slots_->var(r.name);
            fr.data_type = r.data_type;
            fr.value_type = r.value_type;
            fn_.returns.push_back(std::move(fr));
        }
        for (size_t i = 0; i < fb.defaults.size(); ++i) {
            if (!fb.defaults[i]) continue;
            physical(*fb.defaults[i]);
            DagLowering dl(*slots_, fn_.slot_names, functions_);
            fn_.params[i].has_default = true;
            fn_.params[i].default_code = dl.lower(*fb.defaults[i], {fb.default_values[i]});
            fn_.params[i].default_value = dl.operand(fb.default_values[i]);
        }
    }

    /// The main program's embedding interface: inputs become parameters, outputs return values.
    void main_interface(const std::vector<std::string> &inputs, const std::vector<std::string> &outputs) {
        for (const auto &name : inputs) {
            rt::FunctionParam p;
            p.name = name;
            p.slot = slots_->var(name);
            fn_.params.push_back(std::move(p));
        }
        for (const auto &name : outputs) {
            rt::FunctionParam r;
            r.name = name;
            r.slot = slots_->var(name);
            fn_.returns.push_back(std::move(r));
        }
    }

    rt::BlockList blocks(hops::BlockVec &in) {
        rt::BlockList out;
        for (const auto &b : in) out.push_back(block(*b));
        return out;
    }

private:
    void physical(HopDag &dag) {
        if (opts_.physical_operators) select_physical_operators(dag);
    }

    /// Fusion of a basic block's DAG (-codegen on/interpret); the plan goes to the -explain codegen report.
    void fuse(HopDag &dag) {
        if (opts_.codegen == fusion::CodegenMode::Off) return;
        std::string report;
        fusion::plan_fusion(dag, opts_.explain_codegen ? &report : nullptr);
        if (opts_.codegen_report && !report.empty()) {
            const int line = dag.roots.empty() ? 0 : dag.roots.front()->loc.line;
            *opts_.codegen_report +=
                "CODEGEN (" + fn_.name + ", line " + std::to_string(line) + ")\n" + report;
        }
    }

    rt::BlockPtr block(hops::StatementBlock &b) {
        switch (b.kind) {
        case hops::BlockKind::Basic: {
            auto bb = std::make_unique<rt::BasicBlock>();
            // The recompiler keeps the DAG as it was before physical operators were chosen, so that
            // size-dependent rewrites (e.g. chain reordering) can still change the plan.
            if (opts_.dynamic_recompilation && needs_recompile(b.dag))
                bb->recompiler = std::make_unique<DagRecompiler>(b.dag, slots_, fn_, functions_, opts_);
            physical(b.dag);
            fuse(b.dag);
            DagLowering dl(*slots_, fn_.slot_names, functions_, opts_.codegen);
            bb->instructions = dl.lower(b.dag, {});
            return bb;
        }
        case hops::BlockKind::If: {
            auto ib = std::make_unique<rt::IfBlock>();
            physical(b.dag);
            DagLowering dl(*slots_, fn_.slot_names, functions_);
            ib->predicate = dl.lower(b.dag, {b.pred});
            ib->pred = dl.operand(b.pred);
            ib->loc = b.loc;
            ib->then_blocks = blocks(b.body);
            ib->else_blocks = blocks(b.else_body);
            return ib;
        }
        case hops::BlockKind::While: {
            auto wb = std::make_unique<rt::WhileBlock>();
            physical(b.dag);
            DagLowering dl(*slots_, fn_.slot_names, functions_);
            wb->predicate = dl.lower(b.dag, {b.pred});
            wb->pred = dl.operand(b.pred);
            wb->loc = b.loc;
            wb->body = blocks(b.body);
            return wb;
        }
        case hops::BlockKind::For: {
            auto fb = std::make_unique<rt::ForBlock>();
            physical(b.dag);
            DagLowering dl(*slots_, fn_.slot_names, functions_);
            std::vector<const Hop *> keep{b.from, b.to};
            if (b.incr) keep.push_back(b.incr);
            if (b.par) keep.push_back(b.par);
            if (b.tasksize) keep.push_back(b.tasksize);
            fb->header = dl.lower(b.dag, keep);
            if (b.parfor) {
                auto spec = std::make_unique<rt::ParforSpec>();
                if (b.par) {
                    spec->par = dl.operand(b.par);
                    spec->has_par = true;
                }
                if (b.tasksize) {
                    spec->tasksize = dl.operand(b.tasksize);
                    spec->has_tasksize = true;
                }
                auto name = [&](const char *key, const char *dflt) {
                    auto it = b.parfor_names.find(key);
                    return it == b.parfor_names.end() ? std::string(dflt) : it->second;
                };
                spec->mode = name("mode", "LOCAL");
                spec->partitioner = name("taskpartitioner", "");
                spec->opt = name("opt", "");
                for (const auto &v : b.result_vars) spec->results.emplace_back(v, slots_->var(v));
                fb->parfor_spec = std::move(spec);
            }
            fb->from = dl.operand(b.from);
            fb->to = dl.operand(b.to);
            if (b.incr) {
                fb->incr = dl.operand(b.incr);
                fb->has_incr = true;
            }
            fb->is_seq = b.is_seq;
            fb->parfor = b.parfor;
            fb->var_slot = slots_->var(b.loop_var);
            fb->loc = b.loc;
            fb->body = blocks(b.body);
            return fb;
        }
        }
        return nullptr;
    }

    rt::Function &fn_;
    std::shared_ptr<SlotMap> slots_;
    const std::map<std::string, rt::Function *> &functions_;
    const LoweringOptions &opts_;
};

} // namespace

std::unique_ptr<rt::Program> lower_program(hops::HopProgram &hp, const LoweringOptions &opts) {
    // Data read or bound at run time gets its MNC sketch once, reused by dynamic recompilation.
    estim::sketch_arriving_data();
    auto prog = std::make_unique<rt::Program>();
    std::map<std::string, rt::Function *> fns;
    for (const auto &[key, fb] : hp.functions) {
        auto f = std::make_unique<rt::Function>();
        f->name = fb->display_name;
        f->deterministic = fb->deterministic;
        f->side_effects = fb->side_effects;
        if (fb->def) f->loc = fb->def->loc;
        fns[key] = f.get();
        prog->functions[key] = std::move(f);
    }
    for (const auto &[key, fb] : hp.functions) {
        rt::Function &f = *fns[key];
        FunctionLowering fl(f, fns, opts);
        fl.params(*fb);
        f.body = fl.blocks(fb->blocks);
    }
    prog->main = std::make_unique<rt::Function>();
    prog->main->name = "main";
    FunctionLowering ml(*prog->main, fns, opts);
    ml.main_interface(opts.main_inputs, opts.main_outputs);
    prog->main->body = ml.blocks(hp.main.blocks);
    return prog;
}

} // namespace linea::lops
