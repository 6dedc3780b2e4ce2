// Fusion planning (SystemDS SPOOF's cell and multi-aggregate templates, greedily):
// 1. Walk the DAG consumers first. A candidate root is a cell-wise operator, or a Sum/SumSq/Min/Max
//    aggregate (full, row or column) over one.
// 2. Grow the region from the root through inputs that are cell-wise operators of the root's shape whose
//    every consumer is in the region. An operator with a consumer outside the region is a materialization
//    point (its value is needed anyway: fusing it would compute it twice); it becomes an input.
// 3. A region with a single operator is not fused (nothing to save). Inputs of another shape join as
//    row/column vectors or 1x1 cells; scalars as scalar operands.
// 4. Full aggregates of the same shape that share an input and do not depend on each other merge into one
//    multi-aggregate: one pass over the shared inputs.
// 6. Row template: an mmchain t(X) %*% (w * (X %*% v)) runs as one pass over X's rows (row_mmchain) when
//    that moves fewer bytes than the BLAS mmchain, which densifies a sparse X and reads X twice (the second
//    time from cache when X fits there).
// 5. Outer template: a product U %*% t(V) of the region's shape with inner dimension k < cols, all of whose
//    consumers are in the region, joins as a Dot node (U and V as inputs) when the region is sparse-safe
//    for a likely sparse driver: only the driver's non-zeros are visited, computing a k-term dot product
//    each, and U %*% t(V) is never materialized. Otherwise (and for all other matrix multiplications) the
//    product stays a BLAS call that ends the region as an input.
#include "compiler/fusion/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace linea::fusion {

namespace {

using hops::Hop;
using hops::HopDag;
using hops::HopKind;
using kernels::AggOp;
using kernels::codegen::FusedAgg;
using kernels::codegen::FusedNode;
using kernels::codegen::FusedOp;
using kernels::codegen::InputKind;

struct Shape {
    int64_t rows = 0, cols = 0;
    bool operator==(const Shape &o) const { return rows == o.rows && cols == o.cols; }
};

bool known_matrix(const Hop *h) {
    return h->is_matrix() && h->rows && h->cols;
}

Shape shape_of(const Hop *h) {
    return Shape{*h->rows, *h->cols};
}

/// How `x` maps onto a result of shape s, or nullopt when it cannot be an operand of the fused operator.
std::optional<InputKind> input_kind(const Hop *x, Shape s) {
    if (x->is_scalar()) {
        if (x->value_type == ValueType::String) return std::nullopt;
        return InputKind::Scalar;
    }
    if (!known_matrix(x)) return std::nullopt;
    const int64_t r = *x->rows, c = *x->cols;
    if (r == s.rows && c == s.cols) return InputKind::Matrix;
    if (r == 1 && c == 1) return InputKind::Cell;
    if (r == 1 && c == s.cols) return InputKind::RowVector;
    if (c == 1 && r == s.rows) return InputKind::ColVector;
    return std::nullopt;
}

/// A cell-wise operator on matrices that the fused kernels compute exactly as the unfused ones.
bool cell_op(const Hop *h) {
    if (!known_matrix(h)) return false;
    if (h->kind != HopKind::Unary && h->kind != HopKind::Binary) return false;
    if (h->kind == HopKind::Unary && !h->inputs[0]->is_matrix()) return false;
    bool has_matrix = false;
    for (const Hop *in : h->inputs) {
        if (!input_kind(in, shape_of(h))) return false;
        has_matrix |= in->is_matrix();
    }
    return has_matrix;
}

/// A cell-wise operator whose own kernel is much faster than a fused body's per-cell call: exp and sigmoid
/// run table-driven vector kernels (kernels/dense/cellwise.cpp), while a fused body calls math::exp cell by
/// cell (exp(X + 0) over 10M cells: 12.7 ms unfused, 31 ms fused on 2 threads). Dense regions materialize
/// them; the outer template keeps them, as it evaluates only the non-zeros of a sparse driver.
bool vector_kernel_op(const Hop *h) {
    return h->kind == HopKind::Unary &&
           (h->unary_op == kernels::UnaryOp::Exp || h->unary_op == kernels::UnaryOp::Sigmoid);
}

/// An aggregate the fused kernels implement, over a cell-wise operator.
bool fusable_aggregate(const Hop *h) {
    if (h->kind != HopKind::Aggregate) return false;
    if (h->agg_op != AggOp::Sum && h->agg_op != AggOp::SumSq && h->agg_op != AggOp::Min &&
        h->agg_op != AggOp::Max)
        return false;
    return cell_op(h->inputs[0]);
}

/// An outer product U %*% t(V) of shape s that the outer template can evaluate per cell.
bool outer_product(const Hop *h, Shape s) {
    if (h->kind != HopKind::MatMult || h->mm_method != hops::MatMultMethod::Default || h->inputs.size() != 2)
        return false;
    if (!known_matrix(h) || !(shape_of(h) == s)) return false;
    const Hop *u = h->inputs[0], *t = h->inputs[1];
    if (t->kind != HopKind::Reorg || t->reorg_op != rt::ReorgOp::Transpose) return false;
    const Hop *v = t->inputs[0];
    if (!known_matrix(u) || !known_matrix(v)) return false;
    // k < cols keeps U and V out of the region's shape (they are factors, never cell-wise operands).
    return *u->rows == s.rows && *v->rows == s.cols && *u->cols == *v->cols && *u->cols < s.cols;
}

/// Gives `to` (a fused hop or one of its outputs) the data characteristics of the hop `from` it replaces.
void take_characteristics(Hop *to, const Hop *from) {
    to->data_type = from->data_type;
    to->value_type = from->value_type;
    to->rows = from->rows;
    to->cols = from->cols;
    to->nnz = from->nnz;
    to->est_nnz = from->est_nnz;
}

struct Region {
    Hop *root = nullptr;      ///< the hop the fused operator replaces (aggregate or cell-wise)
    Hop *cell_root = nullptr; ///< the cell-wise root
    FusedAgg agg = FusedAgg::None;
    std::vector<Hop *> ops;    ///< cell-wise operators and outer products, topological
    std::vector<Hop *> inputs; ///< with their kinds in `kinds`
    std::vector<InputKind> kinds;
    bool outer = false; ///< has an outer product
    Shape shape;
};

/// The region's operand hops of operator o (for an outer product U %*% t(V): U and V).
std::vector<Hop *> operands(const Hop *o) {
    if (o->kind == HopKind::MatMult) return {o->inputs[0], o->inputs[1]->inputs[0]};
    return o->inputs;
}

/// Appends the nodes of region r's operators to op (inputs must already have nodes in node_of).
void add_nodes(const Region &r, FusedOp &op, std::unordered_map<const Hop *, int> &node_of) {
    for (Hop *o : r.ops) {
        FusedNode n;
        n.opcode = o->opcode;
        if (o->kind == HopKind::MatMult) {
            n.kind = FusedNode::Kind::Dot;
            n.a = node_of.at(o->inputs[0]);
            n.b = node_of.at(o->inputs[1]->inputs[0]);
            n.transpose_opcode = o->inputs[1]->opcode;
        } else if (o->kind == HopKind::Unary) {
            n.a = node_of.at(o->inputs[0]);
            n.kind = FusedNode::Kind::Unary;
            n.unary = o->unary_op;
        } else {
            n.a = node_of.at(o->inputs[0]);
            n.kind = FusedNode::Kind::Binary;
            n.binary = o->binary_op;
            n.b = node_of.at(o->inputs[1]);
        }
        node_of[o] = static_cast<int>(op.nodes.size());
        op.nodes.push_back(n);
    }
}

/// A likely sparse operand: its exact (live) or estimated sparsity is below 0.4.
bool likely_sparse(const Hop *in) {
    if (!known_matrix(in) || *in->rows * *in->cols <= 0) return false;
    const std::optional<double> nnz =
        in->nnz ? std::optional<double>(static_cast<double>(*in->nnz)) : in->est_nnz;
    return nnz && *nnz / static_cast<double>(*in->rows * *in->cols) < 0.4;
}

/// True when the outer region r is sparse-safe for one of its likely sparse full-size inputs.
bool outer_pays_off(const Region &r) {
    FusedOp op;
    std::unordered_map<const Hop *, int> node_of;
    for (size_t k = 0; k < r.inputs.size(); ++k) {
        op.inputs.push_back(r.kinds[k]);
        FusedNode n;
        n.input = static_cast<int>(k);
        node_of[r.inputs[k]] = static_cast<int>(op.nodes.size());
        op.nodes.push_back(n);
    }
    add_nodes(r, op, node_of);
    op.roots.push_back(node_of.at(r.cell_root));
    if (r.agg != FusedAgg::None) op.agg_ops.push_back(r.root->agg_op);
    op.agg = r.agg;
    for (size_t k = 0; k < r.inputs.size(); ++k) {
        if (r.kinds[k] != InputKind::Matrix || !likely_sparse(r.inputs[k])) continue;
        op.driver = static_cast<int>(k);
        if (op.sparse_safe()) return true;
    }
    return false;
}

std::string hop_name(const Hop *h) {
    std::string s = "(" + std::to_string(h->id) + ") " + h->opcode;
    if (h->kind == HopKind::TRead) s += " " + h->var;
    return s;
}

std::string region_text(const Region &r) {
    std::string s;
    for (const Hop *h : r.ops) s += (s.empty() ? "" : ", ") + hop_name(h);
    if (r.agg != FusedAgg::None) s += ", " + hop_name(r.root);
    return s;
}

/// Every hop reachable from `from` through inputs (including `from`).
void collect_below(Hop *from, std::unordered_set<const Hop *> &out) {
    std::vector<Hop *> stack{from};
    while (!stack.empty()) {
        Hop *h = stack.back();
        stack.pop_back();
        if (!out.insert(h).second) continue;
        for (Hop *in : h->inputs) stack.push_back(in);
    }
}

/// Bytes a dense X may have for the BLAS mmchain's second pass to read it from cache (a conservative
/// last-level cache share).
constexpr double kCacheBytes = 4.0 * 1024 * 1024;

std::string megabytes(double bytes) {
    const double mb = bytes / (1024.0 * 1024.0);
    std::string s = std::to_string(mb);
    return s.substr(0, s.find('.') + 2) + " MB";
}

/// The row template for an mmchain hop h (inputs X, v and optionally w): a Fused hop replacing h when the one
/// pass over X moves fewer bytes than the BLAS mmchain; else nullptr, with the reason noted.
Hop *row_template(HopDag &dag, Hop *h, const std::function<void(const std::string &)> &note,
                  std::string *explain) {
    Hop *x = h->inputs[0], *v = h->inputs[1], *w = h->inputs.size() > 2 ? h->inputs[2] : nullptr;
    if (!known_matrix(x) || !known_matrix(v) || (w && !known_matrix(w))) {
        note("reject row " + hop_name(h) + ": sizes unknown (decided again at recompilation)");
        return nullptr;
    }
    const int64_t n = *x->rows, m = *x->cols;
    if (*v->rows != m || *v->cols != 1 || (w && (*w->rows != n || *w->cols != 1))) {
        note("reject row " + hop_name(h) + ": operands are not vectors of X's shape");
        return nullptr;
    }
    const double dense = 8.0 * static_cast<double>(n) * static_cast<double>(m);
    const bool sparse = likely_sparse(x);
    const double nnz = x->nnz ? static_cast<double>(*x->nnz) : x->est_nnz ? *x->est_nnz : dense / 8.0;
    const double x_bytes = sparse ? 12.0 * nnz : dense;
    // BLAS mmchain: densify a sparse X, then two matrix-vector passes (the second one from cache if X fits).
    const double unfused = (sparse ? x_bytes + dense : 0.0) + dense + (dense > kCacheBytes ? dense : 0.0);
    if (x_bytes >= unfused) {
        note("reject row " + hop_name(h) + ": X (" + megabytes(dense) +
             ") fits in cache, so the BLAS mmchain's second pass costs no memory traffic");
        return nullptr;
    }
    auto op = std::make_shared<FusedOp>();
    // v is indexed by X's column and w by its row (the kinds only name that: row_mmchain reads them).
    op->inputs = {InputKind::Matrix, InputKind::RowVector};
    if (w) op->inputs.push_back(InputKind::ColVector);
    for (size_t k = 0; k < op->inputs.size(); ++k) {
        FusedNode in;
        in.input = static_cast<int>(k);
        op->nodes.push_back(in);
    }
    op->agg = FusedAgg::MMChain;
    op->agg_opcodes = {h->opcode};
    Hop *f = dag.make(HopKind::Fused, "fused", h->inputs, h->loc);
    f->fused = op;
    take_characteristics(f, h);
    dag.replace(h, f);
    if (explain) {
        note("fused row (" + std::string(sparse ? "sparse" : "dense") + " X " + std::to_string(n) + "x" +
             std::to_string(m) + ", one pass: " + megabytes(x_bytes) + " read vs " + megabytes(unfused) +
             " by the BLAS mmchain) -> (" + std::to_string(f->id) + "): " + hop_name(h));
        *explain += op->explain();
    }
    return f;
}

} // namespace

int plan_fusion(HopDag &dag, std::string *explain) {
    std::vector<Hop *> topo = dag.topological();
    std::unordered_map<const Hop *, size_t> pos;
    for (size_t i = 0; i < topo.size(); ++i) pos[topo[i]] = i;
    std::unordered_set<const Hop *> taken;
    std::vector<Region> regions;
    std::set<std::string> noted;
    auto note = [&](const std::string &line) {
        if (explain && noted.insert(line).second) *explain += "  " + line + "\n";
    };

    for (size_t k = topo.size(); k-- > 0;) {
        Hop *h = topo[k];
        if (taken.count(h)) continue;
        Region r;
        if (fusable_aggregate(h) && h->inputs[0]->parents.size() == 1 && !taken.count(h->inputs[0])) {
            r.root = h;
            r.cell_root = h->inputs[0];
            r.agg = h->agg_dir == kernels::AggDir::All   ? FusedAgg::Full
                    : h->agg_dir == kernels::AggDir::Row ? FusedAgg::Row
                                                         : FusedAgg::Col;
        } else if (cell_op(h)) {
            r.root = r.cell_root = h;
        } else {
            continue;
        }
        auto note_vector_kernel = [&](const Hop *h) {
            note("materialize " + hop_name(h) +
                 ": its vector kernel is faster than a per-cell call in a fused operator");
        };
        if (vector_kernel_op(r.cell_root)) {
            note_vector_kernel(r.cell_root);
            continue;
        }
        r.shape = shape_of(r.cell_root);
        std::unordered_set<const Hop *> in_region;
        // Grows r consumers first: a hop joins when all its consumers are in the region.
        auto grow = [&](bool allow_outer, bool allow_vector_kernel_ops) {
            r.ops.clear();
            r.inputs.clear();
            r.kinds.clear();
            r.outer = false;
            in_region = {r.cell_root};
            if (r.root != r.cell_root) in_region.insert(r.root);
            for (size_t j = pos[r.cell_root] + 1; j-- > 0;) {
                Hop *c = topo[j];
                if (c == r.cell_root || taken.count(c)) continue;
                const bool outer = allow_outer && outer_product(c, r.shape);
                if (!outer && (!cell_op(c) || !(shape_of(c) == r.shape))) continue;
                if (!allow_vector_kernel_ops && vector_kernel_op(c)) {
                    note_vector_kernel(c);
                    continue;
                }
                size_t inside = 0;
                for (const Hop *p : c->parents) inside += in_region.count(p);
                if (inside == 0) continue;
                if (inside < c->parents.size()) {
                    note("materialize " + hop_name(c) + ": " + std::to_string(c->parents.size()) +
                         " consumers, the value is needed outside the fused operator");
                    continue;
                }
                in_region.insert(c);
                r.outer |= outer;
            }
            for (Hop *t : topo)
                if (in_region.count(t) &&
                    (t->kind == HopKind::Unary || t->kind == HopKind::Binary || t->kind == HopKind::MatMult))
                    r.ops.push_back(t);
            std::map<const Hop *, size_t> seen_in;
            for (Hop *o : r.ops) {
                const std::vector<Hop *> ins = operands(o);
                for (size_t side = 0; side < ins.size(); ++side) {
                    Hop *in = ins[side];
                    if (in_region.count(in)) continue;
                    const InputKind kind = o->kind != HopKind::MatMult ? *input_kind(in, r.shape)
                                           : side == 0                 ? InputKind::OuterLeft
                                                                       : InputKind::OuterRight;
                    auto [it, added] = seen_in.emplace(in, r.inputs.size());
                    if (added) {
                        r.inputs.push_back(in);
                        r.kinds.push_back(kind);
                    } else if (r.kinds[it->second] != kind) {
                        return false; // one hop in two roles (a factor and a cell-wise operand)
                    }
                }
            }
            return true;
        };
        // An outer region may keep exp/sigmoid (only a sparse driver's non-zeros are evaluated); any other
        // region is grown again without them.
        const bool grown = grow(true, true);
        const bool outer_kept = grown && r.outer && outer_pays_off(r);
        if (grown && r.outer && !outer_kept)
            note(
                "reject outer " + region_text(r) +
                ": no likely sparse input for which it is sparse-safe (the product stays a matrix multiply)");
        if (!outer_kept) grow(false, false);
        const size_t nops = r.ops.size() + (r.agg != FusedAgg::None ? 1 : 0);
        if (nops < 2) {
            if (r.agg != FusedAgg::None) note("reject " + region_text(r) + ": a single operator");
            continue;
        }
        bool has_driver = false;
        for (InputKind k : r.kinds) has_driver |= k == InputKind::Matrix;
        if (!has_driver) {
            note("reject " + region_text(r) + ": no input of the full " + std::to_string(r.shape.rows) + "x" +
                 std::to_string(r.shape.cols) + " shape");
            continue;
        }
        for (Hop *o : r.ops) taken.insert(o);
        taken.insert(r.root);
        regions.push_back(std::move(r));
    }

    // Multi-aggregates: full aggregates of one shape sharing an input, independent of each other.
    std::vector<std::vector<size_t>> groups;
    std::vector<bool> grouped(regions.size(), false);
    std::vector<std::unordered_set<const Hop *>> below(regions.size());
    for (size_t a = 0; a < regions.size(); ++a)
        for (Hop *in : regions[a].inputs) collect_below(in, below[a]);
    for (size_t a = 0; a < regions.size(); ++a) {
        if (grouped[a]) continue;
        grouped[a] = true;
        std::vector<size_t> g{a};
        if (regions[a].agg == FusedAgg::Full && !regions[a].outer) {
            for (size_t b = a + 1; b < regions.size(); ++b) {
                if (grouped[b] || regions[b].agg != FusedAgg::Full || regions[b].outer ||
                    !(regions[b].shape == regions[a].shape))
                    continue;
                bool shares = false, independent = true;
                for (size_t m : g) {
                    for (Hop *in : regions[b].inputs)
                        shares |= in->is_matrix() &&
                                  std::find(regions[m].inputs.begin(), regions[m].inputs.end(), in) !=
                                      regions[m].inputs.end();
                    independent &= !below[b].count(regions[m].root) && !below[m].count(regions[b].root);
                }
                if (shares && !independent)
                    note("keep " + hop_name(regions[b].root) + " apart from " + hop_name(regions[a].root) +
                         ": one aggregate depends on the other");
                if (shares && independent) {
                    grouped[b] = true;
                    g.push_back(b);
                }
            }
        }
        groups.push_back(std::move(g));
    }

    int created = 0;
    // Hops replaced by an earlier fused operator (or its projection): later regions read the replacement.
    std::unordered_map<const Hop *, Hop *> replaced;
    std::vector<std::vector<size_t>> work(groups.rbegin(), groups.rend());
    while (!work.empty()) {
        const std::vector<size_t> g = work.back();
        work.pop_back();
        auto op = std::make_shared<FusedOp>();
        std::vector<Hop *> inputs;
        std::unordered_map<const Hop *, int> node_of;
        op->agg = regions[g[0]].agg;
        auto add_input = [&](Hop *in, InputKind kind) {
            if (auto it = replaced.find(in); it != replaced.end()) in = it->second;
            if (node_of.count(in)) return;
            inputs.push_back(in);
            op->inputs.push_back(kind);
            FusedNode n;
            n.kind = FusedNode::Kind::Input;
            n.input = static_cast<int>(op->inputs.size()) - 1;
            node_of[in] = static_cast<int>(op->nodes.size());
            op->nodes.push_back(n);
        };
        for (size_t ri : g)
            for (size_t k = 0; k < regions[ri].inputs.size(); ++k)
                add_input(regions[ri].inputs[k], regions[ri].kinds[k]);
        for (size_t k = 0; k < op->inputs.size(); ++k)
            if (op->inputs[k] == InputKind::Matrix) {
                op->driver = static_cast<int>(k);
                break;
            }
        auto sparse_input = [&](size_t k) {
            return op->inputs[k] == InputKind::Matrix && likely_sparse(inputs[k]);
        };
        bool any_sparse = false;
        for (size_t k = 0; k < op->inputs.size(); ++k) any_sparse |= sparse_input(k);
        // The driver: a likely sparse input for which the operator is sparse-safe (the pass then visits its
        // non-zeros only), else any input for which it is sparse-safe, else the first full-size input.
        int best = -1, best_score = -1;
        for (size_t k = 0; k < op->inputs.size(); ++k) {
            if (op->inputs[k] != InputKind::Matrix) continue;
            const int saved = op->driver;
            op->driver = static_cast<int>(k);
            const int score = op->sparse_safe() ? (sparse_input(k) ? 2 : 1) : 0;
            op->driver = saved;
            if (score > best_score) {
                best = static_cast<int>(k);
                best_score = score;
            }
        }
        if (best >= 0) op->driver = best;
        // A sparse input in an operator that is not sparse-safe would be densified: the unfused sparse
        // kernels are cheaper. A multi-aggregate falls back to its parts; a single region stays unfused.
        if (any_sparse && !op->sparse_safe()) {
            if (g.size() > 1) {
                for (size_t ri : g) work.push_back({ri});
            } else {
                note("reject " + region_text(regions[g[0]]) +
                     ": a sparse input, and the operator is not sparse-safe (it would be densified)");
            }
            continue;
        }
        for (size_t ri : g) {
            const Region &r = regions[ri];
            add_nodes(r, *op, node_of);
            op->roots.push_back(node_of.at(r.cell_root));
            if (r.agg != FusedAgg::None) {
                op->agg_ops.push_back(r.root->agg_op);
                op->agg_opcodes.push_back(r.root->opcode);
            }
        }
        const Region &first = regions[g[0]];
        Hop *f = dag.make(HopKind::Fused, "fused", inputs, first.root->loc);
        f->fused = op;
        std::string what = g.size() > 1 ? "multi-aggregate" : first.outer ? "outer" : "cell";
        if (g.size() == 1) {
            take_characteristics(f, first.root);
            dag.replace(first.root, f);
            replaced[first.root] = f;
        } else {
            f->data_type = DataType::Unknown;
            f->num_outputs = static_cast<int>(g.size());
            for (size_t k = 0; k < g.size(); ++k) {
                Hop *root = regions[g[k]].root;
                Hop *o = dag.make(HopKind::FunctionOutput, "fout", {f}, root->loc);
                o->output_index = static_cast<int>(k);
                take_characteristics(o, root);
                dag.replace(root, o);
                replaced[root] = o;
            }
        }
        if (explain) {
            std::string agg = op->agg == FusedAgg::None   ? "no aggregate"
                              : op->agg == FusedAgg::Full ? "full aggregate"
                              : op->agg == FusedAgg::Row  ? "row aggregate"
                                                          : "column aggregate";
            std::string ops;
            for (size_t ri : g) ops += (ops.empty() ? "" : " | ") + region_text(regions[ri]);
            note("fused " + what + " (" + agg + ", " + std::to_string(first.shape.rows) + "x" +
                 std::to_string(first.shape.cols) + ", sparse-safe " + (op->sparse_safe() ? "yes" : "no") +
                 ") -> (" + std::to_string(f->id) + "): " + ops);
            *explain += op->explain();
        }
        ++created;
    }

    // Row template over the mmchains (their operands may be fused operators by now).
    for (Hop *h : topo)
        if (h->kind == HopKind::MatMult && !h->parents.empty() &&
            (h->mm_method == hops::MatMultMethod::MMChain || h->mm_method == hops::MatMultMethod::MMChainW) &&
            row_template(dag, h, note, explain))
            ++created;
    return created;
}

} // namespace linea::fusion
