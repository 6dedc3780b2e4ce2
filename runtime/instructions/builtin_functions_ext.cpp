// Run-time implementations of the native builtins beyond the core set (aggregates with parameters,
// reorganisations, linear algebra decompositions, ...), by DML name.
#include "kernels/math/distributions.h"
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"
#include "runtime/program/program.h"

#include <cmath>
#include <limits>
#include <unordered_map>

namespace linea::rt {

namespace {

using kernels::MatrixBlock;

[[noreturn]] void fail(BuiltinArgs &a, const std::string &msg) {
    throw DmlError(ErrorKind::Runtime, a.loc, msg);
}

bool has(const BuiltinArgs &a, size_t i) {
    return i < a.args.size() && !a.args[i].is_empty();
}

/// Number of arguments given (trailing absent ones not counted).
size_t given(const BuiltinArgs &a) {
    size_t n = 0;
    for (size_t i = 0; i < a.args.size(); ++i)
        if (!a.args[i].is_empty()) n = i + 1;
    return n;
}

const MatrixPtr &matrix_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = a.args[i];
    if (!v.is_matrix())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a matrix but is a " + v.describe());
    return v.matrix();
}

double number_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = a.args[i];
    if (v.is_matrix() && v.matrix()->rows() == 1 && v.matrix()->cols() == 1) return v.matrix()->get(0, 0);
    if (!v.is_numeric_scalar())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a number but is a " + v.describe());
    return v.to_double();
}

/// An integer-valued argument (doubles like 3.0 are accepted; 2.5 is not).
int64_t int_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param, int64_t min) {
    const double d = number_arg(a, i, fn, param);
    if (std::isnan(d) || d != std::floor(d) || d < static_cast<double>(min) || d > 9e15)
        fail(a, std::string(fn) + ": '" + param + "' must be an integer >= " + std::to_string(min) +
                    " but is " + kernels::format_double(d));
    return static_cast<int64_t>(d);
}

bool bool_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = a.args[i];
    if (!v.is_numeric_scalar())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a boolean but is a " + v.describe());
    return v.to_bool();
}

std::string string_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = a.args[i];
    if (!v.is_string())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a string but is a " + v.describe());
    return v.as_string_unchecked();
}

void out_matrix(BuiltinArgs &a, MatrixPtr m) {
    a.outputs.emplace_back(std::move(m));
}

// ------------------------------------------------------------------ construction
void fn_sample(BuiltinArgs &a) {
    const int64_t range = int_arg(a, 0, "sample", "range", 1);
    const int64_t size = int_arg(a, 1, "sample", "size", 0);
    // sample(range, size, 1234): a number (not a boolean) in the third place is the seed, as in SystemDS.
    bool replace = false;
    double seed = number_arg(a, 3, "sample", "seed");
    if (a.args[2].is_bool())
        replace = a.args[2].as_bool_unchecked();
    else
        seed = number_arg(a, 2, "sample", "seed");
    const uint64_t s = seed < 0 ? a.ctx.next_seed() : static_cast<uint64_t>(seed);
    out_matrix(a, kernels::sample(range, size, replace, s));
}

void fn_tri(BuiltinArgs &a, bool lower) {
    const char *fn = lower ? "lower.tri" : "upper.tri";
    out_matrix(a, kernels::triangle(*matrix_arg(a, 0, fn, "target"), lower, bool_arg(a, 1, fn, "diag"),
                                    bool_arg(a, 2, fn, "values")));
}

void fn_outer(BuiltinArgs &a) {
    using B = kernels::BinaryOp;
    static const std::unordered_map<std::string, B> ops = {
        {"+", B::Add},  {"-", B::Sub}, {"*", B::Mul}, {"/", B::Div},   {"^", B::Pow},   {"%/%", B::IntDiv},
        {"%%", B::Mod}, {"<", B::Lt},  {"<=", B::Le}, {">", B::Gt},    {">=", B::Ge},   {"==", B::Eq},
        {"!=", B::Ne},  {"&", B::And}, {"|", B::Or},  {"min", B::Min}, {"max", B::Max}, {"log", B::Log}};
    const std::string op = string_arg(a, 2, "outer", "op");
    auto it = ops.find(op);
    if (it == ops.end()) fail(a, "outer: unknown operator \"" + op + "\"");
    out_matrix(a, kernels::outer(*matrix_arg(a, 0, "outer", "target1"), *matrix_arg(a, 1, "outer", "target2"),
                                 it->second));
}

// ------------------------------------------------------------------ reordering
void fn_order(BuiltinArgs &a) {
    const MatrixPtr &x = matrix_arg(a, 0, "order", "target");
    const int64_t by = int_arg(a, 1, "order", "by", 1);
    if (by > x->cols())
        fail(a, "order: by=" + std::to_string(by) + " exceeds the " + std::to_string(x->cols()) +
                    " column(s) of the target");
    out_matrix(a, kernels::order(*x, by - 1, bool_arg(a, 2, "order", "decreasing"),
                                 bool_arg(a, 3, "order", "index.return")));
}

void fn_remove_empty(BuiltinArgs &a) {
    const MatrixPtr &x = matrix_arg(a, 0, "removeEmpty", "target");
    const std::string margin = string_arg(a, 1, "removeEmpty", "margin");
    if (margin != "rows" && margin != "cols")
        fail(a, "removeEmpty: margin must be \"rows\" or \"cols\" but is \"" + margin + "\"");
    const MatrixBlock *select = has(a, 2) ? matrix_arg(a, 2, "removeEmpty", "select").get() : nullptr;
    out_matrix(a, kernels::remove_empty(*x, margin == "rows", select,
                                        bool_arg(a, 3, "removeEmpty", "empty.return")));
}

void fn_replace(BuiltinArgs &a) {
    out_matrix(a, kernels::replace(*matrix_arg(a, 0, "replace", "target"),
                                   number_arg(a, 1, "replace", "pattern"),
                                   number_arg(a, 2, "replace", "replacement")));
}

void fn_unique(BuiltinArgs &a) {
    out_matrix(a, kernels::unique(*matrix_arg(a, 0, "unique", "target")));
}

// ------------------------------------------------------------------ contingency tables and grouping
kernels::CellSource cell_source(BuiltinArgs &a, size_t i, const char *param) {
    const Value &v = a.args[i];
    if (v.is_matrix()) return {v.matrix().get(), 0.0};
    return {nullptr, number_arg(a, i, "table", param)};
}

void fn_table(BuiltinArgs &a) {
    const size_t n = given(a);
    for (size_t i = 0; i < n; ++i)
        if (!has(a, i)) fail(a, "table: argument " + std::to_string(i + 1) + " is missing");
    // table(A, B), table(A, B, W), table(A, B, odim1, odim2), table(A, B, W, odim1, odim2)
    kernels::CellSource w{nullptr, 1.0};
    int64_t odim1 = -1, odim2 = -1;
    if (n == 3 || n == 5) w = cell_source(a, 2, "weights");
    if (n >= 4) {
        odim1 = int_arg(a, n - 2, "table", "odim1", 0);
        odim2 = int_arg(a, n - 1, "table", "odim2", 0);
    }
    out_matrix(a, kernels::table(cell_source(a, 0, "A"), cell_source(a, 1, "B"), w, odim1, odim2));
}

void fn_aggregate(BuiltinArgs &a) {
    using G = kernels::GroupFn;
    static const std::unordered_map<std::string, G> fns = {{"sum", G::Sum},   {"count", G::Count},
                                                           {"mean", G::Mean}, {"variance", G::Variance},
                                                           {"min", G::Min},   {"max", G::Max}};
    const std::string fn = string_arg(a, 2, "aggregate", "fn");
    auto it = fns.find(fn);
    if (it == fns.end())
        fail(a, "aggregate: fn must be one of \"sum\", \"count\", \"mean\", \"variance\", \"min\", \"max\" "
                "but is \"" +
                    fn + "\"");
    const MatrixBlock *w = has(a, 3) ? matrix_arg(a, 3, "aggregate", "weights").get() : nullptr;
    const int64_t ngroups = has(a, 4) ? int_arg(a, 4, "aggregate", "ngroups", 0) : -1;
    out_matrix(a, kernels::grouped_aggregate(it->second, *matrix_arg(a, 0, "aggregate", "target"),
                                             *matrix_arg(a, 1, "aggregate", "groups"), w, ngroups));
}

// ------------------------------------------------------------------ cumulative and statistics
void fn_cum(BuiltinArgs &a, kernels::CumOp op, const char *name) {
    out_matrix(a, kernels::cumulative(op, *matrix_arg(a, 0, name, "target")));
}

void fn_moment(BuiltinArgs &a) {
    const MatrixPtr &x = matrix_arg(a, 0, "moment", "target");
    const bool weighted = has(a, 2);
    const MatrixBlock *w = weighted ? matrix_arg(a, 1, "moment", "weights").get() : nullptr;
    const int64_t order = int_arg(a, weighted ? 2 : 1, "moment", "order", 2);
    if (order > 4) fail(a, "moment: the order must be 2, 3 or 4 but is " + std::to_string(order));
    a.outputs.emplace_back(kernels::central_moment(*x, w, static_cast<int>(order)));
}

void fn_cov(BuiltinArgs &a) {
    const MatrixBlock *w = has(a, 2) ? matrix_arg(a, 2, "cov", "weights").get() : nullptr;
    a.outputs.emplace_back(
        kernels::covariance(*matrix_arg(a, 0, "cov", "target1"), *matrix_arg(a, 1, "cov", "target2"), w));
}

void fn_quantile(BuiltinArgs &a) {
    const MatrixPtr &x = matrix_arg(a, 0, "quantile", "target");
    const bool weighted = has(a, 2);
    const MatrixBlock *w = weighted ? matrix_arg(a, 1, "quantile", "weights").get() : nullptr;
    const size_t pi = weighted ? 2 : 1;
    const Value &p = a.args[pi];
    if (p.is_matrix()) {
        const MatrixBlock &pm = *p.matrix();
        if (pm.cols() != 1)
            fail(a, "quantile: the probabilities must be a column vector but are a " + p.describe());
        std::vector<double> ps(pm.data(), pm.data() + pm.cells());
        std::vector<double> q = kernels::quantile(*x, w, ps);
        out_matrix(a, kernels::from_values(q, static_cast<int64_t>(q.size()), 1, true));
    } else {
        a.outputs.emplace_back(kernels::quantile(*x, w, {number_arg(a, pi, "quantile", "p")})[0]);
    }
}

void fn_median(BuiltinArgs &a) {
    const MatrixBlock *w = has(a, 1) ? matrix_arg(a, 1, "median", "weights").get() : nullptr;
    a.outputs.emplace_back(kernels::median(*matrix_arg(a, 0, "median", "target"), w));
}

void fn_xor(BuiltinArgs &a) {
    const Value &x = a.args[0], &y = a.args[1];
    if (x.is_matrix() && y.is_matrix())
        out_matrix(a, kernels::binary(kernels::BinaryOp::Xor, *x.matrix(), *y.matrix()));
    else if (x.is_matrix())
        out_matrix(a, kernels::binary_scalar(kernels::BinaryOp::Xor, *x.matrix(),
                                             number_arg(a, 1, "xor", "target2"), false));
    else if (y.is_matrix())
        out_matrix(a, kernels::binary_scalar(kernels::BinaryOp::Xor, *y.matrix(),
                                             number_arg(a, 0, "xor", "target1"), true));
    else
        a.outputs.emplace_back(bool_arg(a, 0, "xor", "target1") != bool_arg(a, 1, "xor", "target2"));
}

// ------------------------------------------------------------------ decompositions
void fn_multi(BuiltinArgs &a, std::vector<MatrixPtr> (*f)(const MatrixBlock &), const char *name) {
    for (MatrixPtr &m : f(*matrix_arg(a, 0, name, "target"))) out_matrix(a, std::move(m));
}

// ------------------------------------------------------------------ lists
/// [L2, x] = remove(L, i): L without its i-th element (1-based), and that element.
void fn_remove(BuiltinArgs &a) {
    const Value &l = a.args[0];
    if (!l.is_list()) fail(a, "remove expects a list but was given a " + l.describe());
    const ListValue &in = *l.list();
    const int64_t pos = int_arg(a, 1, "remove", "pos", 1);
    if (pos > static_cast<int64_t>(in.items.size()))
        fail(a, "remove: position " + std::to_string(pos) + " is out of range for a list of " +
                    std::to_string(in.items.size()));
    auto out = std::make_shared<ListValue>(in);
    const auto k = static_cast<size_t>(pos - 1);
    Value item = out->items[k];
    out->items.erase(out->items.begin() + static_cast<std::ptrdiff_t>(k));
    if (out->named()) out->names.erase(out->names.begin() + static_cast<std::ptrdiff_t>(k));
    a.outputs.emplace_back(ListPtr(std::move(out)));
    a.outputs.push_back(std::move(item));
}

/// typeof(x): the data type of x as SystemDS's DataType enum spells it.
void fn_typeof(BuiltinArgs &a) {
    const Value &v = a.args[0];
    a.outputs.emplace_back(v.is_matrix()  ? "MATRIX"
                           : v.is_list()  ? "LIST"
                           : v.is_frame() ? "FRAME"
                                          : "SCALAR");
}

/// exists(x): whether x is bound. The compiler passes x's slot (empty when unbound), or, for a name
/// computed at run time (argument named "name"), the name to look up in the running function's frame.
void fn_exists(BuiltinArgs &a) {
    if (a.names.empty() || a.names[0] != "name") {
        a.outputs.emplace_back(has(a, 0));
        return;
    }
    if (!a.args[0].is_string())
        fail(a, "exists: the variable name must be a string but is a " + a.args[0].describe());
    const std::string &name = a.args[0].as_string_unchecked();
    const auto &names = a.ctx.function().slot_names;
    const auto &frame = a.ctx.frame();
    bool found = false;
    for (size_t i = 0; i < names.size() && i < frame.size() && !found; ++i)
        found = names[i] == name && !frame[i].is_empty();
    a.outputs.emplace_back(found);
}

/// as.list(x): a list stays as it is; any other value becomes a one-element list.
void fn_as_list(BuiltinArgs &a) {
    if (a.args[0].is_list()) {
        a.outputs.push_back(a.args[0]);
        return;
    }
    auto l = std::make_shared<ListValue>();
    l->items.push_back(a.args[0]);
    a.outputs.emplace_back(ListPtr(std::move(l)));
}

// ------------------------------------------------------------------ probability distributions
// Argument positions of a distribution builtin's parameters (-1: the builtin has no such parameter).
struct DistSlots {
    int mean = -1, sd = -1, rate = -1, df = -1, df1 = -1, df2 = -1, lower_tail = -1;
};

kernels::Distribution distribution_named(BuiltinArgs &a, const std::string &name, const char *fn) {
    using D = kernels::Distribution;
    if (name == "normal") return D::Normal;
    if (name == "exp") return D::Exp;
    if (name == "chisq") return D::ChiSq;
    if (name == "f") return D::F;
    if (name == "t") return D::T;
    fail(a, std::string(fn) + ": unknown distribution \"" + name +
                "\" (expected \"normal\", \"exp\", \"chisq\", \"f\" or \"t\")");
}

/// A positive parameter: given at slot i, or `dflt` when the builtin has a default (NaN: required).
double positive_param(BuiltinArgs &a, int i, const char *fn, const char *param, const char *dist,
                      double dflt) {
    if (i < 0 || !has(a, static_cast<size_t>(i))) {
        if (std::isnan(dflt))
            fail(a, std::string(fn) + ": the " + dist + " distribution needs the parameter '" + param + "'");
        return dflt;
    }
    const double v = number_arg(a, static_cast<size_t>(i), fn, param);
    if (!(v > 0.0) || std::isinf(v))
        fail(a, std::string(fn) + ": '" + param + "' must be a positive number but is " +
                    kernels::format_double(v));
    return v;
}

kernels::DistParams dist_params(BuiltinArgs &a, kernels::Distribution d, const DistSlots &s, const char *fn) {
    using D = kernels::Distribution;
    constexpr double kRequired = std::numeric_limits<double>::quiet_NaN();
    kernels::DistParams p;
    switch (d) {
    case D::Normal:
        p.mean = s.mean >= 0 && has(a, static_cast<size_t>(s.mean))
                     ? number_arg(a, static_cast<size_t>(s.mean), fn, "mean")
                     : 0.0;
        p.sd = positive_param(a, s.sd, fn, "sd", "normal", 1.0);
        break;
    case D::Exp:
        p.rate = positive_param(a, s.rate, fn, "rate", "exp", 1.0);
        break;
    case D::ChiSq:
        p.df = positive_param(a, s.df, fn, "df", "chisq", kRequired);
        break;
    case D::T:
        p.df = positive_param(a, s.df, fn, "df", "t", kRequired);
        break;
    case D::F:
        p.df1 = positive_param(a, s.df1, fn, "df1", "f", kRequired);
        p.df2 = positive_param(a, s.df2, fn, "df2", "f", kRequired);
        break;
    }
    return p;
}

/// cdf / p<dist>: P[X <= q] (lower.tail=TRUE) or P[X > q].
void fn_cdf(BuiltinArgs &a, kernels::Distribution d, const DistSlots &s, const char *fn) {
    const double q = number_arg(a, 0, fn, "target");
    const kernels::DistParams p = dist_params(a, d, s, fn);
    const bool lower = s.lower_tail < 0 || !has(a, static_cast<size_t>(s.lower_tail)) ||
                       bool_arg(a, static_cast<size_t>(s.lower_tail), fn, "lower.tail");
    a.outputs.emplace_back(kernels::dist_cdf(d, p, q, lower));
}

/// icdf / q<dist>: the quantile of probability p in [0, 1].
void fn_icdf(BuiltinArgs &a, kernels::Distribution d, const DistSlots &s, const char *fn) {
    const double prob = number_arg(a, 0, fn, "target");
    if (prob < 0.0 || prob > 1.0)
        fail(a,
             std::string(fn) + ": the probability must be in [0, 1] but is " + kernels::format_double(prob));
    a.outputs.emplace_back(kernels::dist_icdf(d, dist_params(a, d, s, fn), prob));
}

BuiltinFn dist_builtin(bool inverse, kernels::Distribution d, DistSlots s, const char *fn) {
    const auto f = inverse ? fn_icdf : fn_cdf;
    return [f, d, s, fn](BuiltinArgs &a) { f(a, d, s, fn); };
}

/// cdf(target, dist, mean, sd, rate, df, df1, df2, lower.tail) and icdf (the same without lower.tail).
void fn_cdf_by_name(BuiltinArgs &a, bool inverse) {
    const char *fn = inverse ? "icdf" : "cdf";
    const kernels::Distribution d = distribution_named(a, string_arg(a, 1, fn, "dist"), fn);
    (inverse ? fn_icdf : fn_cdf)(a, d, DistSlots{2, 3, 4, 5, 6, 7, inverse ? -1 : 8}, fn);
}

} // namespace

const BuiltinFnTable &extended_builtin_fns() {
    using kernels::CumOp;
    static const BuiltinFnTable t = {
        {"sample", fn_sample},
        {"typeof", fn_typeof},
        {"exists", fn_exists},
        {"as.list", fn_as_list},
        {"lower.tri", [](BuiltinArgs &a) { fn_tri(a, true); }},
        {"upper.tri", [](BuiltinArgs &a) { fn_tri(a, false); }},
        {"outer", fn_outer},
        {"order", fn_order},
        {"removeEmpty", fn_remove_empty},
        {"replace", fn_replace},
        {"unique", fn_unique},
        {"table", fn_table},
        {"aggregate", fn_aggregate},
        {"cumsum", [](BuiltinArgs &a) { fn_cum(a, CumOp::Sum, "cumsum"); }},
        {"cumprod", [](BuiltinArgs &a) { fn_cum(a, CumOp::Prod, "cumprod"); }},
        {"cummin", [](BuiltinArgs &a) { fn_cum(a, CumOp::Min, "cummin"); }},
        {"cummax", [](BuiltinArgs &a) { fn_cum(a, CumOp::Max, "cummax"); }},
        {"moment", fn_moment},
        {"cov", fn_cov},
        {"quantile", fn_quantile},
        {"median", fn_median},
        {"xor", fn_xor},
        {"inv", [](BuiltinArgs &a) { out_matrix(a, kernels::inverse(*matrix_arg(a, 0, "inv", "target"))); }},
        {"cholesky",
         [](BuiltinArgs &a) { out_matrix(a, kernels::cholesky(*matrix_arg(a, 0, "cholesky", "target"))); }},
        {"det",
         [](BuiltinArgs &a) { a.outputs.emplace_back(kernels::det(*matrix_arg(a, 0, "det", "target"))); }},
        {"eigen", [](BuiltinArgs &a) { fn_multi(a, kernels::eigen, "eigen"); }},
        {"lu", [](BuiltinArgs &a) { fn_multi(a, kernels::lu, "lu"); }},
        {"qr", [](BuiltinArgs &a) { fn_multi(a, kernels::qr, "qr"); }},
        {"svd", [](BuiltinArgs &a) { fn_multi(a, kernels::svd, "svd"); }},
        {"remove", fn_remove},
        {"cdf", [](BuiltinArgs &a) { fn_cdf_by_name(a, false); }},
        {"icdf", [](BuiltinArgs &a) { fn_cdf_by_name(a, true); }},
        {"pnorm", dist_builtin(false, kernels::Distribution::Normal, {1, 2, -1, -1, -1, -1, 3}, "pnorm")},
        {"pexp", dist_builtin(false, kernels::Distribution::Exp, {-1, -1, 1, -1, -1, -1, 2}, "pexp")},
        {"pchisq", dist_builtin(false, kernels::Distribution::ChiSq, {-1, -1, -1, 1, -1, -1, 2}, "pchisq")},
        {"pf", dist_builtin(false, kernels::Distribution::F, {-1, -1, -1, -1, 1, 2, 3}, "pf")},
        {"pt", dist_builtin(false, kernels::Distribution::T, {-1, -1, -1, 1, -1, -1, 2}, "pt")},
        {"qnorm", dist_builtin(true, kernels::Distribution::Normal, {1, 2, -1, -1, -1, -1, -1}, "qnorm")},
        {"qexp", dist_builtin(true, kernels::Distribution::Exp, {-1, -1, 1, -1, -1, -1, -1}, "qexp")},
        {"qchisq", dist_builtin(true, kernels::Distribution::ChiSq, {-1, -1, -1, 1, -1, -1, -1}, "qchisq")},
        {"qf", dist_builtin(true, kernels::Distribution::F, {-1, -1, -1, -1, 1, 2, -1}, "qf")},
        {"qt", dist_builtin(true, kernels::Distribution::T, {-1, -1, -1, 1, -1, -1, -1}, "qt")},
    };
    return t;
}

} // namespace linea::rt
