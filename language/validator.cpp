#include "language/validator.h"

#include "language/parfor_check.h"
#include "runtime/util/text.h"
#include <cctype>

#include <filesystem>
#include <set>

namespace linea {

namespace {

using namespace ast;

[[noreturn]] void error(const SourceLoc &loc, const std::string &msg) {
    throw DmlError(ErrorKind::Validate, loc, msg);
}

/// Names assigned anywhere in a block (including nested blocks), used for loop-carried variables.
void collect_assigned(const Block &b, std::set<std::string> &out) {
    for (const auto &s : b) {
        switch (s->kind) {
        case StmtKind::Assign:
            for (const auto &t : static_cast<const Assign &>(*s).targets) out.insert(t.name);
            break;
        case StmtKind::If: {
            const auto &i = static_cast<const If &>(*s);
            collect_assigned(i.then_body, out);
            collect_assigned(i.else_body, out);
            break;
        }
        case StmtKind::For: {
            const auto &f = static_cast<const For &>(*s);
            out.insert(f.var);
            collect_assigned(f.body, out);
            break;
        }
        case StmtKind::While:
            collect_assigned(static_cast<const While &>(*s).body, out);
            break;
        default:
            break;
        }
    }
}

class Validator {
public:
    Validator(Program &prog, const ValidateOptions &opts) : prog_(prog), opts_(opts) {}

    void run() {
        validated_.insert("");
        ns_key_ = "";
        std::set<std::string> defined(opts_.predefined.begin(), opts_.predefined.end());
        block(prog_.body, defined);
        // Validate every function of the main script and of sourced files (their bodies are checked even if
        // unused).
        std::vector<std::string> keys;
        for (auto &[k, ns] : prog_.namespaces) keys.push_back(k);
        for (const auto &k : keys) validate_namespace(k);
    }

private:
    void validate_namespace(const std::string &key) {
        if (done_ns_.count(key)) return;
        done_ns_.insert(key);
        auto it = prog_.namespaces.find(key);
        if (it == prog_.namespaces.end()) return;
        std::vector<std::shared_ptr<FunctionDef>> fns;
        for (auto &[n, f] : it->second.functions) fns.push_back(f);
        for (auto &f : fns) function(*f);
    }

    void function(FunctionDef &fn) {
        if (fn.external) error(fn.loc, "externalFunction '" + fn.name + "' is not supported");
        std::string saved = ns_key_;
        ns_key_ = fn.ns_key;
        std::set<std::string> defined;
        std::set<std::string> seen;
        for (auto &p : fn.params) {
            if (!seen.insert(p.name).second)
                error(p.loc, "duplicate parameter '" + p.name + "' in function " + fn.name);
            // A default may refer to earlier parameters.
            if (p.default_value) expr(*p.default_value, defined);
            defined.insert(p.name);
        }
        std::set<std::string> rseen;
        for (auto &r : fn.returns)
            if (!rseen.insert(r.name).second)
                error(r.loc, "duplicate output '" + r.name + "' in function " + fn.name);
        block(fn.body, defined);
        ns_key_ = saved;
    }

    void block(Block &b, std::set<std::string> &defined) {
        for (auto &s : b) stmt(*s, defined);
    }

    void check_index(IndexRange &r, std::set<std::string> &defined) {
        if (r.lower) expr(*r.lower, defined);
        if (r.upper) expr(*r.upper, defined);
    }

    void stmt(Stmt &s, std::set<std::string> &defined) {
        switch (s.kind) {
        case StmtKind::Assign: {
            auto &a = static_cast<Assign &>(s);
            if (a.targets.size() > 1 || a.multi) {
                if (a.value->kind != ExprKind::Call)
                    error(a.loc, "a multi-assignment needs a function call on the right-hand side");
            }
            expr(*a.value, defined, static_cast<int>(a.targets.size()));
            if (a.targets.size() > 1 || a.multi) {
                auto &c = static_cast<Call &>(*a.value);
                size_t n = 0;
                if (c.target == CallTarget::Function)
                    n = c.function->returns.size();
                else if (c.target == CallTarget::Builtin)
                    n = static_cast<size_t>(builtin(c.builtin_id).max_outputs);
                if (a.targets.size() > n)
                    error(a.loc, "'" + c.name + "' returns " + std::to_string(n) + " value(s) but " +
                                     std::to_string(a.targets.size()) + " are assigned");
            }
            for (auto &t : a.targets) {
                if (t.indexed || a.accumulate) {
                    if (!defined.count(t.name))
                        error(t.loc,
                              "undefined variable '" + t.name + "'" +
                                  (t.indexed ? " (left indexing needs an existing matrix or list)" : ""));
                    check_index(t.rows, defined);
                    check_index(t.cols, defined);
                }
                if (t.name == "Inf" || t.name == "NaN" || t.name == "pi" || t.name == "TRUE" ||
                    t.name == "FALSE")
                    error(t.loc, "cannot assign to the constant '" + t.name + "'");
            }
            for (auto &t : a.targets) defined.insert(t.name);
            break;
        }
        case StmtKind::ExprStmt: {
            auto &e = static_cast<ExprStmt &>(s);
            expr(*e.expr, defined, 0);
            break;
        }
        case StmtKind::If: {
            auto &i = static_cast<If &>(s);
            expr(*i.cond, defined);
            std::set<std::string> t = defined, e = defined;
            block(i.then_body, t);
            block(i.else_body, e);
            defined.insert(t.begin(), t.end());
            defined.insert(e.begin(), e.end());
            break;
        }
        case StmtKind::For: {
            auto &f = static_cast<For &>(s);
            expr(*f.from, defined);
            expr(*f.to, defined);
            if (f.incr) expr(*f.incr, defined);
            for (auto &o : f.options) expr(*o.value, defined);
            std::set<std::string> inner = defined;
            collect_assigned(f.body, inner);
            inner.insert(f.var);
            block(f.body, inner);
            defined.insert(inner.begin(), inner.end());
            break;
        }
        case StmtKind::While: {
            auto &w = static_cast<While &>(s);
            std::set<std::string> inner = defined;
            collect_assigned(w.body, inner);
            expr(*w.cond, inner);
            block(w.body, inner);
            defined.insert(inner.begin(), inner.end());
            break;
        }
        case StmtKind::FunctionDefStmt:
            error(s.loc, "a function can only be defined at the top level of a script");
        }
    }

    /// `outputs`: how many values the context takes from a call (1 in expressions, 0 as a statement).
    void expr(Expr &e, std::set<std::string> &defined, int outputs = 1) {
        switch (e.kind) {
        case ExprKind::IntLit:
        case ExprKind::DoubleLit:
        case ExprKind::BoolLit:
            return;
        case ExprKind::StringLit:
            preload_named_builtin(static_cast<StringLit &>(e));
            return;
        case ExprKind::Ident: {
            auto &id = static_cast<Ident &>(e);
            if (!defined.count(id.name))
                error(e.loc, "undefined variable '" + id.name + "'" + constant_hint(id.name));
            return;
        }
        case ExprKind::Unary:
            expr(*static_cast<Unary &>(e).operand, defined);
            return;
        case ExprKind::Binary: {
            auto &b = static_cast<Binary &>(e);
            expr(*b.lhs, defined);
            expr(*b.rhs, defined);
            return;
        }
        case ExprKind::Index: {
            auto &ix = static_cast<Index &>(e);
            expr(*ix.target, defined);
            check_index(ix.rows, defined);
            check_index(ix.cols, defined);
            return;
        }
        case ExprKind::Call:
            call(static_cast<Call &>(e), defined, outputs);
            return;
        }
    }

    /// " (did you mean Inf?)" for a name that is a builtin constant in another case (INF, nan, PI).
    static std::string constant_hint(const std::string &name) {
        for (const char *k : {"Inf", "NaN", "pi"})
            if (iequals(name, k)) return std::string(" (the constant is spelled ") + k + ")";
        return "";
    }

    const FunctionDef *find_function(const std::string &ns_key, const std::string &name) {
        auto it = prog_.namespaces.find(ns_key);
        if (it == prog_.namespaces.end()) return nullptr;
        auto f = it->second.functions.find(name);
        return f == it->second.functions.end() ? nullptr : f->second.get();
    }

    /// Loads scripts/builtin/<name>.dml once; returns its m_<name> or s_<name>, or nullptr.
    const FunctionDef *script_builtin(const std::string &name, const SourceLoc &loc) {
        const std::string key = builtin_namespace_key(name);
        if (!prog_.namespaces.count(key)) {
            if (opts_.builtin_dir.empty()) return nullptr;
            std::filesystem::path p = std::filesystem::path(opts_.builtin_dir) / (name + ".dml");
            std::error_code ec;
            if (name.find('/') != std::string::npos || !std::filesystem::is_regular_file(p, ec))
                return nullptr;
            parse_into_namespace(prog_, p.string(), key, opts_.parse);
        }
        const FunctionDef *f = find_function(key, "m_" + name);
        if (!f) f = find_function(key, "s_" + name);
        if (!f)
            error(loc, "script builtin file for '" + name + "' defines neither m_" + name + " nor s_" + name);
        validate_namespace(key);
        return f;
    }

    /// A string literal naming a script builtin (`gridSearch(train="lm", ...)`, `f = "lm"`) may reach
    /// eval() by a name known only at run time: load that builtin now, so the call can find it.
    void preload_named_builtin(const StringLit &s) {
        const std::string &n = s.value;
        if (n.empty() || !(std::isalpha(static_cast<unsigned char>(n[0])) || n[0] == '_')) return;
        for (char ch : n)
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return;
        if (find_function(ns_key_, n) || find_function("", n) || find_builtin(n) >= 0) return;
        script_builtin(n, s.loc);
    }

    void call(Call &c, std::set<std::string> &defined, int outputs) {
        const bool probe = probes_variable(c);
        for (auto &a : c.args)
            if (!probe || a.value->kind != ExprKind::Ident) expr(*a.value, defined);
        if (!c.ns.empty()) {
            auto nsit = prog_.namespaces.find(ns_key_);
            const Namespace *cur = nsit == prog_.namespaces.end() ? nullptr : &nsit->second;
            auto imp = cur ? cur->imports.find(c.ns) : std::map<std::string, std::string>::const_iterator{};
            if (!cur || imp == cur->imports.end())
                error(c.loc, "unknown namespace '" + c.ns + "' (import it with source(\"file.dml\") as " +
                                 c.ns + ")");
            const FunctionDef *f = find_function(imp->second, c.name);
            if (!f) error(c.loc, "function '" + c.name + "' is not defined in namespace '" + c.ns + "'");
            bind(c, *f);
            return;
        }
        if (const FunctionDef *f = find_function(ns_key_, c.name)) {
            bind(c, *f);
            return;
        }
        int id = find_builtin(c.name);
        if (id >= 0 && c.name == "eval" && !c.args.empty() && c.args[0].value->kind == ExprKind::StringLit) {
            // Make sure a script builtin called by a literal name is loaded and compiled.
            const std::string &fname = static_cast<const StringLit &>(*c.args[0].value).value;
            if (!find_function(ns_key_, fname) && !find_function("", fname) &&
                !script_builtin(fname, c.args[0].loc))
                error(c.args[0].loc, "eval: undefined function '" + fname + "'");
        }
        if (id >= 0) {
            c.target = CallTarget::Builtin;
            c.builtin_id = id;
            const BuiltinInfo &info = builtin(id);
            bind_builtin_args(info, c);
            if (outputs >= 1 && info.max_outputs == 0)
                error(c.loc, "'" + c.name + "' does not return a value");
            return;
        }
        if (const FunctionDef *f = script_builtin(c.name, c.loc)) {
            bind(c, *f);
            return;
        }
        error(c.loc, "undefined function '" + c.name + "'");
    }

    /// A call of a builtin like exists(x), whose identifier argument need not be defined (unless a user
    /// function of that name shadows the builtin).
    bool probes_variable(const Call &c) {
        if (!c.ns.empty() || find_function(ns_key_, c.name)) return false;
        int id = find_builtin(c.name);
        return id >= 0 && builtin(id).probes_variable;
    }

    void bind(Call &c, const FunctionDef &f) {
        c.target = CallTarget::Function;
        c.function = &f;
        bind_function_args(f, c);
    }

    Program &prog_;
    const ValidateOptions &opts_;
    std::string ns_key_;
    std::set<std::string> validated_;
    std::set<std::string> done_ns_;
};

} // namespace

std::string builtin_namespace_key(const std::string &name) {
    return "builtin:" + name;
}

std::vector<const ast::Expr *> bind_builtin_args(const BuiltinInfo &info, const ast::Call &call,
                                                 std::vector<std::string> *names) {
    std::vector<const ast::Expr *> out(info.params.size(), nullptr);
    if (names) names->assign(info.params.size(), std::string());
    size_t positional = 0;
    bool seen_named = false;
    for (const auto &a : call.args) {
        if (a.name.empty()) {
            if (seen_named && !info.any_names)
                error(a.loc, "positional argument after a named argument in call to '" + call.name + "'");
            if (positional < info.params.size()) {
                out[positional] = a.value.get();
            } else if (info.variadic) {
                out.push_back(a.value.get());
                if (names) names->emplace_back();
            } else {
                error(a.loc, "too many arguments in call to '" + call.name + "': it takes at most " +
                                 std::to_string(info.params.size()));
            }
            ++positional;
            continue;
        }
        seen_named = true;
        if (info.any_names) {
            if (names) {
                for (size_t i = 0; i < names->size(); ++i)
                    if ((*names)[i] == a.name)
                        error(a.loc, "duplicate argument '" + a.name + "' in call to '" + call.name + "'");
            }
            out.push_back(a.value.get());
            if (names) names->push_back(a.name);
            continue;
        }
        size_t i = 0;
        while (i < info.params.size() && info.params[i].name != a.name) ++i;
        if (i == info.params.size()) {
            std::string valid;
            for (const auto &p : info.params) valid += (valid.empty() ? "" : ", ") + std::string(p.name);
            error(a.loc, "'" + call.name + "' has no parameter named '" + a.name + "'" +
                             (valid.empty() ? std::string() : " (parameters: " + valid + ")"));
        }
        if (out[i]) error(a.loc, "argument '" + a.name + "' given twice in call to '" + call.name + "'");
        out[i] = a.value.get();
    }
    for (size_t i = 0; i < info.params.size(); ++i)
        if (info.params[i].required && !out[i])
            error(call.loc, "missing argument '" + std::string(info.params[i].name) + "' in call to '" +
                                call.name + "'");
    if (info.variadic && !info.any_names && call.args.empty() && !info.params.empty())
        error(call.loc, "'" + call.name + "' needs at least one argument");
    return out;
}

std::vector<const ast::Expr *> bind_function_args(const ast::FunctionDef &fn, const ast::Call &call) {
    std::vector<const ast::Expr *> out(fn.params.size(), nullptr);
    size_t positional = 0;
    bool seen_named = false;
    for (const auto &a : call.args) {
        if (a.name.empty()) {
            if (seen_named)
                error(a.loc, "positional argument after a named argument in call to '" + call.name + "'");
            if (positional >= fn.params.size())
                error(a.loc, "too many arguments in call to function '" + fn.name + "': it takes " +
                                 std::to_string(fn.params.size()));
            out[positional++] = a.value.get();
            continue;
        }
        seen_named = true;
        size_t i = 0;
        while (i < fn.params.size() && fn.params[i].name != a.name) ++i;
        if (i == fn.params.size())
            error(a.loc, "function '" + fn.name + "' has no parameter named '" + a.name + "'");
        if (out[i]) error(a.loc, "argument '" + a.name + "' given twice in call to '" + fn.name + "'");
        out[i] = a.value.get();
    }
    for (size_t i = 0; i < fn.params.size(); ++i)
        if (!out[i] && !fn.params[i].default_value)
            error(call.loc,
                  "missing argument '" + fn.params[i].name + "' in call to function '" + fn.name + "'");
    return out;
}

void validate_program(ast::Program &prog, const ValidateOptions &opts) {
    Validator(prog, opts).run();
    check_parfor_loops(prog);
}

} // namespace linea
