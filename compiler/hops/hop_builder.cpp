#include "compiler/hops/hop_builder.h"

#include "compiler/hops/infer.h"
#include "runtime/io/matrix_io.h"

#include "language/builtins.h"
#include "language/validator.h"
#include "runtime/util/text.h"

#include <algorithm>
#include <map>
#include <set>

namespace linea::hops {

namespace {

using namespace ast;

[[noreturn]] void error(const SourceLoc &loc, const std::string &msg) {
    throw DmlError(ErrorKind::Validate, loc, msg);
}

/// Frames support casts, indexing, binds, printing and I/O only: any other operator on a frame is
/// rejected at compile time, naming the operator.
void reject_frames(const std::vector<Hop *> &in, const std::string &op, const SourceLoc &loc) {
    for (const Hop *x : in)
        if (x->data_type == DataType::Frame)
            throw DmlError(ErrorKind::NotSupported, loc,
                           "'" + op + "' on a frame is not supported (convert it with as.matrix first)");
}

/// The comparison named by ppred's operator string ("<", ">=", "==", ...), or nullopt.
std::optional<ast::BinaryOp> ppred_op(const std::string &op) {
    static const std::map<std::string, ast::BinaryOp> ops = {
        {"<", ast::BinaryOp::Lt},  {"<=", ast::BinaryOp::Le}, {">", ast::BinaryOp::Gt},
        {">=", ast::BinaryOp::Ge}, {"==", ast::BinaryOp::Eq}, {"!=", ast::BinaryOp::Ne}};
    auto it = ops.find(op);
    return it == ops.end() ? std::nullopt : std::optional<ast::BinaryOp>(it->second);
}

/// What the compiler knows about a variable between blocks.
struct VarInfo {
    DataType data_type = DataType::Unknown;
    ValueType value_type = ValueType::Unknown;
    std::optional<int64_t> rows, cols, nnz;
    bool definite = true; ///< assigned on every path to this point (else only on some)
};
using TypeEnv = std::map<std::string, VarInfo>;

const char *binary_opcode(ast::BinaryOp op) {
    switch (op) {
    case ast::BinaryOp::Pow:
        return "^";
    case ast::BinaryOp::MatMul:
        return "ba+*";
    case ast::BinaryOp::IntDiv:
        return "%/%";
    case ast::BinaryOp::Mod:
        return "%%";
    case ast::BinaryOp::Mul:
        return "*";
    case ast::BinaryOp::Div:
        return "/";
    case ast::BinaryOp::Add:
        return "+";
    case ast::BinaryOp::Sub:
        return "-";
    case ast::BinaryOp::Lt:
        return "<";
    case ast::BinaryOp::Le:
        return "<=";
    case ast::BinaryOp::Gt:
        return ">";
    case ast::BinaryOp::Ge:
        return ">=";
    case ast::BinaryOp::Eq:
        return "==";
    case ast::BinaryOp::Ne:
        return "!=";
    case ast::BinaryOp::And:
        return "&&";
    case ast::BinaryOp::Or:
        return "||";
    }
    return "?";
}

kernels::BinaryOp kernel_binary(ast::BinaryOp op) {
    using K = kernels::BinaryOp;
    switch (op) {
    case ast::BinaryOp::Pow:
        return K::Pow;
    case ast::BinaryOp::IntDiv:
        return K::IntDiv;
    case ast::BinaryOp::Mod:
        return K::Mod;
    case ast::BinaryOp::Mul:
        return K::Mul;
    case ast::BinaryOp::Div:
        return K::Div;
    case ast::BinaryOp::Add:
        return K::Add;
    case ast::BinaryOp::Sub:
        return K::Sub;
    case ast::BinaryOp::Lt:
        return K::Lt;
    case ast::BinaryOp::Le:
        return K::Le;
    case ast::BinaryOp::Gt:
        return K::Gt;
    case ast::BinaryOp::Ge:
        return K::Ge;
    case ast::BinaryOp::Eq:
        return K::Eq;
    case ast::BinaryOp::Ne:
        return K::Ne;
    case ast::BinaryOp::And:
        return K::And;
    case ast::BinaryOp::Or:
        return K::Or;
    case ast::BinaryOp::MatMul:
        break;
    }
    return K::Add;
}

struct UnaryEntry {
    std::string_view name;
    kernels::UnaryOp op;
};
const UnaryEntry kUnary[] = {
    {"abs", kernels::UnaryOp::Abs},           {"exp", kernels::UnaryOp::Exp},
    {"log", kernels::UnaryOp::Log},           {"sqrt", kernels::UnaryOp::Sqrt},
    {"round", kernels::UnaryOp::Round},       {"floor", kernels::UnaryOp::Floor},
    {"ceil", kernels::UnaryOp::Ceil},         {"sign", kernels::UnaryOp::Sign},
    {"sin", kernels::UnaryOp::Sin},           {"cos", kernels::UnaryOp::Cos},
    {"tan", kernels::UnaryOp::Tan},           {"asin", kernels::UnaryOp::Asin},
    {"acos", kernels::UnaryOp::Acos},         {"atan", kernels::UnaryOp::Atan},
    {"sinh", kernels::UnaryOp::Sinh},         {"cosh", kernels::UnaryOp::Cosh},
    {"tanh", kernels::UnaryOp::Tanh},         {"sigmoid", kernels::UnaryOp::Sigmoid},
    {"is.na", kernels::UnaryOp::IsNA},        {"is.nan", kernels::UnaryOp::IsNaN},
    {"is.infinite", kernels::UnaryOp::IsInf},
};

struct AggEntry {
    std::string_view name;
    kernels::AggOp op;
    kernels::AggDir dir;
};
const AggEntry kAgg[] = {
    {"sum", kernels::AggOp::Sum, kernels::AggDir::All},
    {"mean", kernels::AggOp::Mean, kernels::AggDir::All},
    {"prod", kernels::AggOp::Prod, kernels::AggDir::All},
    {"var", kernels::AggOp::Var, kernels::AggDir::All},
    {"sd", kernels::AggOp::Sd, kernels::AggDir::All},
    {"trace", kernels::AggOp::Trace, kernels::AggDir::All},
    {"rowSums", kernels::AggOp::Sum, kernels::AggDir::Row},
    {"colSums", kernels::AggOp::Sum, kernels::AggDir::Col},
    {"rowMeans", kernels::AggOp::Mean, kernels::AggDir::Row},
    {"colMeans", kernels::AggOp::Mean, kernels::AggDir::Col},
    {"rowMaxs", kernels::AggOp::Max, kernels::AggDir::Row},
    {"colMaxs", kernels::AggOp::Max, kernels::AggDir::Col},
    {"rowMins", kernels::AggOp::Min, kernels::AggDir::Row},
    {"colMins", kernels::AggOp::Min, kernels::AggDir::Col},
    {"rowProds", kernels::AggOp::Prod, kernels::AggDir::Row},
    {"colProds", kernels::AggOp::Prod, kernels::AggDir::Col},
    {"rowVars", kernels::AggOp::Var, kernels::AggDir::Row},
    {"colVars", kernels::AggOp::Var, kernels::AggDir::Col},
    {"rowSds", kernels::AggOp::Sd, kernels::AggDir::Row},
    {"colSds", kernels::AggOp::Sd, kernels::AggDir::Col},
    {"rowIndexMax", kernels::AggOp::IndexMax, kernels::AggDir::Row},
    {"rowIndexMin", kernels::AggOp::IndexMin, kernels::AggDir::Row},
};

void set_scalar(Hop *h, ValueType vt) {
    h->data_type = DataType::Scalar;
    h->value_type = vt;
}
void set_matrix(Hop *h, std::optional<int64_t> r, std::optional<int64_t> c) {
    h->data_type = DataType::Matrix;
    h->value_type = ValueType::Double;
    h->rows = r;
    h->cols = c;
}

/// Builds the DAG of one basic block.
class DagBuilder {
public:
    DagBuilder(HopDag &dag, TypeEnv &env) : dag_(dag), env_(env) {}

    Hop *expr(const Expr &e) {
        switch (e.kind) {
        case ExprKind::IntLit:
            return literal(Value(static_cast<const IntLit &>(e).value), e.loc);
        case ExprKind::DoubleLit:
            return literal(Value(static_cast<const DoubleLit &>(e).value), e.loc);
        case ExprKind::BoolLit:
            return literal(Value(static_cast<const BoolLit &>(e).value), e.loc);
        case ExprKind::StringLit:
            return literal(Value(static_cast<const StringLit &>(e).value), e.loc);
        case ExprKind::Ident:
            return read_var(static_cast<const Ident &>(e).name, e.loc);
        case ExprKind::Unary:
            return unary(static_cast<const Unary &>(e));
        case ExprKind::Binary:
            return binary(static_cast<const Binary &>(e));
        case ExprKind::Index:
            return index(static_cast<const Index &>(e));
        case ExprKind::Call:
            return call(static_cast<const Call &>(e), 1).front();
        }
        error(e.loc, "internal error: unknown expression kind");
    }

    void stmt(const Stmt &s) {
        if (s.kind == StmtKind::ExprStmt) {
            const auto &es = static_cast<const ExprStmt &>(s);
            if (es.expr->kind == ExprKind::Call)
                call(static_cast<const Call &>(*es.expr), 0);
            else
                expr(*es.expr);
            return;
        }
        const auto &a = static_cast<const Assign &>(s);
        if (a.targets.size() > 1 || a.multi) {
            std::vector<Hop *> outs =
                call(static_cast<const Call &>(*a.value), static_cast<int>(a.targets.size()));
            for (size_t i = 0; i < a.targets.size(); ++i) {
                if (a.targets[i].indexed)
                    error(a.targets[i].loc, "left indexing is not allowed in a multi-assignment");
                assign(a.targets[i].name, outs[i]);
            }
            return;
        }
        const LValue &t = a.targets.front();
        Hop *v = expr(*a.value);
        if (!t.indexed) {
            if (a.accumulate) v = make_binary(ast::BinaryOp::Add, read_var(t.name, t.loc), v, a.loc);
            assign(t.name, v);
            return;
        }
        if (a.accumulate) error(a.loc, "'+=' cannot be combined with left indexing");
        Hop *target = read_var(t.name, t.loc);
        if (target->data_type == DataType::Frame)
            throw DmlError(ErrorKind::NotSupported, t.loc,
                           "left indexing of a frame (" + t.name + "[...] = ...) is not supported yet");
        std::vector<Hop *> in{target, v};
        IndexDim rd = dim(t.rows, in), cd = dim(t.cols, in);
        Hop *h = dag_.make(HopKind::LeftIndex, "leftIndex", in, t.loc);
        h->rows_dim = rd;
        h->cols_dim = cd;
        h->has_cols = t.has_cols;
        h->data_type = target->data_type;
        infer(h);
        assign(t.name, h);
    }

    /// Adds TWrites for every variable assigned in the block (after all other roots).
    void finish() {
        order_reads();
        for (const auto &name : assign_order_) {
            Hop *v = vars_.at(name);
            if (v->kind == HopKind::TRead && v->var == name) continue; // x = x
            Hop *w = dag_.make(HopKind::TWrite, "TWrite", {v}, v->loc);
            w->var = name;
            w->data_type = v->data_type;
            w->value_type = v->value_type;
            w->rows = v->rows;
            w->cols = v->cols;
            dag_.roots.push_back(w);
            env_[name] = VarInfo{v->data_type, v->value_type, v->rows, v->cols, v->nnz};
        }
    }

private:
    Hop *literal(Value v, const SourceLoc &loc) {
        Hop *h = dag_.make(HopKind::Literal, "lit", {}, loc);
        set_scalar(h, v.value_type());
        h->literal = std::move(v);
        return h;
    }

    Hop *read_var(const std::string &name, const SourceLoc &loc) {
        auto it = vars_.find(name);
        if (it != vars_.end()) return it->second;
        auto rt = treads_.find(name);
        if (rt != treads_.end()) return rt->second;
        Hop *h = dag_.make(HopKind::TRead, "TRead", {}, loc);
        h->var = name;
        auto e = env_.find(name);
        if (e != env_.end()) {
            h->data_type = e->second.data_type;
            h->value_type = e->second.value_type;
            h->rows = e->second.rows;
            h->cols = e->second.cols;
            h->nnz = e->second.nnz;
        }
        treads_[name] = h;
        return h;
    }

    void assign(const std::string &name, Hop *v) {
        if (!vars_.count(name)) assign_order_.push_back(name);
        vars_[name] = v;
    }

    Hop *unary(const Unary &u) {
        Hop *a = expr(*u.operand);
        if (u.op == ast::UnaryOp::Plus) return a;
        bool neg = u.op == ast::UnaryOp::Neg;
        reject_frames({a}, neg ? "-" : "!", u.loc);
        Hop *h = dag_.make(HopKind::Unary, neg ? "u-" : "!", {a}, u.loc);
        h->unary_op = neg ? kernels::UnaryOp::Neg : kernels::UnaryOp::Not;
        infer(h);
        return h;
    }

    Hop *make_binary(ast::BinaryOp op, Hop *a, Hop *b, const SourceLoc &loc) {
        reject_frames({a, b}, op == ast::BinaryOp::MatMul ? "%*%" : binary_opcode(op), loc);
        if (op == ast::BinaryOp::MatMul) {
            for (const Hop *x : {a, b})
                if (x->data_type == DataType::Scalar || x->data_type == DataType::List)
                    error(x->loc, std::string("%*% needs matrices, but this operand is a ") +
                                      to_string(x->data_type));
            Hop *h = dag_.make(HopKind::MatMult, "ba+*", {a, b}, loc);
            infer(h);
            return h;
        }
        Hop *h = dag_.make(HopKind::Binary, binary_opcode(op), {a, b}, loc);
        h->binary_op = kernel_binary(op);
        infer(h);
        return h;
    }

    Hop *binary(const Binary &b) { return make_binary(b.op, expr(*b.lhs), expr(*b.rhs), b.loc); }

    IndexDim dim(const IndexRange &r, std::vector<Hop *> &in) {
        IndexDim d;
        if (r.all()) return d;
        d.all = false;
        d.single = !r.is_range;
        in.push_back(expr(*r.lower));
        if (r.is_range) in.push_back(expr(*r.upper));
        return d;
    }

    Hop *index(const Index &ix) {
        Hop *target = expr(*ix.target);
        std::vector<Hop *> in{target};
        IndexDim rd = dim(ix.rows, in), cd = dim(ix.cols, in);
        Hop *h = dag_.make(HopKind::Index, "rightIndex", in, ix.loc);
        h->rows_dim = rd;
        h->cols_dim = cd;
        h->has_cols = ix.has_cols;
        infer(h);
        return h;
    }

    /// Builds a call; returns `outputs` hops (at least one; for statements possibly a dummy).
    std::vector<Hop *> call(const Call &c, int outputs) {
        if (c.target == CallTarget::Function) return function_call(c, outputs);
        if (c.target != CallTarget::Builtin)
            error(c.loc, "internal error: unresolved call to '" + c.name + "'");
        const BuiltinInfo &info = builtin(c.builtin_id);
        std::vector<std::string> names;
        std::vector<const Expr *> args = bind_builtin_args(info, c, &names);
        if (outputs > std::max(info.max_outputs, 1))
            error(c.loc, "'" + c.name + "' returns " + std::to_string(info.max_outputs) + " value(s) but " +
                             std::to_string(outputs) + " are assigned");
        if (info.probes_variable) return {probe_variable(c, info, *args[0], names)};
        switch (info.hop) {
        case BuiltinHop::Unary: {
            Hop *a = expr(*args[0]);
            reject_frames({a}, c.name, c.loc);
            if (args.size() > 1 && args[1]) {
                Hop *h = dag_.make(HopKind::Binary, "log", {a, expr(*args[1])}, c.loc);
                h->binary_op = kernels::BinaryOp::Log;
                infer(h);
                return {h};
            }
            Hop *h = dag_.make(HopKind::Unary, std::string(info.opcode), {a}, c.loc);
            for (const auto &u : kUnary)
                if (u.name == info.name) h->unary_op = u.op;
            infer(h);
            return {h};
        }
        case BuiltinHop::Aggregate: {
            Hop *a = expr(*args[0]);
            reject_frames({a}, c.name, c.loc);
            if (args.size() > 1 && args[1]) return {weighted_mean(a, expr(*args[1]), c.loc)};
            Hop *h = dag_.make(HopKind::Aggregate, std::string(info.opcode), {a}, c.loc);
            for (const auto &g : kAgg)
                if (g.name == info.name) {
                    h->agg_op = g.op;
                    h->agg_dir = g.dir;
                }
            infer(h);
            return {h};
        }
        case BuiltinHop::MinMax: {
            std::vector<Hop *> in;
            for (const Expr *e : args) in.push_back(expr(*e));
            reject_frames(in, c.name, c.loc);
            bool is_max = info.name == "max";
            if (in.size() == 1) {
                Hop *h = dag_.make(HopKind::Aggregate, is_max ? "uamax" : "uamin", in, c.loc);
                h->agg_op = is_max ? kernels::AggOp::Max : kernels::AggOp::Min;
                h->agg_dir = kernels::AggDir::All;
                set_scalar(h, ValueType::Double);
                return {h};
            }
            if (in.size() == 2) {
                Hop *h = dag_.make(HopKind::Binary, is_max ? "max" : "min", in, c.loc);
                h->binary_op = is_max ? kernels::BinaryOp::Max : kernels::BinaryOp::Min;
                infer(h);
                return {h};
            }
            Hop *h = dag_.make(HopKind::NaryMinMax, is_max ? "nmax" : "nmin", in, c.loc);
            h->is_max = is_max;
            infer(h);
            return {h};
        }
        case BuiltinHop::Reorg: {
            Hop *a = expr(*args[0]);
            reject_frames({a}, c.name, c.loc);
            Hop *h = dag_.make(HopKind::Reorg, std::string(info.opcode), {a}, c.loc);
            h->reorg_op = info.name == "t"     ? rt::ReorgOp::Transpose
                          : info.name == "rev" ? rt::ReorgOp::Rev
                                               : rt::ReorgOp::Diag;
            infer(h);
            return {h};
        }
        case BuiltinHop::Generic:
            break;
        }
        if (info.name == "ppred") return {ppred(c, args)};
        Hop *g = generic(c, info, args, names);
        if (info.max_outputs <= 1) return {g};
        // A multi-output builtin (eigen, qr, ...): one projection per output taken; assigning to one
        // variable binds the first output.
        std::vector<Hop *> outs;
        for (int k = 0; k < std::max(outputs, 1); ++k) {
            Hop *o = dag_.make(HopKind::FunctionOutput, "fout", {g}, c.loc);
            o->output_index = k;
            o->data_type = DataType::Unknown;
            outs.push_back(o);
        }
        return outs;
    }

    /// mean(X, W): the weighted mean sum(X * W) / sum(W) of a vector X with weights W of its shape.
    Hop *weighted_mean(Hop *x, Hop *w, const SourceLoc &loc) {
        reject_frames({w}, "mean", loc);
        for (const Hop *v : {x, w})
            if (v->is_scalar()) error(v->loc, "mean(X, W) needs matrices, but this operand is a scalar");
        auto sum = [&](Hop *in) {
            Hop *h = dag_.make(HopKind::Aggregate, "uak+", {in}, loc);
            h->agg_op = kernels::AggOp::Sum;
            h->agg_dir = kernels::AggDir::All;
            infer(h);
            return h;
        };
        return make_binary(ast::BinaryOp::Div, sum(make_binary(ast::BinaryOp::Mul, x, w, loc)), sum(w), loc);
    }

    /// ppred(A, B, "op"): SystemDS's older spelling of the comparison A op B (cell-wise, 0/1 result).
    Hop *ppred(const Call &c, const std::vector<const Expr *> &args) {
        const Expr &op = *args[2];
        if (op.kind != ExprKind::StringLit)
            throw DmlError(
                ErrorKind::NotSupported, op.loc,
                "ppred: the operator must be a string literal (\"<\", \"<=\", \">\", \">=\", \"==\" "
                "or \"!=\")");
        const std::optional<ast::BinaryOp> b = ppred_op(static_cast<const StringLit &>(op).value);
        if (!b)
            error(op.loc, "ppred: unknown operator '" + static_cast<const StringLit &>(op).value +
                              "' (expected <, <=, >, >=, == or !=)");
        return make_binary(*b, expr(*args[0]), expr(*args[1]), c.loc);
    }

    /// exists(x) / exists("x"): TRUE when x is assigned earlier in this block or on every path to it;
    /// otherwise a run-time check of x's slot, whose TRead makes it a read of x for every rewrite (so a
    /// merged or propagated assignment still answers it). A name computed at run time is looked up by
    /// name in the running function's frame (argument named "name").
    Hop *probe_variable(const Call &c, const BuiltinInfo &info, const Expr &arg,
                        const std::vector<std::string> &names) {
        if (arg.kind != ExprKind::Ident && arg.kind != ExprKind::StringLit)
            return generic(c, info, {&arg}, {"name"});
        const std::string &name = arg.kind == ExprKind::Ident ? static_cast<const Ident &>(arg).name
                                                              : static_cast<const StringLit &>(arg).value;
        auto e = env_.find(name);
        if (vars_.count(name) || (e != env_.end() && e->second.definite)) return literal(Value(true), c.loc);
        const Ident read(arg.loc, name);
        return generic(c, info, {&read}, names);
    }

    Hop *generic(const Call &c, const BuiltinInfo &info, const std::vector<const Expr *> &args,
                 const std::vector<std::string> &names) {
        std::vector<Hop *> in;
        std::vector<bool> present;
        for (size_t i = 0; i < args.size(); ++i) {
            if (args[i]) {
                in.push_back(expr(*args[i]));
                present.push_back(true);
            } else if (i < info.params.size() && info.params[i].default_value) {
                in.push_back(literal(*info.params[i].default_value, c.loc));
                present.push_back(true);
            } else {
                present.push_back(false);
            }
        }
        // append(A, B) of matrices or frames is cbind(A, B) (SystemDS's older spelling of cbind).
        const bool as_cbind =
            info.name == "append" && in.size() == 2 && std::any_of(in.begin(), in.end(), [](const Hop *x) {
                return x->is_matrix() || x->data_type == DataType::Frame;
            });
        const int id = as_cbind ? find_builtin("cbind") : c.builtin_id;
        const BuiltinInfo &use = builtin(id);
        Hop *h = dag_.make(HopKind::Builtin, std::string(use.opcode), in, c.loc);
        h->builtin_id = id;
        h->arg_names = as_cbind ? std::vector<std::string>(in.size()) : names;
        h->arg_present = present;
        h->side_effect = use.side_effect;
        h->num_outputs = use.max_outputs;
        generic_shape(h, use, in, present);
        if (h->side_effect) dag_.roots.push_back(h);
        if (h->opcode == "read") reads_.emplace_back(dag_.roots.size(), h);
        return h;
    }

    /// Input hop of parameter i of a generic builtin (nullptr when omitted).
    static Hop *param(const std::vector<Hop *> &in, const std::vector<bool> &present, size_t i) {
        if (i >= present.size() || !present[i]) return nullptr;
        size_t k = 0;
        for (size_t j = 0; j < i; ++j) k += present[j];
        return in[k];
    }

    static void generic_shape(Hop *h, const BuiltinInfo &info, const std::vector<Hop *> &in,
                              const std::vector<bool> &present) {
        switch (info.result) {
        case BuiltinResult::Matrix:
            set_matrix(h, std::nullopt, std::nullopt);
            break;
        case BuiltinResult::ScalarDouble:
            set_scalar(h, ValueType::Double);
            break;
        case BuiltinResult::ScalarInt:
            set_scalar(h, ValueType::Int);
            break;
        case BuiltinResult::ScalarBool:
            set_scalar(h, ValueType::Bool);
            break;
        case BuiltinResult::ScalarString:
            set_scalar(h, ValueType::String);
            break;
        case BuiltinResult::List:
            h->data_type = DataType::List;
            break;
        case BuiltinResult::Frame:
            h->data_type = DataType::Frame;
            h->value_type = ValueType::Unknown;
            if (!in.empty() && (in[0]->is_matrix() || in[0]->data_type == DataType::Frame)) {
                h->rows = in[0]->rows;
                h->cols = in[0]->cols;
            } else if (!in.empty() && in[0]->is_scalar()) {
                h->rows = 1;
                h->cols = 1;
            }
            break;
        default:
            break;
        }
        const std::string_view n = info.name;
        if (n == "read") {
            // Sizes from the .mtd beside a file named by a literal, as the run time will read them.
            Hop *f = param(in, present, 0);
            Hop *dt = param(in, present, 9);
            const bool frame = dt && dt->kind == HopKind::Literal && dt->literal.is_string() &&
                               dt->literal.as_string_unchecked() == "frame";
            if (frame) h->data_type = DataType::Frame;
            if (f && f->kind == HopKind::Literal && f->literal.is_string()) {
                try {
                    auto meta = io::read_mtd(f->literal.as_string_unchecked());
                    if (meta && meta->data_type == "matrix" && !dt) {
                        set_matrix(h, meta->rows, meta->cols);
                        if (meta->nnz && *meta->nnz >= 0) h->nnz = meta->nnz;
                    } else if (meta && meta->data_type == "frame" && (!dt || frame)) {
                        h->data_type = DataType::Frame;
                        h->rows = meta->rows;
                        h->cols = meta->cols;
                    }
                } catch (const std::exception &) {
                    // a malformed .mtd is reported when the read runs
                }
            }
        } else if (n == "matrix" || n == "rand") {
            Hop *r = param(in, present, n == "matrix" ? 1 : 0),
                *c = param(in, present, n == "matrix" ? 2 : 1);
            h->rows = r ? literal_int(r) : std::nullopt;
            h->cols = c ? literal_int(c) : std::nullopt;
            Hop *v = param(in, present, 0);
            if (n == "matrix" && v && v->kind == HopKind::Literal && v->literal.is_numeric_scalar() &&
                h->rows && h->cols)
                h->nnz =
                    v->literal.to_double() == 0.0 ? 0 : *h->rows * *h->cols; // a constant fill (NaN counts)
        } else if ((n == "cbind" || n == "rbind") && std::any_of(in.begin(), in.end(), [](const Hop *x) {
                       return x->data_type == DataType::Frame;
                   })) {
            h->data_type = DataType::Frame; // frames bind only with frames (checked when it runs)
            h->value_type = ValueType::Unknown;
        } else if (n == "cbind" || n == "rbind") {
            bool col = n == "cbind";
            std::optional<int64_t> same = in.empty() ? std::nullopt : (col ? in[0]->rows : in[0]->cols);
            std::optional<int64_t> total = 0;
            for (Hop *x : in) {
                if (!x->is_matrix()) {
                    total.reset();
                    same.reset();
                    break;
                }
                auto e = col ? x->cols : x->rows;
                if (total && e)
                    *total += *e;
                else
                    total.reset();
            }
            h->rows = col ? same : total;
            h->cols = col ? total : same;
        } else if (n == "solve" && in.size() == 2) {
            h->rows = in[1]->rows;
            h->cols = in[1]->cols;
        } else if (n == "as.matrix" && !in.empty() && in[0]->is_scalar()) {
            h->rows = 1;
            h->cols = 1;
        } else if (n == "as.scalar" && !in.empty()) {
            // a frame cell has its column's type, known only when it runs
            set_scalar(h, in[0]->is_scalar()                    ? in[0]->value_type
                          : in[0]->data_type == DataType::Frame ? ValueType::Unknown
                                                                : ValueType::Double);
        } else if (n == "write" && !in.empty() && in[0]->data_type == DataType::Frame) {
            Hop *fmt = param(in, present, 2);
            if (fmt && fmt->kind == HopKind::Literal && fmt->literal.is_string() &&
                !iequals(fmt->literal.as_string_unchecked(), "csv"))
                throw DmlError(ErrorKind::NotSupported, fmt->loc,
                               "write: frames in format '" + fmt->literal.as_string_unchecked() +
                                   "' are not supported yet (use format=\"csv\")");
        } else if (n == "append" && !in.empty()) {
            // a list grows by one element; two scalars join as strings on separate lines
            if (in[0]->is_scalar())
                set_scalar(h, ValueType::String);
            else if (in[0]->data_type != DataType::List)
                h->data_type = DataType::Unknown;
        } else if (n == "ifelse" && in.size() == 3) {
            bool any_matrix = in[0]->is_matrix() || in[1]->is_matrix() || in[2]->is_matrix();
            if (any_matrix)
                set_matrix(h, std::nullopt, std::nullopt);
            else if (in[1]->is_scalar() && in[2]->is_scalar() && in[1]->value_type == in[2]->value_type)
                set_scalar(h, in[1]->value_type);
        }
    }

    std::vector<Hop *> function_call(const Call &c, int outputs) {
        const FunctionDef &fn = *c.function;
        std::vector<const Expr *> args = bind_function_args(fn, c);
        std::vector<Hop *> in;
        std::vector<bool> present;
        for (size_t i = 0; i < args.size(); ++i) {
            const Expr *e = args[i];
            present.push_back(e != nullptr);
            if (!e) continue;
            Hop *a = expr(*e);
            // Data types known at compile time must fit the declared parameter (value types convert).
            const DataType want = fn.params[i].data_type, got = a->data_type;
            if (want != DataType::Unknown && got != DataType::Unknown && want != got)
                error(e->loc, "argument '" + fn.params[i].name + "' of function '" + fn.name +
                                  "' must be a " + to_string(want) + " but is a " + to_string(got));
            in.push_back(a);
        }
        if (outputs > static_cast<int>(fn.returns.size()))
            error(c.loc, "function '" + fn.name + "' returns " + std::to_string(fn.returns.size()) +
                             " value(s) but " + std::to_string(outputs) + (outputs == 1 ? " is" : " are") +
                             " used");
        Hop *h = dag_.make(HopKind::FunctionCall, "fcall", in, c.loc);
        h->function = &fn;
        h->arg_present = present;
        h->num_outputs = static_cast<int>(fn.returns.size());
        h->side_effect = true;
        dag_.roots.push_back(h);
        std::vector<Hop *> outs;
        for (int k = 0; k < std::max(outputs, 1) && k < h->num_outputs; ++k) {
            Hop *o = dag_.make(HopKind::FunctionOutput, "fout", {h}, c.loc);
            o->output_index = k;
            o->data_type = fn.returns[k].data_type;
            o->value_type = fn.returns[k].value_type;
            if (o->data_type == DataType::Matrix) o->value_type = ValueType::Double;
            outs.push_back(o);
        }
        if (outs.empty()) outs.push_back(h);
        return outs;
    }

    /// File reads are pure, so the DAG alone would let a read run after a later `write` (or a call or
    /// eval, which may write) of the same block. When the block has such roots, each read becomes a root at
    /// its statement's place among them, so files are read and written in program order.
    void order_reads() {
        const bool writes = std::any_of(dag_.roots.begin(), dag_.roots.end(), [](const Hop *r) {
            return r->kind == HopKind::FunctionCall || r->opcode == "write" || r->opcode == "eval";
        });
        if (!writes || reads_.empty()) return;
        std::vector<Hop *> roots;
        roots.reserve(dag_.roots.size() + reads_.size());
        size_t next = 0;
        for (size_t i = 0; i <= dag_.roots.size(); ++i) {
            for (; next < reads_.size() && reads_[next].first == i; ++next)
                roots.push_back(reads_[next].second);
            if (i < dag_.roots.size()) roots.push_back(dag_.roots[i]);
        }
        dag_.roots = std::move(roots);
    }

    HopDag &dag_;
    TypeEnv &env_;
    std::map<std::string, Hop *> vars_;
    std::map<std::string, Hop *> treads_;
    std::vector<std::string> assign_order_;
    std::vector<std::pair<size_t, Hop *>> reads_; ///< each read with the number of roots before it
};

void collect_assigned(const Block &b, std::set<std::string> &out) {
    for (const auto &s : b) {
        if (s->kind == StmtKind::Assign)
            for (const auto &t : static_cast<const Assign &>(*s).targets) out.insert(t.name);
        else if (s->kind == StmtKind::If) {
            collect_assigned(static_cast<const If &>(*s).then_body, out);
            collect_assigned(static_cast<const If &>(*s).else_body, out);
        } else if (s->kind == StmtKind::For) {
            out.insert(static_cast<const For &>(*s).var);
            collect_assigned(static_cast<const For &>(*s).body, out);
        } else if (s->kind == StmtKind::While) {
            collect_assigned(static_cast<const While &>(*s).body, out);
        }
    }
}

/// Forgets sizes (and types that may change) of variables assigned inside a loop body.
void loosen(TypeEnv &env, const Block &body) {
    std::set<std::string> assigned;
    collect_assigned(body, assigned);
    for (const auto &n : assigned) {
        auto it = env.find(n);
        if (it == env.end()) continue;
        it->second.rows.reset();
        it->second.cols.reset();
        it->second.nnz.reset();
    }
}

/// Keeps what two control-flow paths agree on.
TypeEnv merge(const TypeEnv &a, const TypeEnv &b) {
    TypeEnv out;
    for (const auto &[n, x] : a) {
        auto it = b.find(n);
        if (it == b.end()) {
            out[n] = x;
            out[n].definite = false;
            continue;
        }
        const VarInfo &y = it->second;
        VarInfo m;
        m.data_type = x.data_type == y.data_type ? x.data_type : DataType::Unknown;
        m.value_type = x.value_type == y.value_type ? x.value_type : ValueType::Unknown;
        if (x.rows == y.rows) m.rows = x.rows;
        if (x.cols == y.cols) m.cols = x.cols;
        if (x.nnz == y.nnz) m.nnz = x.nnz;
        m.definite = x.definite && y.definite;
        out[n] = m;
    }
    for (const auto &[n, y] : b) {
        if (out.count(n)) continue;
        out[n] = y;
        out[n].definite = false;
    }
    return out;
}

class BlockBuilder {
public:
    BlockVec build(const Block &stmts, TypeEnv &env) {
        BlockVec out;
        size_t i = 0;
        while (i < stmts.size()) {
            const Stmt &s = *stmts[i];
            if (s.kind == StmtKind::Assign || s.kind == StmtKind::ExprStmt) {
                auto sb = std::make_unique<StatementBlock>();
                sb->kind = BlockKind::Basic;
                sb->loc = s.loc;
                DagBuilder db(sb->dag, env);
                while (i < stmts.size() &&
                       (stmts[i]->kind == StmtKind::Assign || stmts[i]->kind == StmtKind::ExprStmt)) {
                    db.stmt(*stmts[i]);
                    ++i;
                }
                db.finish();
                out.push_back(std::move(sb));
                continue;
            }
            out.push_back(control(s, env));
            ++i;
        }
        return out;
    }

private:
    /// The variable information valid at the entry of every iteration of a loop: iterates "entry merged
    /// with what one pass of the body leaves" until it no longer changes (sizes a body keeps stay known).
    TypeEnv loop_fixpoint(const Block &body, TypeEnv env, const std::string *loop_var) {
        for (int round = 0; round < 8; ++round) {
            TypeEnv out = env;
            if (loop_var)
                out[*loop_var] =
                    VarInfo{DataType::Scalar, ValueType::Unknown, std::nullopt, std::nullopt, std::nullopt};
            build(body, out);
            TypeEnv next = merge(env, out);
            if (same(next, env)) return env;
            env = std::move(next);
        }
        loosen(env, body);
        return env;
    }

    static bool same(const TypeEnv &a, const TypeEnv &b) {
        if (a.size() != b.size()) return false;
        for (const auto &[n, x] : a) {
            auto it = b.find(n);
            if (it == b.end()) return false;
            const VarInfo &y = it->second;
            if (x.data_type != y.data_type || x.value_type != y.value_type || x.rows != y.rows ||
                x.cols != y.cols || x.nnz != y.nnz || x.definite != y.definite)
                return false;
        }
        return true;
    }

    std::unique_ptr<StatementBlock> control(const Stmt &s, TypeEnv &env) {
        auto sb = std::make_unique<StatementBlock>();
        sb->loc = s.loc;
        switch (s.kind) {
        case StmtKind::If: {
            const auto &st = static_cast<const If &>(s);
            sb->kind = BlockKind::If;
            DagBuilder db(sb->dag, env);
            sb->pred = db.expr(*st.cond);
            sb->dag.roots.push_back(sb->pred);
            TypeEnv te = env, ee = env;
            sb->body = build(st.then_body, te);
            sb->else_body = build(st.else_body, ee);
            env = merge(te, ee);
            break;
        }
        case StmtKind::While: {
            const auto &st = static_cast<const While &>(s);
            sb->kind = BlockKind::While;
            env = loop_fixpoint(st.body, env, nullptr);
            DagBuilder db(sb->dag, env);
            sb->pred = db.expr(*st.cond);
            sb->dag.roots.push_back(sb->pred);
            TypeEnv be = env;
            sb->body = build(st.body, be);
            env = merge(env, be);
            break;
        }
        case StmtKind::For: {
            const auto &st = static_cast<const For &>(s);
            sb->kind = BlockKind::For;
            sb->loop_var = st.var;
            sb->is_seq = st.is_seq;
            sb->parfor = st.parfor;
            DagBuilder db(sb->dag, env);
            sb->from = db.expr(*st.from);
            sb->to = db.expr(*st.to);
            sb->dag.roots.push_back(sb->from);
            sb->dag.roots.push_back(sb->to);
            if (st.incr) {
                sb->incr = db.expr(*st.incr);
                sb->dag.roots.push_back(sb->incr);
            }
            if (st.parfor) {
                for (const auto &o : st.options) {
                    if (o.name == "par" || o.name == "tasksize") {
                        Hop *h = db.expr(*o.value);
                        (o.name == "par" ? sb->par : sb->tasksize) = h;
                        sb->dag.roots.push_back(h);
                    } else if (o.value->kind == ExprKind::StringLit) {
                        sb->parfor_names[o.name] = static_cast<const StringLit &>(*o.value).value;
                    }
                }
                sb->result_vars = st.result_vars;
            }
            env = loop_fixpoint(st.body, env, &st.var);
            TypeEnv be = env;
            be[st.var] =
                VarInfo{DataType::Scalar, ValueType::Unknown, std::nullopt, std::nullopt, std::nullopt};
            sb->body = build(st.body, be);
            env = merge(env, be);
            break;
        }
        default:
            error(s.loc, "internal error: unexpected statement in block builder");
        }
        return sb;
    }
};

std::unique_ptr<FunctionBlocks> build_function(const FunctionDef &fn, const ParamSizes &sizes) {
    auto fb = std::make_unique<FunctionBlocks>();
    fb->key = function_key(fn);
    fb->display_name = fn.ns_key.empty()
                           ? fn.name
                           : (fn.ns_key.rfind("builtin:", 0) == 0 ? fn.name : fn.ns_key + "::" + fn.name);
    fb->def = &fn;
    TypeEnv env;
    for (const auto &p : fn.params) {
        if (p.default_value) {
            auto dag = std::make_unique<HopDag>();
            DagBuilder db(*dag, env);
            Hop *v = db.expr(*p.default_value);
            dag->roots.push_back(v);
            fb->default_values.push_back(v);
            fb->defaults.push_back(std::move(dag));
        } else {
            fb->defaults.push_back(nullptr);
            fb->default_values.push_back(nullptr);
        }
        VarInfo vi;
        vi.data_type = p.data_type;
        vi.value_type = p.data_type == DataType::Matrix ? ValueType::Double : p.value_type;
        if (auto it = sizes.find(p.name); it != sizes.end() && p.data_type == DataType::Matrix) {
            vi.rows = it->second.first;
            vi.cols = it->second.second;
        }
        env[p.name] = vi;
    }
    fb->blocks = BlockBuilder().build(fn.body, env);
    return fb;
}

} // namespace

std::unique_ptr<FunctionBlocks> build_function_blocks(const ast::FunctionDef &fn, const ParamSizes &sizes) {
    return build_function(fn, sizes);
}

std::string function_key(const ast::FunctionDef &fn) {
    return fn.ns_key + "::" + fn.name;
}

HopProgram build_hop_program(const ast::Program &prog) {
    HopProgram hp;
    TypeEnv env;
    hp.main.key = "";
    hp.main.display_name = "main";
    hp.main.blocks = BlockBuilder().build(prog.body, env);
    for (const auto &[key, ns] : prog.namespaces)
        for (const auto &[name, fn] : ns.functions) hp.functions[function_key(*fn)] = build_function(*fn, {});
    return hp;
}

namespace {
void explain_blocks(const BlockVec &blocks, std::string &out, int depth) {
    for (const auto &b : blocks) {
        std::string pad(static_cast<size_t>(depth) * 2, ' ');
        std::string line = b->loc.line > 0 ? " (line " + std::to_string(b->loc.line) + ")" : "";
        switch (b->kind) {
        case BlockKind::Basic:
            out += pad + "GENERIC" + line + "\n" + b->dag.explain(depth + 1);
            break;
        case BlockKind::If:
            out += pad + "IF" + line + "\n" + b->dag.explain(depth + 1);
            explain_blocks(b->body, out, depth + 1);
            if (!b->else_body.empty()) {
                out += pad + "ELSE\n";
                explain_blocks(b->else_body, out, depth + 1);
            }
            break;
        case BlockKind::While:
            out += pad + "WHILE" + line + "\n" + b->dag.explain(depth + 1);
            explain_blocks(b->body, out, depth + 1);
            break;
        case BlockKind::For:
            out += pad + (b->parfor ? "PARFOR" : "FOR") + line + " " + b->loop_var + "\n" +
                   b->dag.explain(depth + 1);
            explain_blocks(b->body, out, depth + 1);
            break;
        }
    }
}
} // namespace

std::string HopProgram::explain() const {
    std::string out = "PROGRAM\n";
    for (const auto &[key, fb] : functions) {
        out += "FUNCTION " + fb->display_name + "\n";
        explain_blocks(fb->blocks, out, 1);
    }
    out += "MAIN PROGRAM\n";
    explain_blocks(main.blocks, out, 1);
    return out;
}

} // namespace linea::hops
