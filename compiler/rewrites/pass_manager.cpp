#include "compiler/rewrites/pass_manager.h"

#include "compiler/rewrites/passes.h"
#include "compiler/rewrites/program_rewrites.h"
#include "compiler/rewrites/rewrite.h"

#include <chrono>
#include <functional>

namespace linea::rewrites {

namespace {

class PassRunner {
public:
    PassRunner(const RewriteOptions &opts, RewriteStats &stats) : opts_(opts), stats_(stats) {}

    void dag(HopDag &d) {
        if (!opts_.enabled || d.roots.empty()) return;
        d.rebuild_parents();
        run("cse", d, [&] { return common_subexpression_elimination(d); });
        run("constant_folding", d, [&] { return constant_folding(d); });
        run("static_rules", d, [&] { return apply_rules(d, false); });
        run("cse", d, [&] { return common_subexpression_elimination(d); });
        dynamic_passes(d);
    }

    void dynamic_passes(HopDag &d) {
        if (!opts_.enabled || d.roots.empty()) return;
        d.rebuild_parents();
        hops::propagate(d);
        run("dynamic_rules", d, [&] { return apply_rules(d, true); });
        run("cse", d, [&] { return common_subexpression_elimination(d); });
        run("constant_folding", d, [&] { return constant_folding(d); });
        hops::propagate(d);
    }

private:
    void run(const char *pass, HopDag &d, const std::function<int()> &fn) {
        if (opts_.disabled.count(pass)) return;
        auto t0 = std::chrono::steady_clock::now();
        int n = fn();
        stats_.pass_seconds[pass] +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (n > 0 && std::string(pass).find("rules") == std::string::npos) stats_.fired[pass] += n;
        if (opts_.verify) {
            std::string problem = d.verify();
            if (!problem.empty())
                throw DmlError(ErrorKind::Internal, d.roots.empty() ? SourceLoc{} : d.roots.front()->loc,
                               std::string("HOP DAG invalid after pass ") + pass + ": " + problem);
        }
    }

    int apply_rules(HopDag &d, bool dynamic) {
        RewriteContext ctx(d);
        int applied = 0;
        for (int round = 0; round < 1000; ++round) {
            bool changed = false;
            for (Hop *h : d.topological()) {
                for (const auto &rule : rule_registry()) {
                    if (rule->dynamic() != dynamic || opts_.disabled.count(rule->name()) ||
                        (!rule->default_on() && !opts_.enabled_extra.count(rule->name())))
                        continue;
                    Hop *r = rule->apply(h, ctx);
                    if (!r || r == h) continue;
                    d.replace(h, r);
                    hops::propagate(d);
                    stats_.fired[rule->name()]++;
                    ++applied;
                    changed = true;
                    break;
                }
                if (changed) break;
            }
            if (!changed) break;
        }
        return applied;
    }

    const RewriteOptions &opts_;
    RewriteStats &stats_;
};

size_t root_index(const HopDag &d, const Hop *h) {
    for (size_t i = 0; i < d.roots.size(); ++i)
        if (d.roots[i] == h) return i;
    throw DmlError(ErrorKind::Internal, h->loc, "a block's predicate is not a root of its DAG");
}

void optimize_blocks(hops::BlockVec &blocks, PassRunner &runner) {
    for (auto &b : blocks) {
        // Predicates and loop bounds are roots; find them again by position after rewriting.
        Hop **anchors[] = {&b->pred, &b->from, &b->to, &b->incr};
        std::vector<std::pair<Hop **, size_t>> where;
        for (Hop **a : anchors)
            if (*a) where.emplace_back(a, root_index(b->dag, *a));
        runner.dag(b->dag);
        for (auto &[a, i] : where) *a = b->dag.roots[i];
        optimize_blocks(b->body, runner);
        optimize_blocks(b->else_body, runner);
    }
}

void optimize_function(hops::FunctionBlocks &fb, PassRunner &runner) {
    for (size_t i = 0; i < fb.defaults.size(); ++i) {
        if (!fb.defaults[i]) continue;
        size_t at = root_index(*fb.defaults[i], fb.default_values[i]);
        runner.dag(*fb.defaults[i]);
        fb.default_values[i] = fb.defaults[i]->roots[at];
    }
    optimize_blocks(fb.blocks, runner);
}

} // namespace

void optimize(hops::HopProgram &prog, const RewriteOptions &opts, RewriteStats *stats) {
    RewriteStats local;
    RewriteStats &st = stats ? *stats : local;
    PassRunner runner(opts, st);
    for (auto &[key, fb] : prog.functions) optimize_function(*fb, runner);
    optimize_function(prog.main, runner);
    // Folded predicates expose dead branches and loops; merged blocks give CSE and the rules more to see.
    for (int round = 0; round < 4 && opts.enabled && rewrite_program_structure(prog, opts, &st) > 0;
         ++round) {
        for (auto &[key, fb] : prog.functions) optimize_function(*fb, runner);
        optimize_function(prog.main, runner);
    }
    if (opts.enabled && opts.enabled_extra.count("loop_invariant_code_motion") &&
        hoist_loop_invariants(prog, &st) > 0) {
        for (auto &[key, fb] : prog.functions) optimize_function(*fb, runner);
        optimize_function(prog.main, runner);
    }
}

void optimize_dynamic(hops::HopDag &dag, const RewriteOptions &opts, RewriteStats *stats) {
    RewriteStats local;
    PassRunner runner(opts, stats ? *stats : local);
    runner.dynamic_passes(dag);
}

std::vector<std::string> rewrite_names() {
    std::vector<std::string> names{"cse",
                                   "constant_folding",
                                   "constant_branch_removal",
                                   "dead_loop_removal",
                                   "block_merge",
                                   "constant_propagation",
                                   "remove_unused_functions",
                                   "inline_functions",
                                   "physical_operators",
                                   "dynamic_recompilation",
                                   "loop_invariant_code_motion",
                                   "ipa_constant_propagation"};
    for (const auto &r : rule_registry()) names.emplace_back(r->name());
    return names;
}

std::string RewriteStats::summary() const {
    std::string s;
    for (const auto &[name, n] : fired) s += "  " + name + ": " + std::to_string(n) + "\n";
    return s;
}

} // namespace linea::rewrites
