#include "compiler/ipa/ipa.h"

#include "compiler/hops/hop_builder.h"
#include "compiler/hops/infer.h"
#include "compiler/rewrites/program_rewrites.h"
#include "language/ast.h"
#include "language/builtins.h"

#include <functional>
#include <set>

namespace linea::ipa {

namespace {

using hops::BlockVec;
using hops::FunctionBlocks;
using hops::Hop;
using hops::HopDag;
using hops::HopKind;

void for_each_dag(FunctionBlocks &fb, const std::function<void(HopDag &)> &fn) {
    for (auto &d : fb.defaults)
        if (d) fn(*d);
    std::function<void(BlockVec &)> blocks = [&](BlockVec &bs) {
        for (auto &b : bs) {
            fn(b->dag);
            blocks(b->body);
            blocks(b->else_body);
        }
    };
    blocks(fb.blocks);
}

/// Calls made by a function: callee keys, plus whether it uses eval with a name only known at run time.
struct CallInfo {
    std::set<std::string> callees;
    bool dynamic_eval = false;
    bool dynamic_lookup = false; ///< exists(name) with a name known only at run time: needs its own frame
    bool nondeterministic = false;
    bool side_effects = false;
};

CallInfo scan(FunctionBlocks &fb) {
    CallInfo info;
    for_each_dag(fb, [&](HopDag &d) {
        for (const Hop *n : d.topological()) {
            if (n->kind == HopKind::FunctionCall) info.callees.insert(hops::function_key(*n->function));
            if (n->kind != HopKind::Builtin) continue;
            const BuiltinInfo &b = builtin(n->builtin_id);
            if (b.side_effect) info.side_effects = true;
            if (b.probes_variable && !n->arg_names.empty() && n->arg_names[0] == "name")
                info.dynamic_lookup = true;
            if (b.name == "eval") {
                info.nondeterministic = true;
                const Hop *name = n->inputs.empty() ? nullptr : n->inputs[0];
                if (name && name->kind == HopKind::Literal && name->literal.is_string()) {
                    const std::string &f = name->literal.as_string_unchecked();
                    info.callees.insert("::" + f);
                    info.callees.insert("builtin:" + f + "::m_" + f);
                    info.callees.insert("builtin:" + f + "::s_" + f);
                } else {
                    info.dynamic_eval = true;
                }
            }
            if (b.name == "rand" || b.name == "sample") {
                const Hop *seed = n->inputs.back();
                bool fixed = seed->kind == HopKind::Literal && seed->literal.is_numeric_scalar() &&
                             seed->literal.to_double() >= 0;
                if (!fixed) info.nondeterministic = true;
            } else if (!b.deterministic) {
                info.nondeterministic = true;
            }
        }
    });
    return info;
}

/// Whether a value produced by `h` can stand for a parameter/return declared with (dt, vt) without the
/// coercion a real call performs.
bool type_matches(const Hop *h, DataType dt, ValueType vt) {
    if (dt == DataType::Matrix) return h->is_matrix();
    if (dt == DataType::Scalar) return h->is_scalar() && (vt == ValueType::Unknown || h->value_type == vt);
    if (dt == DataType::List) return h->data_type == DataType::List;
    return h->data_type != DataType::Unknown;
}

class Inliner {
public:
    Inliner(hops::HopProgram &prog, const IpaOptions &opts, const std::map<std::string, CallInfo> &calls)
        : prog_(prog), opts_(opts), calls_(calls) {}

    int run() {
        int n = 0;
        for (auto &[key, fb] : prog_.functions) for_each_dag(*fb, [&](HopDag &d) { n += inline_calls(d); });
        for_each_dag(prog_.main, [&](HopDag &d) { n += inline_calls(d); });
        return n;
    }

private:
    /// The callee's single DAG when it is small, straight-line, free of side effects and calls.
    const HopDag *candidate(const std::string &key) {
        auto it = prog_.functions.find(key);
        if (it == prog_.functions.end()) return nullptr;
        const FunctionBlocks &fb = *it->second;
        const CallInfo &ci = calls_.at(key);
        if (fb.blocks.size() != 1 || fb.blocks[0]->kind != hops::BlockKind::Basic) return nullptr;
        if (ci.side_effects || !ci.callees.empty() || ci.dynamic_eval || ci.dynamic_lookup) return nullptr;
        const HopDag &d = fb.blocks[0]->dag;
        if (d.nodes().size() > opts_.max_inline_nodes) return nullptr;
        return &d;
    }

    int inline_calls(HopDag &dag) {
        int n = 0;
        for (Hop *h : dag.topological()) {
            if (h->kind != HopKind::FunctionCall) continue;
            if (inline_one(dag, h)) ++n;
        }
        return n;
    }

    bool inline_one(HopDag &dag, Hop *call) {
        const std::string key = hops::function_key(*call->function);
        const HopDag *body = candidate(key);
        if (!body) return false;
        const ast::FunctionDef &fn = *call->function;
        const FunctionBlocks &fb = *prog_.functions.at(key);
        // Map parameters to the call's arguments (or to literal defaults).
        std::map<std::string, Hop *> params;
        size_t k = 0;
        for (size_t i = 0; i < fn.params.size(); ++i) {
            const ast::Param &p = fn.params[i];
            Hop *arg = nullptr;
            if (i < call->arg_present.size() && call->arg_present[i]) {
                arg = call->inputs[k++];
            } else {
                const Hop *dv = fb.default_values[i];
                if (!dv || dv->kind != HopKind::Literal) return false;
                arg = dag.make(HopKind::Literal, "lit", {}, dv->loc);
                arg->data_type = dv->data_type;
                arg->value_type = dv->value_type;
                arg->literal = dv->literal;
            }
            DataType dt = p.data_type;
            ValueType vt = dt == DataType::Matrix ? ValueType::Double : p.value_type;
            if (!type_matches(arg, dt, vt)) return false;
            params[p.name] = arg;
        }
        // Clone the body.
        std::map<const Hop *, Hop *> copy;
        std::map<std::string, Hop *> writes;
        for (Hop *h : body->topological()) {
            if (h->kind == HopKind::TRead) {
                auto it = params.find(h->var);
                if (it == params.end()) return false;
                copy[h] = it->second;
                continue;
            }
            if (h->kind == HopKind::TWrite) {
                writes[h->var] = copy.at(h->inputs[0]);
                continue;
            }
            auto c = std::make_unique<Hop>(*h);
            c->parents.clear();
            for (Hop *&in : c->inputs) in = copy.at(in);
            copy[h] = dag.add(std::move(c));
        }
        // Outputs: the values the body writes, or parameters returned unchanged.
        std::vector<Hop *> outputs;
        for (const ast::Param &r : fn.returns) {
            Hop *v = nullptr;
            if (auto w = writes.find(r.name); w != writes.end())
                v = w->second;
            else if (auto p = params.find(r.name); p != params.end())
                v = p->second;
            if (!v) return false;
            ValueType vt = r.data_type == DataType::Matrix ? ValueType::Double : r.value_type;
            if (!type_matches(v, r.data_type, vt)) return false;
            outputs.push_back(v);
        }
        std::vector<Hop *> projections;
        for (Hop *p : call->parents)
            if (p->kind == HopKind::FunctionOutput) projections.push_back(p);
        for (Hop *p : projections) dag.replace(p, outputs.at(static_cast<size_t>(p->output_index)));
        std::vector<Hop *> roots;
        for (Hop *r : dag.roots)
            if (r != call) roots.push_back(r);
        dag.roots = std::move(roots);
        dag.rebuild_parents();
        return true;
    }

    hops::HopProgram &prog_;
    const IpaOptions &opts_;
    const std::map<std::string, CallInfo> &calls_;
};

/// The literal a parameter of declared type (dt, vt) receives from argument `v`, as a call would coerce it.
std::optional<Value> coerced(const Value &v, DataType dt, ValueType vt) {
    if (dt != DataType::Scalar || (!v.is_numeric_scalar() && !v.is_string())) return std::nullopt;
    switch (vt) {
    case ValueType::Double:
        return v.is_string() ? std::nullopt : std::optional<Value>(Value(v.to_double()));
    case ValueType::Int:
        return v.is_string() ? std::nullopt : std::optional<Value>(Value(v.to_int()));
    case ValueType::Bool:
        return v.is_string() ? std::nullopt : std::optional<Value>(Value(v.to_bool()));
    case ValueType::String:
        return v.is_string() ? std::optional<Value>(v) : std::nullopt;
    default:
        return std::nullopt;
    }
}

bool same_literal(const Value &a, const Value &b) {
    return a.value_type() == b.value_type() && a.to_print_string() == b.to_print_string();
}

/// Parameters that receive the same scalar literal at every call site become constants in the body.
int propagate_constants_into_functions(hops::HopProgram &prog, bool any_dynamic_eval) {
    if (any_dynamic_eval) return 0;
    // key -> per parameter: the common literal so far (nullopt = not constant).
    std::map<std::string, std::vector<std::optional<Value>>> common;
    std::map<std::string, bool> seen;
    std::function<void(HopDag &)> visit = [&](HopDag &d) {
        for (const Hop *h : d.topological()) {
            if (h->kind == HopKind::Builtin && builtin(h->builtin_id).name == "eval") {
                // eval with a literal name may call any function with any arguments: no constants.
                if (!h->inputs.empty() && h->inputs[0]->kind == HopKind::Literal &&
                    h->inputs[0]->literal.is_string()) {
                    const std::string &f = h->inputs[0]->literal.as_string_unchecked();
                    for (std::string k : {"::" + f, "builtin:" + f + "::m_" + f, "builtin:" + f + "::s_" + f})
                        seen[k] = true, common[k].assign(64, std::nullopt);
                }
                continue;
            }
            if (h->kind != HopKind::FunctionCall) continue;
            const std::string key = hops::function_key(*h->function);
            const auto &params = h->function->params;
            auto &slots = common[key];
            std::vector<std::optional<Value>> here(params.size());
            size_t k = 0;
            for (size_t i = 0; i < params.size(); ++i) {
                if (i >= h->arg_present.size() || !h->arg_present[i])
                    continue; // default: evaluated in the body
                const Hop *a = h->inputs[k++];
                if (a->kind == HopKind::Literal)
                    here[i] = coerced(a->literal, params[i].data_type, params[i].value_type);
            }
            if (!seen[key]) {
                slots = here;
                seen[key] = true;
                continue;
            }
            for (size_t i = 0; i < slots.size() && i < here.size(); ++i)
                if (!slots[i] || !here[i] || !same_literal(*slots[i], *here[i])) slots[i].reset();
        }
    };
    for (auto &[key, fb] : prog.functions) for_each_dag(*fb, visit);
    for_each_dag(prog.main, visit);
    int n = 0;
    for (auto &[key, fb] : prog.functions) {
        auto it = common.find(key);
        if (it == common.end() || !fb->def) continue;
        std::map<std::string, Value> known;
        for (size_t i = 0; i < fb->def->params.size() && i < it->second.size(); ++i)
            if (it->second[i]) known.emplace(fb->def->params[i].name, *it->second[i]);
        if (!known.empty()) n += rewrites::propagate_scalar_constants(fb->blocks, known);
    }
    return n;
}

/// Matrix parameters whose size is the same known size at every call site get it inside the function
/// (its blocks are rebuilt with those sizes). Returns the number of functions rebuilt.
int propagate_sizes_into_functions(hops::HopProgram &prog, bool any_dynamic_eval) {
    if (any_dynamic_eval) return 0;
    using Dims = std::pair<std::optional<int64_t>, std::optional<int64_t>>;
    std::map<std::string, std::vector<std::optional<Dims>>> common;
    std::map<std::string, int> sites;
    std::set<std::string> called_by_eval;
    auto visit = [&](HopDag &d) {
        for (const Hop *h : d.topological()) {
            if (h->kind == HopKind::Builtin && builtin(h->builtin_id).name == "eval" && !h->inputs.empty() &&
                h->inputs[0]->kind == HopKind::Literal && h->inputs[0]->literal.is_string()) {
                const std::string &f = h->inputs[0]->literal.as_string_unchecked();
                for (std::string k : {"::" + f, "builtin:" + f + "::m_" + f, "builtin:" + f + "::s_" + f})
                    called_by_eval.insert(k);
            }
            if (h->kind != HopKind::FunctionCall) continue;
            const std::string key = hops::function_key(*h->function);
            const auto &params = h->function->params;
            std::vector<std::optional<Dims>> here(params.size());
            size_t k = 0;
            for (size_t i = 0; i < params.size(); ++i) {
                if (i >= h->arg_present.size() || !h->arg_present[i]) continue;
                const Hop *a = h->inputs[k++];
                if (params[i].data_type == DataType::Matrix && a->is_matrix() && a->rows && a->cols)
                    here[i] = Dims{a->rows, a->cols};
            }
            auto &slots = common[key];
            if (sites[key]++ == 0) {
                slots = here;
                continue;
            }
            for (size_t i = 0; i < slots.size(); ++i)
                if (!slots[i] || !here[i] || *slots[i] != *here[i]) slots[i].reset();
        }
    };
    for (auto &[key, fb] : prog.functions) for_each_dag(*fb, visit);
    for_each_dag(prog.main, visit);
    int rebuilt = 0;
    for (auto &[key, fb] : prog.functions) {
        auto it = common.find(key);
        if (it == common.end() || !fb->def || called_by_eval.count(key)) continue;
        hops::ParamSizes sizes;
        for (size_t i = 0; i < fb->def->params.size() && i < it->second.size(); ++i)
            if (it->second[i]) sizes[fb->def->params[i].name] = *it->second[i];
        if (sizes.empty()) continue;
        fb = hops::build_function_blocks(*fb->def, sizes);
        ++rebuilt;
    }
    return rebuilt;
}

} // namespace

IpaStats run_ipa(hops::HopProgram &prog, const IpaOptions &opts) {
    IpaStats stats;
    std::map<std::string, CallInfo> calls;
    for (auto &[key, fb] : prog.functions) calls[key] = scan(*fb);
    CallInfo main_calls = scan(prog.main);

    // Reachability from the main program; a run-time eval name keeps every function.
    auto remove_unused = [&] {
        bool keep_all = main_calls.dynamic_eval;
        for (const auto &[k, c] : calls) keep_all |= c.dynamic_eval;
        if (!opts.remove_unused || keep_all) return;
        std::set<std::string> reached;
        std::vector<std::string> work(main_calls.callees.begin(), main_calls.callees.end());
        while (!work.empty()) {
            std::string k = work.back();
            work.pop_back();
            if (!prog.functions.count(k) || !reached.insert(k).second) continue;
            for (const auto &c : calls[k].callees) work.push_back(c);
        }
        for (auto it = prog.functions.begin(); it != prog.functions.end();) {
            if (reached.count(it->first)) {
                ++it;
            } else {
                calls.erase(it->first);
                it = prog.functions.erase(it);
                ++stats.removed_functions;
            }
        }
    };
    remove_unused();

    // Flags to a fixpoint over the call graph.
    for (auto &[key, fb] : prog.functions) {
        fb->deterministic = !calls[key].nondeterministic;
        fb->side_effects = calls[key].side_effects;
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (auto &[key, fb] : prog.functions) {
            for (const auto &c : calls[key].callees) {
                auto it = prog.functions.find(c);
                if (it == prog.functions.end()) continue;
                if (fb->deterministic && !it->second->deterministic)
                    fb->deterministic = false, changed = true;
                if (!fb->side_effects && it->second->side_effects) fb->side_effects = true, changed = true;
            }
        }
    }

    if (opts.propagate_constants) {
        bool dynamic_eval = main_calls.dynamic_eval;
        for (const auto &[k, c] : calls) dynamic_eval |= c.dynamic_eval;
        // Sizes first: rebuilding a function's blocks would drop substituted constants.
        stats.sized_functions = propagate_sizes_into_functions(prog, dynamic_eval);
        stats.propagated_constants = propagate_constants_into_functions(prog, dynamic_eval);
    }
    if (opts.inline_functions) stats.inlined_calls = Inliner(prog, opts, calls).run();
    if (stats.inlined_calls > 0) {
        // Functions whose every call was inlined are unused now.
        for (auto &[key, fb] : prog.functions) calls[key].callees = scan(*fb).callees;
        main_calls = scan(prog.main);
        remove_unused();
    }
    return stats;
}

} // namespace linea::ipa
