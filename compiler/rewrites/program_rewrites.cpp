#include "compiler/rewrites/program_rewrites.h"

#include "compiler/hops/infer.h"

#include <map>
#include <set>

namespace linea::rewrites {

namespace {

using hops::BlockKind;
using hops::BlockVec;
using hops::Hop;
using hops::HopDag;
using hops::HopKind;
using hops::StatementBlock;

/// The constant value of a predicate DAG that has nothing else to run, if any.
std::optional<bool> constant_predicate(const StatementBlock &b) {
    if (b.dag.roots.size() != 1 || b.pred->kind != HopKind::Literal) return std::nullopt;
    const Value &v = b.pred->literal;
    if (!v.is_numeric_scalar()) return std::nullopt;
    return v.to_bool();
}

/// Appends `second`'s DAG to `first`'s: reads of variables `first` writes become its values.
void merge_into(StatementBlock &first, StatementBlock &second) {
    HopDag &a = first.dag, &b = second.dag;
    std::map<std::string, Hop *> written;
    std::vector<Hop *> a_effects, a_writes, b_effects, b_writes;
    for (Hop *r : a.roots) (r->kind == HopKind::TWrite ? a_writes : a_effects).push_back(r);
    for (Hop *r : b.roots) (r->kind == HopKind::TWrite ? b_writes : b_effects).push_back(r);
    for (Hop *w : a_writes) written[w->var] = w->inputs[0];
    std::set<std::string> rewritten;
    for (Hop *w : b_writes) rewritten.insert(w->var);
    // Re-point b's reads of a's outputs, then adopt b's nodes.
    for (const auto &n : b.nodes()) {
        for (Hop *&in : n->inputs) {
            if (in->kind != HopKind::TRead) continue;
            auto it = written.find(in->var);
            if (it != written.end()) in = it->second;
        }
    }
    for (Hop *&r : b_effects) {
        if (r->kind == HopKind::TRead) {
            auto it = written.find(r->var);
            if (it != written.end()) r = it->second;
        }
    }
    a.adopt(b);
    std::vector<Hop *> roots = a_effects;
    roots.insert(roots.end(), b_effects.begin(), b_effects.end());
    for (Hop *w : a_writes)
        if (!rewritten.count(w->var)) roots.push_back(w);
    roots.insert(roots.end(), b_writes.begin(), b_writes.end());
    a.roots = std::move(roots);
    a.rebuild_parents();
}

using ConstMap = std::map<std::string, Value>;

void collect_assigned(const BlockVec &blocks, std::set<std::string> &out) {
    for (const auto &b : blocks) {
        for (const Hop *r : b->dag.roots)
            if (r->kind == HopKind::TWrite) out.insert(r->var);
        if (b->kind == BlockKind::For) out.insert(b->loop_var);
        collect_assigned(b->body, out);
        collect_assigned(b->else_body, out);
    }
}

/// Replaces reads of variables holding a known scalar literal by that literal (also where the read is
/// itself a root, such as a predicate `if (debug)`, re-anchoring the block); returns replacements made.
int substitute(StatementBlock &b, const ConstMap &consts) {
    HopDag &dag = b.dag;
    int n = 0;
    auto literal_for = [&](Hop *in) -> Hop * {
        if (in->kind != HopKind::TRead) return nullptr;
        auto it = consts.find(in->var);
        if (it == consts.end()) return nullptr;
        Hop *lit = dag.make(HopKind::Literal, "lit", {}, in->loc);
        lit->data_type = DataType::Scalar;
        lit->value_type = it->second.value_type();
        lit->literal = it->second;
        ++n;
        return lit;
    };
    std::vector<Hop *> nodes;
    for (const auto &node : dag.nodes()) nodes.push_back(node.get());
    for (Hop *node : nodes)
        for (Hop *&in : node->inputs)
            if (Hop *lit = literal_for(in)) in = lit;
    Hop **anchors[] = {&b.pred, &b.from, &b.to, &b.incr};
    for (Hop *&r : dag.roots) {
        Hop *lit = literal_for(r);
        if (!lit) continue;
        for (Hop **a : anchors)
            if (*a == r) *a = lit;
        r = lit;
    }
    if (n) dag.rebuild_parents();
    return n;
}

/// Records the literal values a DAG writes and forgets variables it writes otherwise.
void record(const HopDag &dag, ConstMap &consts) {
    for (const Hop *r : dag.roots) {
        if (r->kind != HopKind::TWrite) continue;
        const Hop *v = r->inputs[0];
        if (v->kind == HopKind::Literal)
            consts[r->var] = v->literal;
        else
            consts.erase(r->var);
    }
}

bool same_value(const Value &a, const Value &b) {
    if (a.value_type() != b.value_type()) return false;
    if (a.is_string()) return a.as_string_unchecked() == b.as_string_unchecked();
    return a.to_print_string() == b.to_print_string();
}

/// Constant propagation of scalar literals across statement blocks (not into functions).
int propagate_constants(BlockVec &blocks, ConstMap &consts) {
    int n = 0;
    for (auto &b : blocks) {
        switch (b->kind) {
        case BlockKind::Basic:
            n += substitute(*b, consts);
            record(b->dag, consts);
            break;
        case BlockKind::If: {
            n += substitute(*b, consts);
            ConstMap t = consts, e = consts;
            n += propagate_constants(b->body, t);
            n += propagate_constants(b->else_body, e);
            consts.clear();
            for (const auto &[k, v] : t) {
                auto it = e.find(k);
                if (it != e.end() && same_value(v, it->second)) consts.emplace(k, v);
            }
            break;
        }
        case BlockKind::For:
        case BlockKind::While: {
            std::set<std::string> assigned;
            collect_assigned(b->body, assigned);
            if (b->kind == BlockKind::For) assigned.insert(b->loop_var);
            // The header of a for loop runs once, before the body; a while predicate runs every iteration.
            if (b->kind == BlockKind::For) n += substitute(*b, consts);
            for (const auto &v : assigned) consts.erase(v);
            if (b->kind == BlockKind::While) n += substitute(*b, consts);
            ConstMap inner = consts;
            n += propagate_constants(b->body, inner);
            for (const auto &v : assigned) consts.erase(v);
            break;
        }
        }
    }
    return n;
}

class StructureRewriter {
public:
    StructureRewriter(const RewriteOptions &opts, RewriteStats &stats) : opts_(opts), stats_(stats) {}

    int propagate(BlockVec &blocks) {
        if (!enabled("constant_propagation")) return 0;
        ConstMap consts;
        int n = propagate_constants(blocks, consts);
        if (n) stats_.fired["constant_propagation"] += n;
        return n;
    }

    int run(BlockVec &blocks) {
        int changes = 0;
        BlockVec out;
        for (auto &b : blocks) {
            changes += run(b->body);
            changes += run(b->else_body);
            if (b->kind == BlockKind::If && enabled("constant_branch_removal")) {
                if (auto c = constant_predicate(*b)) {
                    BlockVec &taken = *c ? b->body : b->else_body;
                    for (auto &t : taken) out.push_back(std::move(t));
                    count("constant_branch_removal", changes);
                    continue;
                }
            }
            if (b->kind == BlockKind::While && enabled("dead_loop_removal")) {
                if (auto c = constant_predicate(*b); c && !*c) {
                    count("dead_loop_removal", changes);
                    continue;
                }
            }
            out.push_back(std::move(b));
        }
        if (enabled("block_merge")) {
            BlockVec merged;
            for (auto &b : out) {
                if (!merged.empty() && merged.back()->kind == BlockKind::Basic &&
                    b->kind == BlockKind::Basic) {
                    merge_into(*merged.back(), *b);
                    count("block_merge", changes);
                    continue;
                }
                merged.push_back(std::move(b));
            }
            out = std::move(merged);
        }
        blocks = std::move(out);
        return changes;
    }

private:
    bool enabled(const char *name) const { return opts_.enabled && !opts_.disabled.count(name); }
    void count(const char *name, int &changes) {
        stats_.fired[name]++;
        ++changes;
    }
    const RewriteOptions &opts_;
    RewriteStats &stats_;
};

} // namespace

namespace {

/// Whether h (with its inputs) gives the same value in every iteration of a loop that assigns `assigned`.
bool invariant(const Hop *h, const std::set<std::string> &assigned, std::map<const Hop *, bool> &memo) {
    auto it = memo.find(h);
    if (it != memo.end()) return it->second;
    bool r = true;
    switch (h->kind) {
    case HopKind::Literal:
        break;
    case HopKind::TRead:
        r = !assigned.count(h->var);
        break;
    case HopKind::Unary:
    case HopKind::Binary:
    case HopKind::Aggregate:
    case HopKind::MatMult:
    case HopKind::Reorg:
    case HopKind::Index:
    case HopKind::NaryMinMax:
        for (const Hop *in : h->inputs) r = r && invariant(in, assigned, memo);
        break;
    default:
        r = false;
        break; // builtins (rand, read, ...), calls and writes stay in the loop
    }
    memo[h] = r;
    return r;
}

/// Copies the subexpression rooted at h into `dag` (TReads become TReads of the same variables).
Hop *copy_into(HopDag &dag, const Hop *h, std::map<const Hop *, Hop *> &done) {
    auto it = done.find(h);
    if (it != done.end()) return it->second;
    auto c = std::make_unique<Hop>(*h);
    c->parents.clear();
    for (Hop *&in : c->inputs) in = copy_into(dag, in, done);
    Hop *r = dag.add(std::move(c));
    done[h] = r;
    return r;
}

int hoist_in(BlockVec &blocks, int &counter) {
    int n = 0;
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
        StatementBlock &loop = *blocks[bi];
        n += hoist_in(loop.body, counter);
        n += hoist_in(loop.else_body, counter);
        if (loop.kind != BlockKind::For) continue;
        std::set<std::string> assigned;
        collect_assigned(loop.body, assigned);
        assigned.insert(loop.loop_var);
        auto pre = std::make_unique<StatementBlock>();
        pre->kind = BlockKind::Basic;
        pre->loc = loop.loc;
        std::map<const Hop *, Hop *> copies;
        for (auto &inner : loop.body) {
            if (inner->kind != BlockKind::Basic) continue;
            HopDag &dag = inner->dag;
            std::map<const Hop *, bool> memo;
            for (Hop *h : dag.topological()) {
                if (!h->is_matrix() || h->kind == HopKind::TRead || !invariant(h, assigned, memo)) continue;
                // Hoist maximal invariant operators only: skip h when all its consumers are invariant too.
                bool maximal = false;
                for (const Hop *p : h->parents)
                    maximal |=
                        !(p->is_matrix() && invariant(p, assigned, memo)) || p->kind == HopKind::TWrite;
                if (!maximal) continue;
                // A transpose feeding matrix multiplies is never materialised by them (physical operators),
                // so hoisting it alone would add work.
                if (h->kind == HopKind::Reorg && h->reorg_op == rt::ReorgOp::Transpose) {
                    bool only_matmult = true;
                    for (const Hop *p : h->parents)
                        if (!invariant(p, assigned, memo)) only_matmult &= p->kind == HopKind::MatMult;
                    if (only_matmult) continue;
                }
                std::string var = "_licm" + std::to_string(counter++);
                Hop *v = copy_into(pre->dag, h, copies);
                Hop *w = pre->dag.make(HopKind::TWrite, "TWrite", {v}, h->loc);
                w->var = var;
                hops::infer(w);
                pre->dag.roots.push_back(w);
                Hop *read = dag.make(HopKind::TRead, "TRead", {}, h->loc);
                read->var = var;
                read->data_type = h->data_type;
                read->value_type = h->value_type;
                read->rows = h->rows;
                read->cols = h->cols;
                dag.replace(h, read);
                ++n;
            }
        }
        if (!pre->dag.roots.empty()) {
            pre->dag.rebuild_parents();
            blocks.insert(blocks.begin() + static_cast<std::ptrdiff_t>(bi), std::move(pre));
            ++bi;
        }
    }
    return n;
}

} // namespace

int propagate_scalar_constants(hops::BlockVec &blocks, const std::map<std::string, Value> &known) {
    ConstMap consts(known.begin(), known.end());
    return propagate_constants(blocks, consts);
}

int hoist_loop_invariants(hops::HopProgram &prog, RewriteStats *stats) {
    int counter = 0, n = 0;
    for (auto &[key, fb] : prog.functions) n += hoist_in(fb->blocks, counter);
    n += hoist_in(prog.main.blocks, counter);
    if (stats && n) stats->fired["loop_invariant_code_motion"] += n;
    return n;
}

int rewrite_program_structure(hops::HopProgram &prog, const RewriteOptions &opts, RewriteStats *stats) {
    RewriteStats local;
    StructureRewriter rw(opts, stats ? *stats : local);
    int n = 0;
    for (auto &[key, fb] : prog.functions) n += rw.propagate(fb->blocks) + rw.run(fb->blocks);
    n += rw.propagate(prog.main.blocks) + rw.run(prog.main.blocks);
    return n;
}

} // namespace linea::rewrites
