#include "language/parser.h"

#include "language/lexer.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <set>
#include <string_view>

namespace linea {

namespace fs = std::filesystem;

namespace {

/// How deeply source() may nest (a chain of files each sourcing the next).
constexpr int kMaxSourceDepth = 64;

// Binding strength, highest wins; prefix operators parse their operand one level above themselves.
constexpr int kPrecOr = 1;
constexpr int kPrecAnd = 2;
constexpr int kPrecNot = 3;
constexpr int kPrecCompare = 4;
constexpr int kPrecAdd = 5;
constexpr int kPrecMul = 6;
constexpr int kPrecIntDiv = 7;
constexpr int kPrecMatMul = 8;
constexpr int kPrecUnary = 9;
constexpr int kPrecPow = 10;

/// The binary operator a token stands for and its precedence (0: not a binary operator).
int binary_precedence(TokenKind kind, ast::BinaryOp &op) {
    using ast::BinaryOp;
    switch (kind) {
    case TokenKind::Caret:
        op = BinaryOp::Pow;
        return kPrecPow;
    case TokenKind::MatMul:
        op = BinaryOp::MatMul;
        return kPrecMatMul;
    case TokenKind::IntDiv:
        op = BinaryOp::IntDiv;
        return kPrecIntDiv;
    case TokenKind::Mod:
        op = BinaryOp::Mod;
        return kPrecIntDiv;
    case TokenKind::Star:
        op = BinaryOp::Mul;
        return kPrecMul;
    case TokenKind::Slash:
        op = BinaryOp::Div;
        return kPrecMul;
    case TokenKind::Plus:
        op = BinaryOp::Add;
        return kPrecAdd;
    case TokenKind::Minus:
        op = BinaryOp::Sub;
        return kPrecAdd;
    case TokenKind::Lt:
        op = BinaryOp::Lt;
        return kPrecCompare;
    case TokenKind::Le:
        op = BinaryOp::Le;
        return kPrecCompare;
    case TokenKind::Gt:
        op = BinaryOp::Gt;
        return kPrecCompare;
    case TokenKind::Ge:
        op = BinaryOp::Ge;
        return kPrecCompare;
    case TokenKind::EqEq:
        op = BinaryOp::Eq;
        return kPrecCompare;
    case TokenKind::NotEq:
        op = BinaryOp::Ne;
        return kPrecCompare;
    case TokenKind::And:
    case TokenKind::AndAnd:
        op = BinaryOp::And;
        return kPrecAnd;
    case TokenKind::Or:
    case TokenKind::OrOr:
        op = BinaryOp::Or;
        return kPrecOr;
    default:
        return 0;
    }
}

bool is_reserved(std::string_view w) {
    return w == "if" || w == "else" || w == "for" || w == "parfor" || w == "while" || w == "function" ||
           w == "externalFunction";
}

bool is_constant_name(std::string_view w) {
    return w == "TRUE" || w == "FALSE" || w == "Inf" || w == "NaN" || w == "pi";
}

std::string lower(std::string s) {
    for (char &c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

bool read_whole_file(const std::string &path, std::string &out, std::string &err) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        err = "is a directory";
        return false;
    }
    errno = 0;
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) {
        err = errno ? std::strerror(errno) : "cannot open file";
        return false;
    }
    char buf[1 << 14];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    bool failed = std::ferror(f) != 0;
    int saved = errno;
    std::fclose(f);
    if (failed) {
        err = saved ? std::strerror(saved) : "read error";
        return false;
    }
    return true;
}

/// `p` against `base` unless absolute (an empty base leaves it relative to the process cwd).
fs::path resolve_path(const std::string &base, const std::string &p) {
    fs::path path(p);
    if (path.is_absolute() || base.empty()) return path;
    return fs::path(base) / path;
}

std::string initial_working_dir(const ParseOptions &opts) {
    if (!opts.working_dir.empty()) return opts.working_dir;
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    return ec ? std::string() : cwd.string();
}

std::string canonical_key(const fs::path &p) {
    std::error_code ec;
    fs::path c = fs::canonical(p, ec);
    if (!ec) return c.string();
    c = fs::absolute(p, ec);
    return ec ? p.lexically_normal().string() : c.lexically_normal().string();
}

/// Shared state of one parse_program / parse_into_namespace call.
struct ParseContext {
    ast::Program &prog;
    const ParseOptions &opts;
    std::set<std::string> parsed; ///< namespace keys parsed (or being parsed)
};

class Parser {
public:
    Parser(ParseContext &ctx, std::shared_ptr<const SourceFile> file, std::string ns_key,
           std::string working_dir, int source_depth)
        : ctx_(ctx), lexer_(file), file_(std::move(file)), ns_key_(std::move(ns_key)),
          wd_(std::move(working_dir)), source_depth_(source_depth) {}

    /// Parses the whole file; functions go to the namespace, the other top-level statements are returned.
    ast::Block parse_file() {
        ast::Block body;
        while (!at(TokenKind::End)) {
            if (accept(TokenKind::Semicolon)) continue;
            parse_statement(body, true);
        }
        return body;
    }

private:
    // ------------------------------------------------------------ tokens and errors
    const Token &peek(size_t n = 0) {
        while (ahead_.size() <= n) ahead_.push_back(lexer_.next());
        return ahead_[n];
    }
    Token take() {
        peek();
        Token t = std::move(ahead_.front());
        ahead_.pop_front();
        last_line_ = t.line;
        return t;
    }
    bool at(TokenKind k, size_t n = 0) { return peek(n).kind == k; }
    bool at_ident(std::string_view word, size_t n = 0) {
        const Token &t = peek(n);
        return t.kind == TokenKind::Ident && t.text == word;
    }
    bool accept(TokenKind k) {
        if (!at(k)) return false;
        take();
        return true;
    }
    SourceLoc loc(const Token &t) const { return SourceLoc{file_, t.line, t.col}; }

    static std::string quoted(std::string s) {
        if (s.size() > 40) s = s.substr(0, 37) + "...";
        return "'" + s + "'";
    }
    static std::string describe(const Token &t) {
        switch (t.kind) {
        case TokenKind::End:
            return "end of file";
        case TokenKind::String:
            return "string literal \"" + (t.text.size() > 30 ? t.text.substr(0, 27) + "..." : t.text) + "\"";
        case TokenKind::ScriptArg:
            return quoted("$" + t.text);
        case TokenKind::Ident:
        case TokenKind::Int:
        case TokenKind::Double:
            return quoted(t.text);
        default:
            return quoted(to_string(t.kind));
        }
    }

    [[noreturn]] void fail(const SourceLoc &where, const std::string &message) const {
        throw DmlError(ErrorKind::Syntax, where, message);
    }
    [[noreturn]] void fail_at(const Token &t, const std::string &message) const { fail(loc(t), message); }
    /// "expected X but found Y" at the next token (or "unexpected end of file, expected X").
    [[noreturn]] void fail_expected(const std::string &what) {
        const Token &t = peek();
        if (t.kind == TokenKind::End) fail_at(t, "unexpected end of file, expected " + what);
        fail_at(t, "expected " + what + " but found " + describe(t));
    }
    Token expect(TokenKind k, const std::string &what = {}) {
        if (!at(k)) fail_expected(what.empty() ? quoted(to_string(k)) : what);
        return take();
    }
    Token expect_ident(const std::string &what) {
        if (!at(TokenKind::Ident)) fail_expected(what);
        return take();
    }
    void skip_semicolons() {
        while (accept(TokenKind::Semicolon)) {
        }
    }

    /// Bounds recursion so that deeply nested input fails cleanly instead of overflowing the stack.
    class DepthGuard {
    public:
        explicit DepthGuard(Parser &p) : p_(p) {
            if (++p_.depth_ > kMaxParseDepth) {
                --p_.depth_;
                p_.fail_at(p_.peek(), "nesting too deep (more than " + std::to_string(kMaxParseDepth) +
                                          " levels of expressions or blocks)");
            }
        }
        ~DepthGuard() { --p_.depth_; }
        DepthGuard(const DepthGuard &) = delete;
        DepthGuard &operator=(const DepthGuard &) = delete;

    private:
        Parser &p_;
    };

    // ------------------------------------------------------------ statements
    void parse_statement(ast::Block &out, bool top_level) {
        DepthGuard guard(*this);
        const Token &t = peek();
        if (t.kind == TokenKind::LBracket) {
            out.push_back(parse_multi_assign());
        } else if (t.kind == TokenKind::Ident) {
            if (t.text == "if") {
                out.push_back(parse_if());
            } else if (t.text == "for" || t.text == "parfor") {
                out.push_back(parse_for());
            } else if (t.text == "while") {
                out.push_back(parse_while());
            } else if (t.text == "source" && at(TokenKind::LParen, 1)) {
                parse_source(top_level);
            } else if (t.text == "setwd" && at(TokenKind::LParen, 1)) {
                parse_setwd(top_level);
            } else if (t.text == "else") {
                fail_at(t, "'else' without a matching 'if'");
            } else if (t.text == "function" || t.text == "externalFunction") {
                fail_at(t, "a function definition needs a name: write 'name = " + t.text + "(...)'");
            } else {
                parse_assign_or_call(out, top_level);
            }
        } else if (t.kind == TokenKind::End) {
            fail_expected("a statement");
        } else {
            fail_expected("a statement");
        }
        skip_semicolons();
    }

    /// `{ statements }` or a single statement (bodies of if/else/for/while).
    ast::Block parse_body() {
        ast::Block body;
        if (at(TokenKind::LBrace)) {
            parse_braced(body);
            skip_semicolons();
        } else {
            parse_statement(body, false);
        }
        return body;
    }

    void parse_braced(ast::Block &body) {
        Token open = expect(TokenKind::LBrace);
        while (!at(TokenKind::RBrace)) {
            if (at(TokenKind::End))
                fail_expected("'}' (to close the '{' at line " + std::to_string(open.line) + ":" +
                              std::to_string(open.col) + ")");
            if (accept(TokenKind::Semicolon)) continue;
            parse_statement(body, false);
        }
        take();
    }

    ast::StmtPtr parse_if() {
        Token kw = take();
        auto stmt = std::make_unique<ast::If>(loc(kw));
        expect(TokenKind::LParen, "'(' after 'if'");
        stmt->cond = parse_expr();
        expect(TokenKind::RParen);
        stmt->then_body = parse_body();
        if (at_ident("else")) {
            take();
            stmt->else_body = parse_body();
        }
        return stmt;
    }

    ast::StmtPtr parse_while() {
        Token kw = take();
        auto stmt = std::make_unique<ast::While>(loc(kw));
        expect(TokenKind::LParen, "'(' after 'while'");
        stmt->cond = parse_expr();
        expect(TokenKind::RParen);
        stmt->body = parse_body();
        return stmt;
    }

    ast::StmtPtr parse_for() {
        Token kw = take();
        auto stmt = std::make_unique<ast::For>(loc(kw));
        stmt->parfor = kw.text == "parfor";
        expect(TokenKind::LParen, "'(' after '" + kw.text + "'");
        Token var = expect_ident("a loop variable name");
        if (is_reserved(var.text) || is_constant_name(var.text))
            fail_at(var, "'" + var.text + "' cannot be used as a loop variable");
        stmt->var = var.text;
        stmt->var_loc = loc(var);
        if (!at_ident("in")) fail_expected("'in'");
        take();
        ast::ExprPtr from = parse_expr();
        if (accept(TokenKind::Colon)) {
            stmt->from = std::move(from);
            stmt->to = parse_expr();
        } else if (from->kind == ast::ExprKind::Call && static_cast<ast::Call &>(*from).name == "seq" &&
                   static_cast<ast::Call &>(*from).ns.empty()) {
            set_seq_bounds(*stmt, static_cast<ast::Call &>(*from));
        } else {
            fail(from->loc, "expected 'from:to' or 'seq(from, to[, incr])' after 'in'");
        }
        while (accept(TokenKind::Comma)) {
            ast::Arg opt;
            Token name = expect_ident("a " + kw.text + " option name (e.g. 'check', 'par', 'mode')");
            opt.name = name.text;
            opt.loc = loc(name);
            expect(TokenKind::Assign, "'=' after option '" + name.text + "'");
            if (at(TokenKind::Ident) && (at(TokenKind::Comma, 1) || at(TokenKind::RParen, 1)) &&
                !is_constant_name(peek().text)) {
                // Bare identifiers such as LOCAL or FACTORING are option values, not variables.
                Token v = take();
                opt.value = std::make_unique<ast::StringLit>(loc(v), v.text);
            } else {
                opt.value = parse_expr();
            }
            stmt->options.push_back(std::move(opt));
        }
        expect(TokenKind::RParen, stmt->options.empty() ? "')' or ','" : "',' or ')'");
        stmt->body = parse_body();
        return stmt;
    }

    void set_seq_bounds(ast::For &stmt, ast::Call &seq) {
        ast::ExprPtr slots[3];
        size_t positional = 0;
        for (ast::Arg &a : seq.args) {
            int slot;
            if (a.name.empty()) {
                if (positional >= 3) fail(a.loc, "seq() in a for loop takes at most 3 arguments");
                slot = static_cast<int>(positional++);
            } else if (a.name == "from") {
                slot = 0;
            } else if (a.name == "to") {
                slot = 1;
            } else if (a.name == "incr") {
                slot = 2;
            } else {
                fail(a.loc, "unknown seq() parameter '" + a.name + "' (expected from, to or incr)");
            }
            if (slots[slot]) fail(a.loc, "seq() parameter given twice");
            slots[slot] = std::move(a.value);
        }
        if (!slots[0] || !slots[1]) fail(seq.loc, "seq() in a for loop needs 'from' and 'to'");
        stmt.from = std::move(slots[0]);
        stmt.to = std::move(slots[1]);
        stmt.incr = std::move(slots[2]);
        stmt.is_seq = true;
    }

    ast::LValue to_lvalue(ast::ExprPtr e, const Token &first) {
        ast::LValue lv;
        if (e->kind == ast::ExprKind::Ident) {
            lv.name = static_cast<ast::Ident &>(*e).name;
            lv.loc = e->loc;
            return lv;
        }
        if (e->kind == ast::ExprKind::Index) {
            auto &idx = static_cast<ast::Index &>(*e);
            if (idx.target->kind == ast::ExprKind::Ident) {
                lv.name = static_cast<ast::Ident &>(*idx.target).name;
                lv.loc = idx.target->loc;
                lv.indexed = true;
                lv.rows = std::move(idx.rows);
                lv.cols = std::move(idx.cols);
                lv.has_cols = idx.has_cols;
                return lv;
            }
        }
        if (first.kind == TokenKind::Ident && is_constant_name(first.text))
            fail_at(first, "cannot assign to the constant '" + first.text + "'");
        if (e->kind == ast::ExprKind::Call) fail(e->loc, "cannot assign to a function call");
        fail(e->loc, "invalid assignment target (expected a variable name or an indexed variable)");
    }

    bool at_assign_op() { return at(TokenKind::Assign) || at(TokenKind::Arrow) || at(TokenKind::PlusAssign); }

    void parse_assign_or_call(ast::Block &out, bool top_level) {
        Token first = peek();
        ast::ExprPtr target = parse_postfix();
        if (!at_assign_op()) {
            if (target->kind == ast::ExprKind::Call) {
                SourceLoc l = target->loc;
                out.push_back(std::make_unique<ast::ExprStmt>(std::move(l), std::move(target)));
                return;
            }
            fail_expected("'=', '<-' or '+=' (only assignments and function calls are statements)");
        }
        Token op = take();
        if (op.kind != TokenKind::PlusAssign && (at_ident("function") || at_ident("externalFunction"))) {
            if (target->kind != ast::ExprKind::Ident)
                fail(target->loc, "a function name must be a plain identifier");
            parse_function(first, top_level);
            return;
        }
        ast::LValue lv = to_lvalue(std::move(target), first);
        auto stmt = std::make_unique<ast::Assign>(lv.loc);
        stmt->targets.push_back(std::move(lv));
        stmt->accumulate = op.kind == TokenKind::PlusAssign;
        stmt->value = parse_expr();
        out.push_back(std::move(stmt));
    }

    ast::StmtPtr parse_multi_assign() {
        take(); // '['
        std::vector<ast::LValue> targets;
        while (true) {
            if (!at(TokenKind::Ident)) fail_expected("a variable name");
            Token first = peek();
            targets.push_back(to_lvalue(parse_postfix(), first));
            if (accept(TokenKind::Comma)) continue;
            expect(TokenKind::RBracket, "',' or ']'");
            break;
        }
        if (!at(TokenKind::Assign) && !at(TokenKind::Arrow)) fail_expected("'=' or '<-' after ']'");
        take();
        auto stmt = std::make_unique<ast::Assign>(targets.front().loc);
        stmt->targets = std::move(targets);
        stmt->multi = true;
        stmt->value = parse_expr();
        if (stmt->value->kind != ast::ExprKind::Call)
            fail(stmt->value->loc, "the right side of a multi-assignment must be a function call");
        return stmt;
    }

    void parse_function(const Token &name, bool top_level) {
        Token kw = take();
        if (kw.text == "externalFunction")
            throw DmlError(ErrorKind::NotSupported, loc(kw), "externalFunction is not supported");
        if (!top_level)
            fail_at(name, "function '" + name.text + "' must be defined at top level, not inside a block");
        if (is_reserved(name.text) || is_constant_name(name.text))
            fail_at(name, "'" + name.text + "' cannot be used as a function name");
        ast::Namespace &ns = ctx_.prog.namespaces[ns_key_];
        if (auto it = ns.functions.find(name.text); it != ns.functions.end())
            fail_at(name, "function '" + name.text + "' is already defined (at line " +
                              std::to_string(it->second->loc.line) + ")");
        auto def = std::make_shared<ast::FunctionDef>();
        def->name = name.text;
        def->ns_key = ns_key_;
        def->loc = loc(name);
        expect(TokenKind::LParen, "'(' after 'function'");
        parse_params(def->params, true);
        if (at_ident("return")) {
            take();
            expect(TokenKind::LParen, "'(' after 'return'");
            parse_params(def->returns, false);
        }
        if (!at(TokenKind::LBrace)) fail_expected(def->returns.empty() ? "'return' or '{'" : "'{'");
        parse_braced(def->body);
        ns.functions[def->name] = std::move(def);
    }

    /// Typed parameters up to and including the closing ')'.
    void parse_params(std::vector<ast::Param> &out, bool allow_defaults) {
        if (accept(TokenKind::RParen)) return;
        while (true) {
            ast::Param p = parse_param(allow_defaults);
            for (const ast::Param &q : out)
                if (q.name == p.name) fail(p.loc, "duplicate parameter name '" + p.name + "'");
            out.push_back(std::move(p));
            if (accept(TokenKind::Comma)) continue;
            expect(TokenKind::RParen, "',' or ')'");
            return;
        }
    }

    static bool value_type_of(const std::string &name, ValueType &vt) {
        std::string n = lower(name);
        if (n == "double")
            vt = ValueType::Double;
        else if (n == "integer" || n == "int")
            vt = ValueType::Int;
        else if (n == "boolean")
            vt = ValueType::Bool;
        else if (n == "string")
            vt = ValueType::String;
        else if (n == "unknown")
            vt = ValueType::Unknown;
        else
            return false;
        return true;
    }

    ast::Param parse_param(bool allow_default) {
        Token type = expect_ident("a parameter type (e.g. 'Matrix[Double]', 'Double', 'Integer')");
        ast::Param p;
        std::string t = lower(type.text);
        if (t == "matrix" || t == "frame" || t == "list" || t == "scalar") {
            p.data_type = t == "matrix"  ? DataType::Matrix
                          : t == "frame" ? DataType::Frame
                          : t == "list"  ? DataType::List
                                         : DataType::Scalar;
            p.value_type = p.data_type == DataType::Matrix ? ValueType::Double : ValueType::Unknown;
            if (accept(TokenKind::LBracket)) {
                Token vt = expect_ident("a value type (Double, Integer, Boolean, String or Unknown)");
                if (!value_type_of(vt.text, p.value_type))
                    fail_at(vt, "unknown value type '" + vt.text +
                                    "' (expected Double, Integer, Boolean, String or Unknown)");
                expect(TokenKind::RBracket);
            }
        } else if (value_type_of(type.text, p.value_type) && t != "unknown") {
            p.data_type = DataType::Scalar;
        } else {
            fail_at(
                type,
                "unknown type '" + type.text +
                    "' (expected Matrix[...], Frame[...], List[...], Double, Integer, Boolean or String)");
        }
        Token name = expect_ident("a parameter name");
        if (is_reserved(name.text) || is_constant_name(name.text))
            fail_at(name, "'" + name.text + "' cannot be used as a parameter name");
        p.name = name.text;
        p.loc = loc(name);
        if (at(TokenKind::Assign)) {
            if (!allow_default) fail_at(peek(), "return values cannot have default values");
            take();
            p.default_value = parse_expr();
        }
        return p;
    }

    std::string parse_string_call_arg(const Token &kw) {
        expect(TokenKind::LParen);
        Token path = expect(TokenKind::String, "a string literal with the path in " + kw.text + "(...)");
        expect(TokenKind::RParen);
        return path.text;
    }

    void parse_source(bool top_level) {
        Token kw = take();
        if (!top_level) fail_at(kw, "source() is only allowed at top level");
        std::string path = parse_string_call_arg(kw);
        if (!at_ident("as"))
            fail_expected("'as <namespace>' after source(\"" + path +
                          "\") (importing into the current namespace is not supported)");
        take();
        Token alias = expect_ident("a namespace name after 'as'");
        import_file(kw, path, alias);
    }

    void parse_setwd(bool top_level) {
        Token kw = take();
        if (!top_level) fail_at(kw, "setwd() is only allowed at top level");
        std::string dir = parse_string_call_arg(kw);
        wd_ = resolve_path(wd_, dir).lexically_normal().string();
    }

    void import_file(const Token &kw, const std::string &path, const Token &alias) {
        if (source_depth_ >= kMaxSourceDepth)
            fail_at(kw,
                    "source() nested too deeply (more than " + std::to_string(kMaxSourceDepth) + " files)");
        fs::path resolved = resolve_path(wd_, path);
        std::string text, err;
        if (!read_whole_file(resolved.string(), text, err)) {
            std::string where = resolved.string() == path ? "" : " (resolved to '" + resolved.string() + "')";
            fail_at(kw, "cannot read sourced file '" + path + "'" + where + ": " + err);
        }
        std::string key = canonical_key(resolved);
        ast::Namespace &ns = ctx_.prog.namespaces[ns_key_];
        if (auto it = ns.imports.find(alias.text); it != ns.imports.end() && it->second != key)
            fail_at(alias, "namespace '" + alias.text + "' is already bound to '" + it->second + "'");
        ns.imports[alias.text] = key;
        if (!ctx_.parsed.insert(key).second) return; // already parsed or being parsed (a cycle)
        ctx_.prog.namespaces[key].key = key;
        auto file = std::make_shared<SourceFile>(resolved.string(), std::move(text));
        Parser sub(ctx_, std::move(file), key, wd_, source_depth_ + 1);
        sub.parse_file();
    }

    // ------------------------------------------------------------ expressions
    ast::ExprPtr parse_expr(int min_prec = kPrecOr) {
        DepthGuard guard(*this);
        ast::ExprPtr lhs = parse_unary();
        while (true) {
            ast::BinaryOp op{};
            int prec = binary_precedence(peek().kind, op);
            if (prec == 0 || prec < min_prec) break;
            Token t = take();
            // `^` is right-associative; everything else associates to the left.
            ast::ExprPtr rhs = parse_expr(op == ast::BinaryOp::Pow ? prec : prec + 1);
            lhs = std::make_unique<ast::Binary>(loc(t), op, std::move(lhs), std::move(rhs));
        }
        return lhs;
    }

    ast::ExprPtr parse_unary() {
        if (at(TokenKind::Minus) || at(TokenKind::Plus)) {
            Token t = take();
            ast::ExprPtr operand = parse_expr(kPrecUnary + 1);
            return std::make_unique<ast::Unary>(
                loc(t), t.kind == TokenKind::Minus ? ast::UnaryOp::Neg : ast::UnaryOp::Plus,
                std::move(operand));
        }
        if (at(TokenKind::Not)) {
            Token t = take();
            ast::ExprPtr operand = parse_expr(kPrecNot + 1);
            return std::make_unique<ast::Unary>(loc(t), ast::UnaryOp::Not, std::move(operand));
        }
        return parse_postfix();
    }

    /// A primary expression with at most one index suffix. The '[' must be on the line where the primary
    /// ends, so that `y = f(x)` followed by `[a, b] = g(y)` on the next line stays two statements.
    ast::ExprPtr parse_postfix() {
        bool indexable = false;
        ast::ExprPtr e = parse_primary(indexable);
        if (indexable && at(TokenKind::LBracket) && peek().line == last_line_) e = parse_index(std::move(e));
        return e;
    }

    ast::ExprPtr parse_index(ast::ExprPtr target) {
        take(); // '['
        SourceLoc l = target->loc;
        auto idx = std::make_unique<ast::Index>(std::move(l), std::move(target));
        if (at(TokenKind::RBracket)) fail_expected("an index expression");
        idx->rows = parse_range();
        if (accept(TokenKind::Comma)) {
            idx->has_cols = true;
            idx->cols = parse_range();
            expect(TokenKind::RBracket);
        } else {
            expect(TokenKind::RBracket, "',' or ']'");
        }
        return idx;
    }

    ast::IndexRange parse_range() {
        ast::IndexRange r;
        if (at(TokenKind::Comma) || at(TokenKind::RBracket)) return r;
        if (at(TokenKind::Colon)) fail_expected("a lower bound before ':'");
        r.lower = parse_expr();
        if (accept(TokenKind::Colon)) {
            r.is_range = true;
            if (at(TokenKind::Comma) || at(TokenKind::RBracket)) fail_expected("an upper bound after ':'");
            r.upper = parse_expr();
        }
        return r;
    }

    ast::ExprPtr parse_primary(bool &indexable) {
        const Token &t = peek();
        switch (t.kind) {
        case TokenKind::Int: {
            Token tok = take();
            return std::make_unique<ast::IntLit>(loc(tok), tok.int_value);
        }
        case TokenKind::Double: {
            Token tok = take();
            return std::make_unique<ast::DoubleLit>(loc(tok), tok.double_value);
        }
        case TokenKind::String: {
            Token tok = take();
            return std::make_unique<ast::StringLit>(loc(tok), std::move(tok.text));
        }
        case TokenKind::ScriptArg: {
            Token tok = take();
            auto it = ctx_.opts.args.find(tok.text);
            if (it == ctx_.opts.args.end()) fail_at(tok, "missing value for script argument $" + tok.text);
            return script_arg_literal(it->second, loc(tok));
        }
        case TokenKind::LParen: {
            take();
            ast::ExprPtr e = parse_expr();
            expect(TokenKind::RParen);
            indexable = true;
            return e;
        }
        case TokenKind::Ident:
            return parse_name(indexable);
        default:
            fail_expected("an expression");
        }
    }

    /// Identifiers, constants, calls (`f(...)`, `ns::f(...)`) and `ifdef($x, default)`.
    ast::ExprPtr parse_name(bool &indexable) {
        const Token &t = peek();
        if (is_reserved(t.text)) fail_expected("an expression");
        if (t.text == "TRUE" || t.text == "FALSE") {
            Token tok = take();
            return std::make_unique<ast::BoolLit>(loc(tok), tok.text == "TRUE");
        }
        bool call = at(TokenKind::LParen, 1);
        if (!call && (t.text == "Inf" || t.text == "NaN" || t.text == "pi")) {
            Token tok = take();
            double v = tok.text == "Inf"   ? std::numeric_limits<double>::infinity()
                       : tok.text == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                                           : 3.14159265358979323846;
            return std::make_unique<ast::DoubleLit>(loc(tok), v);
        }
        if (call && t.text == "ifdef") return parse_ifdef();
        Token name = take();
        indexable = true;
        if (accept(TokenKind::ColonColon)) {
            Token fn = expect_ident("a function name after '" + name.text + "::'");
            if (!at(TokenKind::LParen)) fail_expected("'(' after '" + name.text + "::" + fn.text + "'");
            return parse_call(loc(name), name.text, fn.text);
        }
        if (call) return parse_call(loc(name), "", name.text);
        return std::make_unique<ast::Ident>(loc(name), name.text);
    }

    ast::ExprPtr parse_call(SourceLoc l, std::string ns, std::string name) {
        take(); // '('
        auto call = std::make_unique<ast::Call>(std::move(l), std::move(ns), std::move(name));
        if (accept(TokenKind::RParen)) return call;
        while (true) {
            ast::Arg a;
            a.loc = loc(peek());
            if (at(TokenKind::Ident) && at(TokenKind::Assign, 1)) {
                a.name = take().text;
                take();
            }
            a.value = parse_expr();
            call->args.push_back(std::move(a));
            if (accept(TokenKind::Comma)) continue;
            expect(TokenKind::RParen, "',' or ')'");
            return call;
        }
    }

    ast::ExprPtr parse_ifdef() {
        take(); // 'ifdef'
        take(); // '('
        if (!at(TokenKind::ScriptArg))
            fail_expected("a script argument ($name) as the first argument of ifdef");
        Token arg = take();
        expect(TokenKind::Comma, "',' and a default value");
        ast::ExprPtr fallback = parse_expr();
        expect(TokenKind::RParen);
        auto it = ctx_.opts.args.find(arg.text);
        if (it == ctx_.opts.args.end()) return fallback;
        return script_arg_literal(it->second, loc(arg));
    }

    ParseContext &ctx_;
    Lexer lexer_;
    std::shared_ptr<const SourceFile> file_;
    std::string ns_key_;
    std::string wd_;
    int source_depth_;
    int depth_ = 0;
    int last_line_ = 0; ///< line of the most recently consumed token
    std::deque<Token> ahead_;
};

bool parses_as_int64(const std::string &s, int64_t &out) {
    std::string_view v(s);
    if (!v.empty() && v.front() == '+') v.remove_prefix(1);
    if (v.empty() || v.front() == '+') return false;
    size_t digits_from = v.front() == '-' ? 1 : 0;
    if (v.size() == digits_from) return false;
    for (size_t i = digits_from; i < v.size(); ++i)
        if (v[i] < '0' || v[i] > '9') return false;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && ptr == v.data() + v.size();
}

/// Java's Double.parseDouble for the decimal forms scripts use:
/// [+-](digits[.digits]|.digits)[e[+-]digits][dDfF], NaN, [+-]Infinity.
bool parses_as_double(const std::string &s, double &out) {
    std::string_view v(s);
    bool negative = false;
    if (!v.empty() && (v.front() == '+' || v.front() == '-')) {
        negative = v.front() == '-';
        v.remove_prefix(1);
    }
    if (v == "NaN") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (v == "Infinity") {
        out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return true;
    }
    if (!v.empty() && (v.back() == 'd' || v.back() == 'D' || v.back() == 'f' || v.back() == 'F'))
        v.remove_suffix(1);
    size_t i = 0, mantissa_digits = 0;
    auto digits = [&] {
        while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++mantissa_digits;
    };
    digits();
    if (i < v.size() && v[i] == '.') {
        ++i;
        digits();
    }
    if (mantissa_digits == 0) return false;
    if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
        size_t start = i;
        while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
        if (i == start) return false;
    }
    if (i != v.size()) return false;
    std::string text(v);
    out = std::strtod(text.c_str(), nullptr);
    if (negative) out = -out;
    return true;
}

} // namespace

ast::ExprPtr script_arg_literal(const std::string &value, SourceLoc loc) {
    if (value == "TRUE") return std::make_unique<ast::BoolLit>(std::move(loc), true);
    if (value == "FALSE") return std::make_unique<ast::BoolLit>(std::move(loc), false);
    int64_t i = 0;
    if (parses_as_int64(value, i)) return std::make_unique<ast::IntLit>(std::move(loc), i);
    double d = 0.0;
    if (parses_as_double(value, d)) return std::make_unique<ast::DoubleLit>(std::move(loc), d);
    return std::make_unique<ast::StringLit>(std::move(loc), value);
}

std::shared_ptr<const SourceFile> load_source_file(const std::string &path) {
    std::string text, err;
    if (!read_whole_file(path, text, err))
        throw DmlError(ErrorKind::Runtime, SourceLoc{}, "cannot read script file '" + path + "': " + err);
    return std::make_shared<SourceFile>(path, std::move(text));
}

ast::Program parse_program(std::shared_ptr<const SourceFile> main, const ParseOptions &opts) {
    ast::Program prog;
    prog.main_file = main;
    prog.namespaces[""].key = "";
    ParseContext ctx{prog, opts, {""}};
    Parser parser(ctx, std::move(main), "", initial_working_dir(opts), 0);
    prog.body = parser.parse_file();
    return prog;
}

void parse_into_namespace(ast::Program &prog, const std::string &path, const std::string &key,
                          const ParseOptions &opts) {
    if (prog.namespaces.count(key)) return;
    std::string wd = initial_working_dir(opts);
    auto file = load_source_file(resolve_path(wd, path).string());
    ParseContext ctx{prog, opts, {}};
    for (const auto &[k, ns] : prog.namespaces) ctx.parsed.insert(k);
    const std::set<std::string> before = ctx.parsed;
    ctx.parsed.insert(key);
    prog.namespaces[key].key = key;
    try {
        Parser parser(ctx, std::move(file), key, wd, 0);
        parser.parse_file();
    } catch (...) {
        // Leave the program as it was: drop every namespace this call added.
        for (auto it = prog.namespaces.begin(); it != prog.namespaces.end();)
            it = before.count(it->first) ? std::next(it) : prog.namespaces.erase(it);
        throw;
    }
}

} // namespace linea
