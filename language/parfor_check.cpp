#include "language/parfor_check.h"

#include "language/builtins.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace linea {

namespace {

using namespace ast;

[[noreturn]] void error(const SourceLoc &loc, const std::string &msg) {
    throw DmlError(ErrorKind::Validate, loc, msg);
}

std::string at(const SourceLoc &loc) {
    return std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

// ------------------------------------------------------------------ polynomials over symbols
/// A polynomial with real coefficients over symbol names; a monomial is its sorted list of factors.
using Monomial = std::vector<std::string>;
using Poly = std::map<Monomial, double>;

Poly constant(double v) {
    Poly p;
    if (v != 0) p[{}] = v;
    return p;
}
Poly symbol(const std::string &s) {
    return Poly{{Monomial{s}, 1.0}};
}
void clean(Poly &p) {
    for (auto it = p.begin(); it != p.end();) it = it->second == 0 ? p.erase(it) : std::next(it);
}
Poly add(const Poly &a, const Poly &b, double sign = 1.0) {
    Poly r = a;
    for (const auto &[m, c] : b) r[m] += sign * c;
    clean(r);
    return r;
}
Poly scale(const Poly &a, double f) {
    Poly r;
    for (const auto &[m, c] : a) r[m] = c * f;
    clean(r);
    return r;
}
Poly mul(const Poly &a, const Poly &b) {
    Poly r;
    for (const auto &[ma, ca] : a)
        for (const auto &[mb, cb] : b) {
            Monomial m = ma;
            m.insert(m.end(), mb.begin(), mb.end());
            std::sort(m.begin(), m.end());
            r[m] += ca * cb;
        }
    clean(r);
    return r;
}
std::optional<double> const_value(const Poly &p) {
    if (p.empty()) return 0.0;
    if (p.size() == 1 && p.begin()->first.empty()) return p.begin()->second;
    return std::nullopt;
}
bool positive_constant(const Poly &p) {
    auto v = const_value(p);
    return v && *v > 0;
}

/// p = c * var + c0 with var in no monomial of c or c0; nullopt if p is not linear in var.
std::optional<std::pair<Poly, Poly>> split_linear(const Poly &p, const std::string &var) {
    Poly c, c0;
    for (const auto &[m, coef] : p) {
        const auto n = std::count(m.begin(), m.end(), var);
        if (n == 0) {
            c0[m] += coef;
        } else if (n == 1) {
            Monomial rest;
            for (const auto &s : m)
                if (s != var) rest.push_back(s);
            c[rest] += coef;
        } else {
            return std::nullopt;
        }
    }
    return std::make_pair(c, c0);
}

// ------------------------------------------------------------------ index regions
/// The positions one dimension of an index covers in iteration i: [c*i + lo, c*i + hi].
struct Dim {
    enum Kind { All, Affine, Unknown } kind = Unknown;
    Poly c, lo, hi;
    bool single = false;
    /// +1 / -1 when the region moves up / down with i and never overlaps itself across iterations.
    int sign = 0;
};

/// One access of a result variable in the body.
struct Access {
    std::vector<Dim> dims; ///< empty: the whole variable
    SourceLoc loc;
    bool write = false;
};

class LoopAnalysis {
public:
    LoopAnalysis(For &loop, bool check) : loop_(loop), check_(check) {}

    void run() {
        collect(loop_.body);
        dmin_ = spacing();
        State st;
        st.defined.insert(loop_.var);
        block(loop_.body, st, true);
        for (auto &[name, list] : accesses_) {
            bool written = false;
            for (const auto &a : list) written = written || a.write;
            if (written) loop_.result_vars.push_back(name);
        }
        if (!check_) return;
        for (const auto &[name, list] : accesses_) check_accesses(name, list);
    }

private:
    struct State {
        std::set<std::string> defined; ///< definitely assigned in this iteration so far
    };

    // ---- what the body assigns
    void collect(const Block &b) {
        for (const auto &s : b) {
            switch (s->kind) {
            case StmtKind::Assign:
                for (const auto &t : static_cast<const Assign &>(*s).targets) {
                    if (t.indexed) {
                        indexed_.insert(t.name);
                    } else {
                        assigned_.insert(t.name);
                        first_write_.emplace(t.name, t.loc);
                    }
                }
                break;
            case StmtKind::If:
                collect(static_cast<const If &>(*s).then_body);
                collect(static_cast<const If &>(*s).else_body);
                break;
            case StmtKind::For: {
                const auto &f = static_cast<const For &>(*s);
                assigned_.insert(f.var);
                first_write_.emplace(f.var, f.var_loc);
                collect(f.body);
                break;
            }
            case StmtKind::While:
                collect(static_cast<const While &>(*s).body);
                break;
            default:
                break;
            }
        }
    }

    /// The smallest distance between two iteration values, when it is a known constant.
    std::optional<double> spacing() const {
        if (!loop_.incr) return 1.0;
        const Expr *e = loop_.incr.get();
        double sign = 1;
        if (e->kind == ExprKind::Unary && static_cast<const Unary &>(*e).op == UnaryOp::Neg) {
            sign = -1;
            e = static_cast<const Unary &>(*e).operand.get();
        }
        if (e->kind == ExprKind::IntLit)
            return std::abs(sign * static_cast<double>(static_cast<const IntLit &>(*e).value));
        if (e->kind == ExprKind::DoubleLit) return std::abs(sign * static_cast<const DoubleLit &>(*e).value);
        return std::nullopt;
    }

    void violation(const SourceLoc &loc, const std::string &msg) {
        if (check_) error(loc, "parfor loop dependency: " + msg + " (or disable the check with check=0)");
    }

    void carried(const std::string &name, const SourceLoc &loc) {
        auto w = first_write_.find(name);
        violation(loc, "'" + name + "' is used here before this iteration assigns it (assigned at " +
                           (w == first_write_.end() ? std::string("?") : at(w->second)) +
                           "), so it carries a value from an earlier iteration");
    }

    // ---- statements
    void block(const Block &b, State &st, bool top) {
        for (const auto &s : b) stmt(*s, st, top);
    }

    void stmt(const Stmt &s, State &st, bool top) {
        switch (s.kind) {
        case StmtKind::Assign: {
            const auto &a = static_cast<const Assign &>(s);
            expr(*a.value, st);
            std::optional<Poly> value_poly;
            const bool simple = top && a.targets.size() == 1 && !a.multi && !a.accumulate;
            if (simple) value_poly = affine(*a.value, st);
            for (const auto &t : a.targets) {
                if (t.indexed) {
                    range_exprs(t.rows, st);
                    range_exprs(t.cols, st);
                    if (st.defined.count(t.name)) continue; // a variable of this iteration
                    if (assigned_.count(t.name)) {
                        carried(t.name, t.loc);
                        continue;
                    }
                    Access w{region(t.rows, t.cols, t.has_cols, st), t.loc, true};
                    if (a.accumulate) accesses_[t.name].push_back(Access{w.dims, t.loc, false});
                    accesses_[t.name].push_back(std::move(w));
                } else {
                    if (a.accumulate) read_var(t.name, t.loc, st);
                    st.defined.insert(t.name);
                    subst_[t.name] = simple ? value_poly : std::nullopt;
                }
            }
            break;
        }
        case StmtKind::ExprStmt:
            expr(*static_cast<const ExprStmt &>(s).expr, st);
            break;
        case StmtKind::If: {
            const auto &i = static_cast<const If &>(s);
            expr(*i.cond, st);
            State t = st, e = st;
            block(i.then_body, t, false);
            block(i.else_body, e, false);
            std::set<std::string> both;
            for (const auto &n : t.defined)
                if (e.defined.count(n)) both.insert(n);
            st.defined = std::move(both);
            break;
        }
        case StmtKind::For: {
            const auto &f = static_cast<const For &>(s);
            expr(*f.from, st);
            expr(*f.to, st);
            if (f.incr) expr(*f.incr, st);
            for (const auto &o : f.options) expr(*o.value, st);
            State inner = st;
            inner.defined.insert(f.var);
            subst_[f.var] = std::nullopt;
            block(f.body, inner, false);
            break;
        }
        case StmtKind::While: {
            const auto &w = static_cast<const While &>(s);
            expr(*w.cond, st);
            State inner = st;
            block(w.body, inner, false);
            break;
        }
        case StmtKind::FunctionDefStmt:
            break;
        }
    }

    // ---- reads
    void read_var(const std::string &name, const SourceLoc &loc, State &st) {
        if (st.defined.count(name)) return;
        if (assigned_.count(name)) {
            carried(name, loc);
        } else if (indexed_.count(name)) {
            accesses_[name].push_back(Access{{}, loc, false});
        }
    }

    static bool is_metadata_call(const Call &c) {
        return c.target == CallTarget::Builtin && c.ns.empty() &&
               (c.name == "nrow" || c.name == "ncol" || c.name == "length") && c.args.size() == 1 &&
               c.args[0].name.empty() && c.args[0].value->kind == ExprKind::Ident;
    }

    void range_exprs(const IndexRange &r, State &st) {
        if (r.lower) expr(*r.lower, st);
        if (r.upper) expr(*r.upper, st);
    }

    void expr(const Expr &e, State &st) {
        switch (e.kind) {
        case ExprKind::IntLit:
        case ExprKind::DoubleLit:
        case ExprKind::BoolLit:
        case ExprKind::StringLit:
            return;
        case ExprKind::Ident:
            read_var(static_cast<const Ident &>(e).name, e.loc, st);
            return;
        case ExprKind::Unary:
            expr(*static_cast<const Unary &>(e).operand, st);
            return;
        case ExprKind::Binary:
            expr(*static_cast<const Binary &>(e).lhs, st);
            expr(*static_cast<const Binary &>(e).rhs, st);
            return;
        case ExprKind::Index: {
            const auto &ix = static_cast<const Index &>(e);
            range_exprs(ix.rows, st);
            range_exprs(ix.cols, st);
            if (ix.target->kind != ExprKind::Ident) {
                expr(*ix.target, st);
                return;
            }
            const std::string &name = static_cast<const Ident &>(*ix.target).name;
            if (st.defined.count(name)) return;
            if (assigned_.count(name)) {
                carried(name, ix.target->loc);
            } else if (indexed_.count(name)) {
                accesses_[name].push_back(Access{region(ix.rows, ix.cols, ix.has_cols, st), ix.loc, false});
            }
            return;
        }
        case ExprKind::Call: {
            const auto &c = static_cast<const Call &>(e);
            if (is_metadata_call(c)) {
                // The dimensions of a result variable do not change: nrow(R) is not a read of its cells.
                const auto &name = static_cast<const Ident &>(*c.args[0].value).name;
                if (!st.defined.count(name) && assigned_.count(name)) carried(name, c.args[0].value->loc);
                return;
            }
            for (const auto &a : c.args) expr(*a.value, st);
            return;
        }
        }
    }

    // ---- index analysis
    /// Whether `e` has the same value in every iteration (mentions nothing the body changes).
    bool invariant(const Expr &e) const {
        switch (e.kind) {
        case ExprKind::IntLit:
        case ExprKind::DoubleLit:
        case ExprKind::BoolLit:
        case ExprKind::StringLit:
            return true;
        case ExprKind::Ident: {
            const auto &n = static_cast<const Ident &>(e).name;
            return n != loop_.var && !assigned_.count(n) && !indexed_.count(n) && !subst_.count(n);
        }
        case ExprKind::Unary:
            return invariant(*static_cast<const Unary &>(e).operand);
        case ExprKind::Binary:
            return invariant(*static_cast<const Binary &>(e).lhs) &&
                   invariant(*static_cast<const Binary &>(e).rhs);
        case ExprKind::Index:
            return false;
        case ExprKind::Call: {
            const auto &c = static_cast<const Call &>(e);
            if (c.target != CallTarget::Builtin || !builtin(c.builtin_id).deterministic) return false;
            if (is_metadata_call(c)) {
                const auto &n = static_cast<const Ident &>(*c.args[0].value).name;
                return !assigned_.count(n) && !subst_.count(n);
            }
            for (const auto &a : c.args)
                if (!invariant(*a.value)) return false;
            return true;
        }
        }
        return false;
    }

    /// A structural key of an expression, naming an opaque loop-invariant value such as nrow(X).
    static std::string key(const Expr &e) {
        switch (e.kind) {
        case ExprKind::IntLit:
            return std::to_string(static_cast<const IntLit &>(e).value);
        case ExprKind::DoubleLit:
            return std::to_string(static_cast<const DoubleLit &>(e).value);
        case ExprKind::BoolLit:
            return static_cast<const BoolLit &>(e).value ? "TRUE" : "FALSE";
        case ExprKind::StringLit:
            return "\"" + static_cast<const StringLit &>(e).value + "\"";
        case ExprKind::Ident:
            return static_cast<const Ident &>(e).name;
        case ExprKind::Unary:
            return std::string("(") + to_string(static_cast<const Unary &>(e).op) +
                   key(*static_cast<const Unary &>(e).operand) + ")";
        case ExprKind::Binary: {
            const auto &b = static_cast<const Binary &>(e);
            return "(" + key(*b.lhs) + to_string(b.op) + key(*b.rhs) + ")";
        }
        case ExprKind::Call: {
            const auto &c = static_cast<const Call &>(e);
            std::string s = c.name + "(";
            for (const auto &a : c.args) s += (a.name.empty() ? "" : a.name + "=") + key(*a.value) + ",";
            return s + ")";
        }
        case ExprKind::Index:
            return "?";
        }
        return "?";
    }

    /// The value of `e` as a polynomial in the loop variable and loop-invariant names, if it is one.
    std::optional<Poly> affine(const Expr &e, const State &st) const {
        switch (e.kind) {
        case ExprKind::IntLit:
            return constant(static_cast<double>(static_cast<const IntLit &>(e).value));
        case ExprKind::DoubleLit:
            return constant(static_cast<const DoubleLit &>(e).value);
        case ExprKind::Ident: {
            const auto &n = static_cast<const Ident &>(e).name;
            if (auto it = subst_.find(n); it != subst_.end() && st.defined.count(n)) return it->second;
            if (n == loop_.var) return symbol(n);
            if (assigned_.count(n) || indexed_.count(n)) return std::nullopt;
            return symbol(n);
        }
        case ExprKind::Unary: {
            const auto &u = static_cast<const Unary &>(e);
            if (u.op == UnaryOp::Not) break;
            auto p = affine(*u.operand, st);
            if (!p) return std::nullopt;
            return u.op == UnaryOp::Neg ? scale(*p, -1.0) : *p;
        }
        case ExprKind::Binary: {
            const auto &b = static_cast<const Binary &>(e);
            if (b.op != BinaryOp::Add && b.op != BinaryOp::Sub && b.op != BinaryOp::Mul &&
                b.op != BinaryOp::Div)
                break;
            auto l = affine(*b.lhs, st), r = affine(*b.rhs, st);
            if (!l || !r) break;
            if (b.op == BinaryOp::Add) return add(*l, *r);
            if (b.op == BinaryOp::Sub) return add(*l, *r, -1.0);
            if (b.op == BinaryOp::Mul) return mul(*l, *r);
            if (auto d = const_value(*r); d && *d != 0) return scale(*l, 1.0 / *d);
            break;
        }
        default:
            break;
        }
        if (invariant(e)) return symbol("{" + key(e) + "}");
        return std::nullopt;
    }

    Dim dim(const IndexRange &r, const State &st) const {
        Dim d;
        if (r.all()) {
            d.kind = Dim::All;
            return d;
        }
        if (!r.lower || (r.is_range && !r.upper)) return d;
        auto lo = affine(*r.lower, st);
        auto hi = r.is_range ? affine(*r.upper, st) : lo;
        if (!lo || !hi) return d;
        auto l = split_linear(*lo, loop_.var), h = split_linear(*hi, loop_.var);
        if (!l || !h || l->first != h->first) return d;
        d.kind = Dim::Affine;
        d.c = l->first;
        d.lo = l->second;
        d.hi = h->second;
        d.single = !r.is_range;
        if (d.c.empty()) return d;
        if (dmin_) {
            const Poly step = scale(d.c, *dmin_);
            const Poly width = add(d.hi, d.lo, -1.0);
            if (positive_constant(add(step, width, -1.0)))
                d.sign = 1;
            else if (positive_constant(add(scale(step, -1.0), width, -1.0)))
                d.sign = -1;
        } else if (auto cv = const_value(d.c); cv && d.single) {
            d.sign = *cv > 0 ? 1 : -1;
        }
        return d;
    }

    std::vector<Dim> region(const IndexRange &rows, const IndexRange &cols, bool has_cols,
                            const State &st) const {
        std::vector<Dim> out{dim(rows, st)};
        if (has_cols) out.push_back(dim(cols, st));
        return out;
    }

    /// Whether dimension a (in one iteration) and b (in any other iteration) never meet.
    bool disjoint(const Dim &a, const Dim &b) const {
        if (a.kind != Dim::Affine || b.kind != Dim::Affine || a.sign == 0 || a.sign != b.sign || a.c != b.c)
            return false;
        if (!dmin_) return a.single && b.single && a.lo == b.lo;
        const Poly step = scale(a.c, *dmin_ * a.sign);
        if (a.sign > 0)
            return positive_constant(add(add(step, b.lo), a.hi, -1.0)) &&
                   positive_constant(add(add(step, a.lo), b.hi, -1.0));
        return positive_constant(add(add(step, a.lo), b.hi, -1.0)) &&
               positive_constant(add(add(step, b.lo), a.hi, -1.0));
    }

    bool separated(const Access &a, const Access &b) const {
        if (a.dims.empty() || b.dims.empty() || a.dims.size() != b.dims.size()) return false;
        for (size_t k = 0; k < a.dims.size(); ++k)
            if (disjoint(a.dims[k], b.dims[k])) return true;
        return false;
    }

    void check_accesses(const std::string &name, const std::vector<Access> &list) {
        std::vector<const Access *> writes, reads;
        for (const auto &a : list) (a.write ? writes : reads).push_back(&a);
        if (writes.empty()) return;
        for (size_t i = 0; i < writes.size(); ++i)
            for (size_t j = 0; j <= i; ++j)
                if (!separated(*writes[j], *writes[i]))
                    violation(writes[i]->loc,
                              "different iterations may write the same cells of '" + name + "'" +
                                  (i == j ? std::string() : " (also written at " + at(writes[j]->loc) + ")") +
                                  "; index it by the loop variable '" + loop_.var +
                                  "' so that iterations write disjoint parts");
        for (const Access *r : reads)
            for (const Access *w : writes) {
                if (r->dims.empty())
                    violation(r->loc,
                              "'" + name +
                                  "' is read as a whole here while iterations write parts of it (at " +
                                  at(w->loc) + ")");
                if (!separated(*r, *w))
                    violation(r->loc, "this iteration reads cells of '" + name +
                                          "' that another iteration may write (at " + at(w->loc) + ")");
            }
    }

    For &loop_;
    bool check_;
    std::optional<double> dmin_;
    std::set<std::string>
        assigned_; ///< assigned as a whole somewhere in the body (incl. nested loop variables)
    std::set<std::string> indexed_; ///< left-indexed somewhere in the body
    std::map<std::string, SourceLoc> first_write_;
    std::map<std::string, std::optional<Poly>> subst_; ///< values of the iteration's scalars, where known
    std::map<std::string, std::vector<Access>> accesses_;
};

// ------------------------------------------------------------------ options
const std::set<std::string> kOptionNames = {
    "check",       "par", "mode", "taskpartitioner", "tasksize", "datapartitioner",
    "resultmerge", "opt", "log",  "profile"};
const std::set<std::string> kPartitioners = {"FIXED",     "NAIVE",          "STATIC",
                                             "FACTORING", "FACTORING_CMIN", "FACTORING_CMAX"};

/// Checks the options of one parfor; returns the value of `check`.
bool check_options(const For &f) {
    bool check = true;
    std::set<std::string> seen;
    for (const auto &o : f.options) {
        if (!kOptionNames.count(o.name)) {
            std::string valid;
            for (const auto &n : kOptionNames) valid += (valid.empty() ? "" : ", ") + n;
            error(o.loc, "unknown parfor option '" + o.name + "' (options: " + valid + ")");
        }
        if (!seen.insert(o.name).second) error(o.loc, "parfor option '" + o.name + "' is given twice");
        const Expr &v = *o.value;
        if (o.name == "check") {
            if (v.kind == ExprKind::IntLit &&
                (static_cast<const IntLit &>(v).value == 0 || static_cast<const IntLit &>(v).value == 1))
                check = static_cast<const IntLit &>(v).value == 1;
            else if (v.kind == ExprKind::BoolLit)
                check = static_cast<const BoolLit &>(v).value;
            else
                error(v.loc, "parfor option 'check' must be 0 or 1");
        } else if (o.name == "par" || o.name == "tasksize") {
            if (v.kind == ExprKind::StringLit)
                error(v.loc, "parfor option '" + o.name + "' must be a number");
        } else {
            if (v.kind != ExprKind::StringLit)
                error(v.loc, "parfor option '" + o.name + "' must be a name (e.g. " +
                                 (o.name == "taskpartitioner" ? "FACTORING"
                                  : o.name == "mode"          ? "LOCAL"
                                                              : "NONE") +
                                 ")");
            const std::string &s = static_cast<const StringLit &>(v).value;
            if (o.name == "taskpartitioner" && !kPartitioners.count(s)) {
                std::string valid;
                for (const auto &n : kPartitioners) valid += (valid.empty() ? "" : ", ") + n;
                error(v.loc, "unknown parfor task partitioner '" + s + "' (one of: " + valid + ")");
            }
        }
    }
    return check;
}

void visit_block(Block &b);

void visit_stmt(Stmt &s) {
    switch (s.kind) {
    case StmtKind::If:
        visit_block(static_cast<If &>(s).then_body);
        visit_block(static_cast<If &>(s).else_body);
        break;
    case StmtKind::While:
        visit_block(static_cast<While &>(s).body);
        break;
    case StmtKind::For: {
        auto &f = static_cast<For &>(s);
        if (f.parfor) {
            const bool check = check_options(f);
            f.result_vars.clear();
            LoopAnalysis(f, check).run();
        }
        visit_block(f.body);
        break;
    }
    default:
        break;
    }
}

void visit_block(Block &b) {
    for (auto &s : b) visit_stmt(*s);
}

} // namespace

void check_parfor_loops(ast::Program &prog) {
    visit_block(prog.body);
    for (auto &[key, ns] : prog.namespaces)
        for (auto &[name, fn] : ns.functions) visit_block(fn->body);
}

} // namespace linea
