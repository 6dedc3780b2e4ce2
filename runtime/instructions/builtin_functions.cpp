// Run-time implementations of the generic native builtins, by DML name.
#include "runtime/data/frame.h"
#include "runtime/instructions/instructions.h"
#include "runtime/io/frame_io.h"
#include "runtime/io/matrix_io.h"
#include "runtime/program/context.h"
#include "runtime/program/program.h"
#include "runtime/util/text.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <unordered_map>

namespace linea::rt {

namespace {

using kernels::MatrixBlock;

[[noreturn]] void fail(BuiltinArgs &a, const std::string &msg) {
    throw DmlError(ErrorKind::Runtime, a.loc, msg);
}

const Value &arg(BuiltinArgs &a, size_t i) {
    return a.args[i];
}
bool has(BuiltinArgs &a, size_t i) {
    return i < a.args.size() && !a.args[i].is_empty();
}

const MatrixPtr &matrix_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = arg(a, i);
    if (!v.is_matrix())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a matrix but is a " + v.describe());
    return v.matrix();
}

double number_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = arg(a, i);
    if (v.is_matrix() && v.matrix()->rows() == 1 && v.matrix()->cols() == 1) return v.matrix()->get(0, 0);
    if (!v.is_numeric_scalar() && !v.is_string())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a number but is a " + v.describe());
    try {
        return v.to_double();
    } catch (const std::invalid_argument &) {
        fail(a, std::string(fn) + ": argument '" + param + "' must be a number but is the string '" +
                    v.as_string_unchecked() + "'");
    }
}

int64_t dim_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    double d = number_arg(a, i, fn, param);
    if (std::isnan(d) || d < 0 || d > 9e15)
        fail(a, std::string(fn) + ": '" + param + "' must be a non-negative integer but is " +
                    kernels::format_double(d));
    return static_cast<int64_t>(std::floor(d));
}

std::string string_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = arg(a, i);
    if (!v.is_scalar())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a string but is a " + v.describe());
    return v.to_print_string();
}

bool bool_arg(BuiltinArgs &a, size_t i, const char *fn, const char *param) {
    const Value &v = arg(a, i);
    if (!v.is_scalar())
        fail(a, std::string(fn) + ": argument '" + param + "' must be a boolean but is a " + v.describe());
    return v.to_bool();
}

// ------------------------------------------------------------------ construction
void fn_matrix(BuiltinArgs &a) {
    const int64_t rows = dim_arg(a, 1, "matrix", "rows"), cols = dim_arg(a, 2, "matrix", "cols");
    const bool byrow = bool_arg(a, 3, "matrix", "byrow");
    const Value &d = arg(a, 0);
    if (d.is_matrix()) {
        if (d.matrix()->cells() != rows * cols)
            fail(a, "matrix: cannot reshape a " + std::to_string(d.matrix()->rows()) + "x" +
                        std::to_string(d.matrix()->cols()) + " matrix into " + std::to_string(rows) + "x" +
                        std::to_string(cols));
        a.outputs.emplace_back(kernels::reshape(*d.matrix(), rows, cols, byrow));
    } else if (d.is_string()) {
        std::vector<double> values;
        const std::string &s = d.as_string_unchecked();
        size_t p = 0;
        while (p < s.size()) {
            while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == ',')) ++p;
            if (p >= s.size()) break;
            size_t q = p;
            while (q < s.size() && !(s[q] == ' ' || s[q] == '\t' || s[q] == '\n' || s[q] == ',')) ++q;
            Value tok(s.substr(p, q - p));
            try {
                values.push_back(tok.to_double());
            } catch (const std::invalid_argument &) {
                fail(a, "matrix: '" + s.substr(p, q - p) + "' in the data string is not a number");
            }
            p = q;
        }
        a.outputs.emplace_back(kernels::from_values(values, rows, cols, byrow));
    } else if (d.is_numeric_scalar()) {
        a.outputs.emplace_back(kernels::fill(rows, cols, d.to_double()));
    } else {
        fail(a, "matrix: cannot build a matrix from a " + d.describe());
    }
}

void fn_rand(BuiltinArgs &a) {
    const int64_t rows = dim_arg(a, 0, "rand", "rows"), cols = dim_arg(a, 1, "rand", "cols");
    const double mn = number_arg(a, 2, "rand", "min"), mx = number_arg(a, 3, "rand", "max");
    const double sp = number_arg(a, 4, "rand", "sparsity");
    const std::string pdf = string_arg(a, 5, "rand", "pdf");
    const double lambda = number_arg(a, 6, "rand", "lambda");
    const double seed = number_arg(a, 7, "rand", "seed");
    kernels::RandPdf p;
    if (pdf == "uniform")
        p = kernels::RandPdf::Uniform;
    else if (pdf == "normal")
        p = kernels::RandPdf::Normal;
    else if (pdf == "poisson")
        p = kernels::RandPdf::Poisson;
    else
        fail(a, "rand: unknown pdf '" + pdf + "' (expected uniform, normal or poisson)");
    uint64_t s = seed < 0 ? a.ctx.next_seed() : static_cast<uint64_t>(seed);
    a.outputs.emplace_back(kernels::rand(rows, cols, mn, mx, sp, p, lambda, s));
}

void fn_seq(BuiltinArgs &a) {
    const double from = number_arg(a, 0, "seq", "from"), to = number_arg(a, 1, "seq", "to");
    const double incr = has(a, 2) ? number_arg(a, 2, "seq", "incr") : (from <= to ? 1.0 : -1.0);
    a.outputs.emplace_back(kernels::seq(from, to, incr));
}

/// cbind/rbind of frames (every argument a frame; SystemDS does not mix frames and matrices).
void fn_bind_frames(BuiltinArgs &a, bool columns) {
    const char *name = columns ? "cbind" : "rbind";
    std::vector<const FrameBlock *> parts;
    for (const Value &v : a.args) {
        if (!v.is_frame())
            fail(a, std::string(name) + ": cannot bind a frame with a " + v.describe() +
                        " (convert it with as.frame)");
        parts.push_back(v.frame().get());
    }
    try {
        a.outputs.emplace_back(columns ? FrameBlock::cbind(parts) : FrameBlock::rbind(parts));
    } catch (const std::invalid_argument &e) {
        fail(a, e.what());
    } catch (const FrameCellError &e) {
        fail(a, std::string(name) + ": " + e.what());
    }
}

void fn_bind(BuiltinArgs &a, bool columns) {
    const char *name = columns ? "cbind" : "rbind";
    for (const Value &v : a.args)
        if (v.is_frame()) return fn_bind_frames(a, columns);
    std::vector<const MatrixBlock *> parts;
    std::vector<MatrixPtr> holders;
    auto add = [&](const Value &v) {
        if (v.is_matrix()) {
            parts.push_back(v.matrix().get());
        } else if (v.is_numeric_scalar()) {
            holders.push_back(kernels::fill(1, 1, v.to_double()));
            parts.push_back(holders.back().get());
        } else {
            fail(a, std::string(name) + ": cannot bind a " + v.describe());
        }
    };
    for (const Value &v : a.args) {
        if (v.is_list())
            for (const Value &e : v.list()->items) add(e);
        else
            add(v);
    }
    if (parts.empty()) fail(a, std::string(name) + " needs at least one matrix");
    a.outputs.emplace_back(columns ? kernels::cbind(parts) : kernels::rbind(parts));
}

// ------------------------------------------------------------------ linear algebra
void fn_solve(BuiltinArgs &a) {
    a.outputs.emplace_back(kernels::solve(*matrix_arg(a, 0, "solve", "A"), *matrix_arg(a, 1, "solve", "b")));
}

// ------------------------------------------------------------------ shape and casts
void fn_nrow(BuiltinArgs &a) {
    const Value &v = arg(a, 0);
    if (v.is_matrix())
        a.outputs.emplace_back(v.matrix()->rows());
    else if (v.is_frame())
        a.outputs.emplace_back(v.frame()->rows());
    else if (v.is_list())
        a.outputs.emplace_back(static_cast<int64_t>(v.list()->items.size()));
    else
        fail(a, "nrow expects a matrix but was given a " + v.describe());
}
void fn_ncol(BuiltinArgs &a) {
    const Value &v = arg(a, 0);
    if (v.is_matrix())
        a.outputs.emplace_back(v.matrix()->cols());
    else if (v.is_frame())
        a.outputs.emplace_back(v.frame()->cols());
    else if (v.is_list())
        a.outputs.emplace_back(int64_t{1});
    else
        fail(a, "ncol expects a matrix but was given a " + v.describe());
}
void fn_length(BuiltinArgs &a) {
    const Value &v = arg(a, 0);
    if (v.is_matrix())
        a.outputs.emplace_back(v.matrix()->cells());
    else if (v.is_frame())
        a.outputs.emplace_back(v.frame()->rows() * v.frame()->cols());
    else if (v.is_list())
        a.outputs.emplace_back(static_cast<int64_t>(v.list()->items.size()));
    else if (v.is_scalar())
        a.outputs.emplace_back(int64_t{1});
    else
        fail(a, "length expects a matrix or list but was given a " + v.describe());
}

void fn_as_scalar(BuiltinArgs &a) {
    const Value &v = arg(a, 0);
    if (v.is_scalar()) {
        a.outputs.push_back(v);
    } else if (v.is_matrix()) {
        if (v.matrix()->rows() != 1 || v.matrix()->cols() != 1)
            fail(a, "as.scalar expects a 1x1 matrix but was given a " + v.describe());
        a.outputs.emplace_back(v.matrix()->get(0, 0));
    } else if (v.is_frame()) {
        if (v.frame()->rows() != 1 || v.frame()->cols() != 1)
            fail(a, "as.scalar expects a 1x1 frame but was given a " + v.describe());
        a.outputs.push_back(v.frame()->get(0, 0));
    } else if (v.is_list() && v.list()->items.size() == 1 && v.list()->items[0].is_scalar()) {
        a.outputs.push_back(v.list()->items[0]);
    } else {
        fail(a, "as.scalar cannot convert a " + v.describe());
    }
}

/// as.matrix(list(s1, ..., sn)) of scalars: the n x 1 column of their values.
MatrixPtr list_column(BuiltinArgs &a, const ListValue &l) {
    std::vector<double> vals;
    for (const Value &e : l.items) {
        if (!e.is_numeric_scalar())
            fail(a, "as.matrix of a list with several elements needs numeric scalars, but one is a " +
                        e.describe());
        vals.push_back(e.to_double());
    }
    return kernels::from_values(vals, static_cast<int64_t>(vals.size()), 1, true);
}

void fn_as_matrix(BuiltinArgs &a) {
    const Value &v = arg(a, 0);
    if (v.is_matrix())
        a.outputs.push_back(v);
    else if (v.is_frame())
        try {
            a.outputs.emplace_back(v.frame()->to_matrix());
        } catch (const FrameCellError &e) {
            fail(a, std::string("as.matrix: ") + e.what());
        }
    else if (v.is_numeric_scalar() || v.is_string())
        a.outputs.emplace_back(kernels::fill(1, 1, v.to_double()));
    else if (v.is_list() && v.list()->items.size() == 1 && v.list()->items[0].is_matrix())
        a.outputs.push_back(v.list()->items[0]);
    else if (v.is_list() && !v.list()->items.empty())
        a.outputs.emplace_back(list_column(a, *v.list()));
    else
        fail(a, "as.matrix cannot convert a " + v.describe());
}

/// as.frame(X): a matrix becomes FP64 columns named C1..Cn; a scalar a 1x1 frame of its type.
void fn_as_frame(BuiltinArgs &a) {
    const Value &v = arg(a, 0);
    if (v.is_frame()) {
        a.outputs.push_back(v);
    } else if (v.is_matrix()) {
        a.outputs.emplace_back(FrameBlock::from_matrix(*v.matrix()));
    } else if (v.is_scalar()) {
        auto f = std::make_shared<FrameBlock>(1, std::vector<ValueType>{v.value_type()});
        f->set(0, 0, v);
        a.outputs.emplace_back(FramePtr(std::move(f)));
    } else {
        fail(a, "as.frame cannot convert a " + v.describe());
    }
}

Value scalar_of(BuiltinArgs &a, const char *fn) {
    const Value &v = arg(a, 0);
    if (v.is_scalar()) return v;
    if (v.is_matrix() && v.matrix()->rows() == 1 && v.matrix()->cols() == 1)
        return Value(v.matrix()->get(0, 0));
    fail(a, std::string(fn) + " expects a scalar but was given a " + v.describe());
}
void fn_as_double(BuiltinArgs &a) {
    a.outputs.emplace_back(scalar_of(a, "as.double").to_double());
}
void fn_as_integer(BuiltinArgs &a) {
    a.outputs.emplace_back(scalar_of(a, "as.integer").to_int());
}
void fn_as_logical(BuiltinArgs &a) {
    a.outputs.emplace_back(scalar_of(a, "as.logical").to_bool());
}

void fn_ifelse(BuiltinArgs &a) {
    const Value &c = arg(a, 0), &y = arg(a, 1), &n = arg(a, 2);
    if (!c.is_matrix() && !y.is_matrix() && !n.is_matrix()) {
        a.outputs.push_back(c.to_bool() ? y : n);
        return;
    }
    auto mat = [](const Value &v) { return v.is_matrix() ? v.matrix().get() : nullptr; };
    auto num = [](const Value &v) { return v.is_matrix() ? 0.0 : v.to_double(); };
    a.outputs.emplace_back(kernels::ifelse(mat(c), num(c), mat(y), num(y), mat(n), num(n)));
}

std::string value_to_string(BuiltinArgs &a, const Value &v, int64_t rows, int64_t cols, int decimal,
                            const std::string &sep, const std::string &linesep) {
    if (v.is_matrix()) return kernels::to_string(*v.matrix(), rows, cols, decimal, sep, linesep);
    if (v.is_frame()) return v.frame()->to_string(rows, cols, decimal, sep, linesep);
    if (v.is_scalar()) return v.to_print_string();
    if (v.is_list()) {
        std::string s;
        const ListValue &l = *v.list();
        for (size_t i = 0; i < l.items.size(); ++i) {
            if (l.named()) s += l.names[i] + ": ";
            s += value_to_string(a, l.items[i], rows, cols, decimal, sep, linesep);
            if (!l.items[i].is_matrix() && !l.items[i].is_frame()) s += "\n";
        }
        return s;
    }
    fail(a, "cannot convert a " + v.describe() + " to a string");
}

void fn_to_string(BuiltinArgs &a) {
    a.outputs.emplace_back(
        value_to_string(a, arg(a, 0), dim_arg(a, 1, "toString", "rows"), dim_arg(a, 2, "toString", "cols"),
                        static_cast<int>(dim_arg(a, 3, "toString", "decimal")),
                        string_arg(a, 5, "toString", "sep"), string_arg(a, 6, "toString", "linesep")));
}

// ------------------------------------------------------------------ lists
void fn_list(BuiltinArgs &a) {
    auto l = std::make_shared<ListValue>();
    bool any_named = false, any_unnamed = false;
    for (size_t i = 0; i < a.args.size(); ++i) {
        l->items.push_back(a.args[i]);
        const std::string n = i < a.names.size() ? a.names[i] : std::string();
        (n.empty() ? any_unnamed : any_named) = true;
        l->names.push_back(n);
    }
    if (any_named && any_unnamed) fail(a, "list: either all elements are named or none");
    if (!any_named) l->names.clear();
    a.outputs.emplace_back(ListPtr(std::move(l)));
}

/// append(L, x) adds x to list L; append(s1, s2) of scalars joins them as strings on two lines; append(A, B)
/// of matrices or frames is cbind(A, B) (usually rewritten to cbind at compile time).
void fn_append(BuiltinArgs &a) {
    const Value &l = arg(a, 0);
    if (l.is_scalar() && arg(a, 1).is_scalar()) {
        a.outputs.emplace_back(l.to_print_string() + "\n" + arg(a, 1).to_print_string());
        return;
    }
    if (!l.is_list()) {
        if (l.is_matrix() || l.is_frame()) return fn_bind(a, true);
        fail(a, "append expects a list, two scalars or two matrices but was given a " + l.describe() +
                    " and a " + arg(a, 1).describe());
    }
    auto out = std::make_shared<ListValue>(*l.list());
    if (out->named()) fail(a, "append: cannot append an unnamed element to a named list");
    out->items.push_back(arg(a, 1));
    a.outputs.emplace_back(ListPtr(std::move(out)));
}

// ------------------------------------------------------------------ printing
/// printf-style formatting as SystemDS's print("fmt", args...) does with Java's String.format.
std::string format_printf(BuiltinArgs &a, const std::string &fmt) {
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < fmt.size(); ++i) {
        char ch = fmt[i];
        if (ch != '%') {
            out += ch;
            continue;
        }
        size_t j = i + 1;
        if (j < fmt.size() && fmt[j] == '%') {
            out += '%';
            i = j;
            continue;
        }
        if (j < fmt.size() && fmt[j] == 'n') {
            out += '\n';
            i = j;
            continue;
        }
        std::string spec = "%";
        while (j < fmt.size() && std::strchr("-+ 0#,", fmt[j])) {
            if (fmt[j] != ',') spec += fmt[j];
            ++j;
        }
        while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j]))) spec += fmt[j++];
        if (j < fmt.size() && fmt[j] == '.') {
            spec += fmt[j++];
            while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j]))) spec += fmt[j++];
        }
        if (j >= fmt.size()) fail(a, "print: incomplete format specifier at the end of \"" + fmt + "\"");
        char conv = fmt[j];
        if (next >= a.args.size())
            fail(a, "print: the format \"" + fmt + "\" needs more arguments than were given");
        const Value &v = a.args[next++];
        char buf[512];
        switch (conv) {
        case 'd': {
            if (!v.is_int() && !(v.is_double() && v.to_double() == std::floor(v.to_double())) && !v.is_bool())
                fail(a, "print: %d needs an integer but was given " + v.to_print_string());
            spec += "lld";
            std::snprintf(buf, sizeof buf, spec.c_str(), static_cast<long long>(v.to_int()));
            out += buf;
            break;
        }
        case 'f':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
            if (!v.is_numeric_scalar())
                fail(a, std::string("print: %") + conv + " needs a number but was given a " + v.describe());
            spec += conv;
            std::snprintf(buf, sizeof buf, spec.c_str(), v.to_double());
            out += buf;
            break;
        }
        case 's':
        case 'S': {
            // Java's String.format renders a boolean argument of %s as true/false (lower case).
            std::string s = v.is_bool()     ? std::string(v.to_bool() ? "true" : "false")
                            : v.is_scalar() ? v.to_print_string()
                                            : value_to_string(a, v, 100, 100, 3, " ", "\n");
            spec += 's';
            std::string r(static_cast<size_t>(std::snprintf(nullptr, 0, spec.c_str(), s.c_str())), '\0');
            std::snprintf(r.data(), r.size() + 1, spec.c_str(), s.c_str());
            if (conv == 'S')
                for (char &c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            out += r;
            break;
        }
        case 'b':
            out += v.to_bool() ? "true" : "false";
            break;
        default:
            fail(a, std::string("print: unsupported format conversion '%") + conv + "'");
        }
        i = j;
    }
    return out;
}

void fn_print(BuiltinArgs &a) {
    std::string text;
    if (a.args.size() == 1) {
        text = value_to_string(a, arg(a, 0), 100, 100, 3, " ", "\n");
    } else {
        const Value &f = arg(a, 0);
        if (!f.is_string()) fail(a, "print with several arguments needs a format string first");
        text = format_printf(a, f.as_string_unchecked());
    }
    std::ostream &os = a.ctx.out();
    os << text << '\n';
}

void fn_stop(BuiltinArgs &a) {
    const Value &m = arg(a, 0);
    fail(a, m.is_scalar() ? m.to_print_string() : value_to_string(a, m, 100, 100, 3, " ", "\n"));
}

void fn_assert(BuiltinArgs &a) {
    const Value &c = arg(a, 0);
    if (!c.is_scalar()) fail(a, "assert expects a boolean but was given a " + c.describe());
    if (!c.to_bool()) fail(a, "assertion failed");
}

// ------------------------------------------------------------------ eval
/// eval("f", a, b) / eval("f", list(a, b)) / eval("f", list(x=a, y=b)): calls a function by name.
void fn_eval(BuiltinArgs &a) {
    const std::string name = string_arg(a, 0, "eval", "func");
    const Program &prog = a.ctx.program();
    const Function *fn = prog.find_function("::" + name);
    if (!fn) fn = prog.find_function("builtin:" + name + "::m_" + name);
    if (!fn) fn = prog.find_function("builtin:" + name + "::s_" + name);
    if (!fn) fail(a, "eval: unknown function '" + name + "'");
    std::vector<Value> args(fn->params.size());
    // With tracing, each argument keeps its lineage (a list element its own), so the body's results
    // are reusable across eval calls on the same data.
    const bool trace = !a.items.empty();
    std::vector<lineage::ItemPtr> items(trace ? fn->params.size() : 0);
    auto bind_positional = [&](size_t i, const Value &v) {
        if (i >= args.size())
            fail(a, "eval: too many arguments for function " + fn->name + " (it takes " +
                        std::to_string(fn->params.size()) + ")");
        args[i] = v;
    };
    if (a.args.size() == 2 && a.args[1].is_list() &&
        !(fn->params.size() >= 1 && fn->params[0].data_type == DataType::List)) {
        const ListValue &l = *a.args[1].list();
        for (size_t i = 0; i < l.items.size(); ++i) {
            if (!l.named()) {
                bind_positional(i, l.items[i]);
                if (trace) items[i] = list_element_item(a.items[1], "", static_cast<int64_t>(i + 1));
                continue;
            }
            size_t k = 0;
            while (k < fn->params.size() && fn->params[k].name != l.names[i]) ++k;
            if (k == fn->params.size())
                fail(a, "eval: function " + fn->name + " has no parameter '" + l.names[i] + "'");
            args[k] = l.items[i];
            if (trace) items[k] = list_element_item(a.items[1], l.names[i], 0);
        }
    } else {
        for (size_t i = 1; i < a.args.size(); ++i) {
            bind_positional(i - 1, a.args[i]);
            if (trace) items[i - 1] = a.items[i];
        }
    }
    std::vector<Value> out = a.ctx.call(*fn, std::move(args), a.loc, trace ? &items : nullptr);
    if (out.empty()) fail(a, "eval: function " + fn->name + " returns no value");
    a.outputs.push_back(std::move(out[0]));
}

// ------------------------------------------------------------------ I/O
std::vector<std::string> na_strings_arg(BuiltinArgs &a, size_t i) {
    std::vector<std::string> out;
    std::string na = string_arg(a, i, "read", "naStrings");
    size_t p = 0;
    while (p <= na.size()) {
        size_t q = na.find(',', p);
        if (q == std::string::npos) q = na.size();
        out.push_back(na.substr(p, q - p));
        p = q + 1;
    }
    return out;
}

/// read()'s rows= and cols= arguments, else the dimensions of the .mtd (when there is one).
void read_dims(BuiltinArgs &a, const std::optional<io::MatrixMeta> &meta, std::optional<int64_t> &rows,
               std::optional<int64_t> &cols) {
    if (has(a, 2))
        rows = dim_arg(a, 2, "read", "rows");
    else if (meta)
        rows = meta->rows;
    if (has(a, 3))
        cols = dim_arg(a, 3, "read", "cols");
    else if (meta)
        cols = meta->cols;
}

/// read(f, data_type="frame", format="csv", header=, sep=): the schema comes from the .mtd (else STRING).
void read_frame(BuiltinArgs &a, const std::string &path, const std::optional<io::MatrixMeta> &meta) {
    const std::string format = has(a, 1) ? string_arg(a, 1, "read", "format") : (meta ? meta->format : "csv");
    if (format != "csv") fail(a, "read: frames in format '" + format + "' are not supported yet (only csv)");
    io::FrameReadOptions o;
    read_dims(a, meta, o.rows, o.cols);
    o.header = has(a, 4) ? bool_arg(a, 4, "read", "header") : (meta ? meta->header : false);
    o.sep = has(a, 5) ? string_arg(a, 5, "read", "sep") : (meta ? meta->sep : ",");
    if (has(a, 8)) o.na_strings = na_strings_arg(a, 8);
    o.schema = io::read_frame_schema(path);
    a.outputs.emplace_back(io::read_frame_csv(path, o));
}

void fn_read(BuiltinArgs &a) {
    const std::string path = string_arg(a, 0, "read", "fname");
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail(a, "cannot read '" + path + "': no such file or directory");
    try {
        std::optional<io::MatrixMeta> meta = io::read_mtd(path);
        std::string data_type =
            has(a, 9) ? string_arg(a, 9, "read", "data_type") : (meta ? meta->data_type : "matrix");
        if (data_type == "scalar") {
            std::string vt =
                has(a, 10) ? string_arg(a, 10, "read", "value_type") : (meta ? meta->value_type : "double");
            std::string text = io::read_scalar_text(path);
            Value s(text);
            if (vt == "string")
                a.outputs.push_back(s);
            else if (vt == "int")
                a.outputs.emplace_back(s.to_int());
            else if (vt == "boolean")
                a.outputs.emplace_back(s.to_bool());
            else
                a.outputs.emplace_back(s.to_double());
            return;
        }
        if (data_type == "frame") return read_frame(a, path, meta);
        if (data_type != "matrix") fail(a, "read: data_type '" + data_type + "' is not supported yet");
        io::ReadOptions o;
        o.format = has(a, 1) ? string_arg(a, 1, "read", "format") : (meta ? meta->format : "text");
        read_dims(a, meta, o.rows, o.cols);
        if (meta && has(a, 2) && meta->rows && *meta->rows != *o.rows)
            fail(a, "read: rows=" + std::to_string(*o.rows) + " disagrees with " + path + ".mtd (" +
                        std::to_string(*meta->rows) + ")");
        if (meta && has(a, 3) && meta->cols && *meta->cols != *o.cols)
            fail(a, "read: cols=" + std::to_string(*o.cols) + " disagrees with " + path + ".mtd (" +
                        std::to_string(*meta->cols) + ")");
        o.header = has(a, 4) ? bool_arg(a, 4, "read", "header") : (meta ? meta->header : false);
        o.sep = has(a, 5) ? string_arg(a, 5, "read", "sep") : (meta ? meta->sep : ",");
        if (has(a, 6)) o.fill = bool_arg(a, 6, "read", "fill");
        if (has(a, 7)) o.fill_value = number_arg(a, 7, "read", "default");
        if (has(a, 8)) o.na_strings = na_strings_arg(a, 8);
        a.outputs.emplace_back(io::read_matrix(path, o));
    } catch (const io::IoError &e) {
        fail(a, e.what());
    }
}

/// The format argument of write(); format names are case-insensitive as in SystemDS ("CSV" is csv).
std::string format_arg(BuiltinArgs &a, size_t i) {
    return ascii_lower(string_arg(a, i, "write", "format"));
}

void fn_write(BuiltinArgs &a) {
    const Value &v = arg(a, 0);
    const std::string path = string_arg(a, 1, "write", "fname");
    try {
        if (v.is_scalar()) {
            io::write_scalar(path, v.to_print_string(), to_string(v.value_type()));
            return;
        }
        if (v.is_frame()) {
            const std::string format = format_arg(a, 2);
            if (format != "csv")
                fail(a,
                     "write: frames in format '" + format + "' are not supported yet (use format=\"csv\")");
            io::write_frame_csv(path, *v.frame(), bool_arg(a, 3, "write", "header"),
                                string_arg(a, 4, "write", "sep"), string_arg(a, 5, "write", "description"));
            return;
        }
        if (!v.is_matrix()) fail(a, "write: cannot write a " + v.describe() + " yet");
        io::WriteOptions o;
        o.format = format_arg(a, 2);
        if (o.format != "text" && o.format != "csv" && o.format != "mm" && o.format != "binary")
            fail(a, "write: unsupported format '" + o.format + "' (expected text, csv, mm or binary)");
        o.header = bool_arg(a, 3, "write", "header");
        o.sep = string_arg(a, 4, "write", "sep");
        o.description = string_arg(a, 5, "write", "description");
        io::write_matrix(path, *v.matrix(), o);
    } catch (const io::IoError &e) {
        fail(a, e.what());
    }
}

} // namespace

const BuiltinFnTable &core_builtin_fns() {
    static const BuiltinFnTable t = {
        {"matrix", fn_matrix},
        {"rand", fn_rand},
        {"seq", fn_seq},
        {"cbind", [](BuiltinArgs &a) { fn_bind(a, true); }},
        {"rbind", [](BuiltinArgs &a) { fn_bind(a, false); }},
        {"solve", fn_solve},
        {"nrow", fn_nrow},
        {"ncol", fn_ncol},
        {"length", fn_length},
        {"as.scalar", fn_as_scalar},
        {"as.matrix", fn_as_matrix},
        {"as.frame", fn_as_frame},
        {"as.double", fn_as_double},
        {"as.integer", fn_as_integer},
        {"as.logical", fn_as_logical},
        {"ifelse", fn_ifelse},
        {"toString", fn_to_string},
        {"list", fn_list},
        {"append", fn_append},
        {"eval", fn_eval},
        {"lineage",
         [](BuiltinArgs &a) {
             // With tracing on, the traced execution answers lineage(X) before this runs.
             fail(a, "lineage(X) needs lineage tracing: run with -lineage");
         }},
        {"print", fn_print},
        {"stop", fn_stop},
        {"assert", fn_assert},
        {"read", fn_read},
        {"write", fn_write},
    };
    return t;
}

const BuiltinFn *find_builtin_fn(std::string_view name) {
    for (const BuiltinFnTable *t : {&core_builtin_fns(), &extended_builtin_fns()}) {
        auto it = t->find(name);
        if (it != t->end()) return &it->second;
    }
    return nullptr;
}

} // namespace linea::rt
