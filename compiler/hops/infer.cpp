#include "compiler/hops/infer.h"

#include "compiler/estim/estimator.h"
#include "language/builtins.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace linea::hops {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

void set_scalar(Hop *h, ValueType vt) {
    h->data_type = DataType::Scalar;
    h->value_type = vt;
    h->rows.reset();
    h->cols.reset();
}
void set_matrix(Hop *h, std::optional<int64_t> r, std::optional<int64_t> c) {
    h->data_type = DataType::Matrix;
    h->value_type = ValueType::Double;
    h->rows = r;
    h->cols = c;
    h->nnz.reset(); // unknown unless the operator sets it exactly
}

bool int_like(ValueType v) {
    return v == ValueType::Int || v == ValueType::Bool;
}

void infer_unary(Hop *h) {
    const Hop *a = h->inputs[0];
    if (a->is_matrix()) {
        set_matrix(h, a->rows, a->cols);
        // Exact where the operator maps zero to zero and non-zero to non-zero; estimates of other
        // operators belong to sparsity estimation.
        const UnaryOp op = h->unary_op;
        h->nnz = (op == UnaryOp::Neg || op == UnaryOp::Abs || op == UnaryOp::Sign) ? a->nnz : std::nullopt;
        return;
    }
    if (!a->is_scalar()) return;
    switch (h->unary_op) {
    case UnaryOp::Not:
    case UnaryOp::IsNA:
    case UnaryOp::IsNaN:
    case UnaryOp::IsInf:
        return set_scalar(h, ValueType::Bool);
    case UnaryOp::Neg:
    case UnaryOp::Abs:
    case UnaryOp::Sign:
        return set_scalar(h, int_like(a->value_type) ? ValueType::Int : ValueType::Double);
    default:
        return set_scalar(h, ValueType::Double);
    }
}

void infer_binary(Hop *h) {
    const Hop *a = h->inputs[0], *b = h->inputs[1];
    const BinaryOp op = h->binary_op;
    if (a->is_matrix() || b->is_matrix()) {
        std::optional<int64_t> r, c;
        if (a->is_matrix() && b->is_matrix()) {
            // Equal extents, or 1 broadcast against the other (also 0: an empty result).
            auto extent = [](std::optional<int64_t> x, std::optional<int64_t> y) -> std::optional<int64_t> {
                if (!x || !y) return std::nullopt;
                if (*x == *y || *y == 1) return x;
                if (*x == 1) return y;
                return std::nullopt;
            };
            r = extent(a->rows, b->rows);
            c = extent(a->cols, b->cols);
        } else {
            const Hop *m = a->is_matrix() ? a : b;
            r = m->rows;
            c = m->cols;
        }
        return set_matrix(h, r, c);
    }
    if (!a->is_scalar() || !b->is_scalar()) return;
    switch (op) {
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
    case BinaryOp::Eq:
    case BinaryOp::Ne:
    case BinaryOp::And:
    case BinaryOp::Or:
    case BinaryOp::Xor:
        return set_scalar(h, ValueType::Bool);
    default:
        break;
    }
    if (a->value_type == ValueType::String || b->value_type == ValueType::String)
        return set_scalar(h, op == BinaryOp::Add ? ValueType::String : ValueType::Unknown);
    const bool closed = op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul ||
                        op == BinaryOp::IntDiv || op == BinaryOp::Mod || op == BinaryOp::Min ||
                        op == BinaryOp::Max;
    // Two booleans compute as doubles (TRUE + TRUE is 2.0), as the run time does.
    const bool both_bool = a->value_type == ValueType::Bool && b->value_type == ValueType::Bool;
    if (int_like(a->value_type) && int_like(b->value_type) && closed && !both_bool)
        return set_scalar(h, ValueType::Int);
    if (a->value_type != ValueType::Unknown && b->value_type != ValueType::Unknown)
        return set_scalar(h, ValueType::Double);
    set_scalar(h, ValueType::Unknown);
}

std::optional<int64_t> dim_extent(const IndexDim &d, size_t &k, const std::vector<Hop *> &in,
                                  std::optional<int64_t> full) {
    if (d.all) return full;
    if (d.single) {
        ++k;
        return 1;
    }
    auto lo = literal_int(in[k]), hi = literal_int(in[k + 1]);
    k += 2;
    if (lo && hi && *hi >= *lo) return *hi - *lo + 1;
    return std::nullopt;
}

/// Metadata leaf of a matrix HOP from its exact or estimated nnz; nullptr when unknown.
estim::EstimNodePtr meta_of(const Hop *x) {
    if (!x->is_matrix() || !x->rows || !x->cols) return nullptr;
    const double cells = static_cast<double>(*x->rows) * static_cast<double>(*x->cols);
    const std::optional<double> n = x->nnz ? std::optional<double>(static_cast<double>(*x->nnz)) : x->est_nnz;
    if (!n) return nullptr;
    return estim::meta_leaf(*x->rows, *x->cols,
                            static_cast<int64_t>(std::llround(std::clamp(*n, 0.0, cells))));
}

/// The expected nnz of rand(rows, cols, sparsity=s) with literal sizes and a literal density s in [0, 1]
/// (each cell is non-zero with probability s), else nullopt.
std::optional<double> rand_est_nnz(const Hop *h) {
    if (h->kind != HopKind::Builtin || h->builtin_id < 0 || !h->rows || !h->cols) return std::nullopt;
    const BuiltinInfo &info = builtin(h->builtin_id);
    if (info.name != "rand") return std::nullopt;
    size_t k = 0;
    for (size_t i = 0; i < info.params.size() && i < h->arg_present.size(); ++i) {
        if (!h->arg_present[i]) continue;
        if (info.params[i].name == "sparsity") {
            if (k >= h->inputs.size()) return std::nullopt;
            const Hop *s = h->inputs[k];
            if (s->kind != HopKind::Literal || !s->literal.is_numeric_scalar()) return std::nullopt;
            const double d = s->literal.to_double();
            if (!(d >= 0.0 && d <= 1.0)) return std::nullopt;
            return d * static_cast<double>(*h->rows) * static_cast<double>(*h->cols);
        }
        ++k;
    }
    return std::nullopt;
}

/// Estimation expressions of HOPs that depend on live sparse data (dynamic recompilation); others are
/// metadata leaves.
using LiveExprs = std::map<const Hop *, estim::EstimNodePtr>;

/// Sets h->est_nnz when h's nnz is not known exactly: MNC over the live sparse inputs it depends on
/// (sketched in O(nnz)), else the average-case metadata estimate.
void estimate_nnz(Hop *h, LiveExprs &live) {
    if (h->kind == HopKind::TRead) {
        // est_nnz is set by the recompiler; its live CSR block becomes an MNC leaf.
        if (h->live && h->live->is_sparse()) live[h] = estim::leaf(h->live);
        return;
    }
    h->est_nnz.reset();
    if (!h->is_matrix() || h->nnz || !h->rows || !h->cols) return;
    if (std::optional<double> r = rand_est_nnz(h)) {
        h->est_nnz = r;
        return;
    }
    static const std::unique_ptr<estim::SparsityEstimator> meta = estim::make_meta_average();
    static const std::unique_ptr<estim::SparsityEstimator> mnc = estim::make_mnc();
    std::vector<estim::EstimNodePtr> in;
    bool any_live = false;
    for (const Hop *x : h->inputs) {
        auto it = live.find(x);
        any_live |= it != live.end();
        in.push_back(it != live.end() ? it->second : meta_of(x));
    }
    auto known = [&](size_t n) {
        if (in.size() < n) return false;
        for (size_t i = 0; i < n; ++i)
            if (!in[i]) return false;
        return true;
    };
    estim::EstimNodePtr e;
    try {
        switch (h->kind) {
        case HopKind::MatMult:
            if (h->mm_method == MatMultMethod::Default && known(2))
                e = estim::matmult(in[0], in[1]);
            else if (h->mm_method == MatMultMethod::TransLeft && known(2))
                e = estim::matmult(estim::transpose(in[0]), in[1]);
            else if (h->mm_method == MatMultMethod::TsmmLeft && known(1))
                e = estim::matmult(estim::transpose(in[0]), in[0]);
            else if (h->mm_method == MatMultMethod::TsmmRight && known(1))
                e = estim::matmult(in[0], estim::transpose(in[0]));
            break;
        case HopKind::Binary:
            if (known(2) && in[0]->rows == in[1]->rows && in[0]->cols == in[1]->cols) {
                if (h->binary_op == BinaryOp::Mul)
                    e = estim::mult(in[0], in[1]);
                else if (h->binary_op == BinaryOp::Add || h->binary_op == BinaryOp::Sub)
                    e = estim::plus(in[0], in[1]);
                else if (h->binary_op == BinaryOp::Ne)
                    e = estim::not_equal(in[0], in[1]);
            } else if (h->binary_op == BinaryOp::Mul && h->inputs.size() == 2) {
                // Matrix times a non-zero scalar keeps the pattern.
                const size_t m = h->inputs[0]->is_matrix() ? 0 : 1;
                const Hop *s = h->inputs[1 - m];
                if (in[m] && s->kind == HopKind::Literal && s->literal.is_numeric_scalar() &&
                    s->literal.to_double() != 0.0)
                    e = in[m];
            }
            break;
        case HopKind::Reorg:
            if (known(1) && h->reorg_op == rt::ReorgOp::Transpose)
                e = estim::transpose(in[0]);
            else if (known(1) && h->reorg_op == rt::ReorgOp::Rev)
                e = meta_of(h->inputs[0]); // the same nnz, rows in another order
            break;
        case HopKind::TWrite:
            e = known(1) ? in[0] : nullptr;
            break;
        default:
            break;
        }
        if (e) {
            h->est_nnz = (any_live ? mnc : meta)->estimate_nnz(*e);
            if (any_live) live[h] = e;
        }
    } catch (const std::invalid_argument &) {
        h->est_nnz.reset(); // shapes that do not match: reported when the operation runs
    }
}

} // namespace

std::optional<int64_t> literal_int(const Hop *h) {
    if (h->kind != HopKind::Literal || !h->literal.is_numeric_scalar()) return std::nullopt;
    double d = h->literal.to_double();
    if (d < 0 || d > 9e15 || d != static_cast<double>(static_cast<int64_t>(d))) return std::nullopt;
    return static_cast<int64_t>(d);
}

void infer(Hop *h) {
    switch (h->kind) {
    case HopKind::Unary:
        infer_unary(h);
        break;
    case HopKind::Binary:
        infer_binary(h);
        break;
    case HopKind::Aggregate: {
        const Hop *a = h->inputs[0];
        if (h->agg_dir == kernels::AggDir::All)
            set_scalar(h, ValueType::Double);
        else if (h->agg_dir == kernels::AggDir::Row)
            set_matrix(h, a->rows, 1);
        else
            set_matrix(h, 1, a->cols);
        break;
    }
    case HopKind::MatMult: {
        const Hop *a = h->inputs[0];
        switch (h->mm_method) {
        case MatMultMethod::Default:
            set_matrix(h, a->rows, h->inputs[1]->cols);
            break;
        case MatMultMethod::TsmmLeft:
            set_matrix(h, a->cols, a->cols);
            break;
        case MatMultMethod::TsmmRight:
            set_matrix(h, a->rows, a->rows);
            break;
        case MatMultMethod::TransLeft:
            set_matrix(h, a->cols, h->inputs[1]->cols);
            break;
        case MatMultMethod::MMChain:
        case MatMultMethod::MMChainW:
            set_matrix(h, a->cols, h->inputs[1]->cols);
            break;
        }
        break;
    }
    case HopKind::Reorg: {
        const Hop *a = h->inputs[0];
        if (h->reorg_op == rt::ReorgOp::Transpose)
            set_matrix(h, a->cols, a->rows);
        else if (h->reorg_op == rt::ReorgOp::Rev)
            set_matrix(h, a->rows, a->cols);
        if (h->reorg_op != rt::ReorgOp::Diag)
            h->nnz = a->nnz; // a permutation of the cells
        else {
            std::optional<int64_t> c;
            if (a->cols == 1)
                c = a->rows;
            else if (a->rows && a->cols && *a->rows == *a->cols)
                c = 1;
            set_matrix(h, a->rows, c);
        }
        break;
    }
    case HopKind::NaryMinMax: {
        bool any_matrix = false;
        for (const Hop *x : h->inputs) any_matrix |= x->is_matrix();
        if (any_matrix)
            set_matrix(h, std::nullopt, std::nullopt);
        else
            set_scalar(h, ValueType::Double);
        break;
    }
    case HopKind::Index: {
        const Hop *t = h->inputs[0];
        if (t->is_matrix()) {
            size_t k = 1;
            auto r = dim_extent(h->rows_dim, k, h->inputs, t->rows);
            auto c = dim_extent(h->cols_dim, k, h->inputs, t->cols);
            set_matrix(h, r, c);
        } else if (t->data_type == DataType::Frame) {
            size_t k = 1;
            h->rows = dim_extent(h->rows_dim, k, h->inputs, t->rows);
            h->cols = dim_extent(h->cols_dim, k, h->inputs, t->cols);
            h->data_type = DataType::Frame;
            h->value_type = ValueType::Unknown;
        } else if (t->data_type == DataType::List && !h->rows_dim.single) {
            h->data_type = DataType::List;
        }
        break;
    }
    case HopKind::LeftIndex: {
        const Hop *t = h->inputs[0];
        h->data_type = t->data_type;
        h->value_type = t->value_type;
        h->rows = t->rows;
        h->cols = t->cols;
        break;
    }
    case HopKind::TWrite: {
        const Hop *v = h->inputs[0];
        h->data_type = v->data_type;
        h->value_type = v->value_type;
        h->rows = v->rows;
        h->cols = v->cols;
        h->nnz = v->nnz;
        break;
    }
    default:
        break;
    }
}

void propagate(HopDag &dag) {
    LiveExprs live;
    for (Hop *h : dag.topological()) {
        infer(h);
        estimate_nnz(h, live);
    }
}

} // namespace linea::hops
