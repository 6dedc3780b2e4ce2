#include "language/builtins.h"

#include "runtime/util/text.h"

#include <unordered_map>

namespace linea {

namespace {

BuiltinParam req(std::string_view n) {
    return BuiltinParam{n, true, std::nullopt};
}
BuiltinParam opt(std::string_view n, Value v) {
    return BuiltinParam{n, false, std::move(v)};
}
/// Optional with no default: the builtin behaves differently when it is absent (log(x) vs log(x, b)).
BuiltinParam absent(std::string_view n) {
    return BuiltinParam{n, false, std::nullopt};
}

BuiltinInfo unary(std::string_view name, std::string_view opcode) {
    return BuiltinInfo{
        name, {req("target")}, false, false, 1, 1, BuiltinResult::SameAsInput, BuiltinHop::Unary, opcode};
}
BuiltinInfo agg(std::string_view name, std::string_view opcode, BuiltinResult r) {
    return BuiltinInfo{name, {req("target")}, false, false, 1, 1, r, BuiltinHop::Aggregate, opcode};
}
BuiltinInfo generic(std::string_view name, std::vector<BuiltinParam> params, BuiltinResult r,
                    std::string_view opcode) {
    return BuiltinInfo{name, std::move(params), false, false, 1, 1, r, BuiltinHop::Generic, opcode};
}
BuiltinInfo statement(std::string_view name, std::vector<BuiltinParam> params, std::string_view opcode) {
    BuiltinInfo b{name,  std::move(params), false, false, 0, 0, BuiltinResult::None, BuiltinHop::Generic,
                  opcode};
    b.side_effect = true;
    return b;
}

std::vector<BuiltinInfo> make_table() {
    using R = BuiltinResult;
    std::vector<BuiltinInfo> t;
    // cell-wise math
    for (auto [n, op] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
             {"abs", "abs"},         {"exp", "exp"},    {"sqrt", "sqrt"},    {"round", "round"},
             {"floor", "floor"},     {"ceil", "ceil"},  {"sign", "sign"},    {"sin", "sin"},
             {"cos", "cos"},         {"tan", "tan"},    {"asin", "asin"},    {"acos", "acos"},
             {"atan", "atan"},       {"sinh", "sinh"},  {"cosh", "cosh"},    {"tanh", "tanh"},
             {"sigmoid", "sigmoid"}, {"is.na", "isna"}, {"is.nan", "isnan"}, {"is.infinite", "isinf"}})
        t.push_back(unary(n, op));
    {
        BuiltinInfo log = unary("log", "log");
        log.params.push_back(absent("base"));
        t.push_back(log);
    }
    // aggregates
    t.push_back(agg("sum", "uak+", R::ScalarDouble));
    {
        // mean(X, W): the weighted mean (built as sum(X * W) / sum(W))
        BuiltinInfo m = agg("mean", "uamean", R::ScalarDouble);
        m.params.push_back(absent("weights"));
        t.push_back(m);
    }
    t.push_back(agg("prod", "ua*", R::ScalarDouble));
    t.push_back(agg("var", "uavar", R::ScalarDouble));
    t.push_back(agg("sd", "uasd", R::ScalarDouble));
    t.push_back(agg("trace", "uaktrace", R::ScalarDouble));
    for (auto [n, op] :
         std::initializer_list<std::pair<std::string_view, std::string_view>>{{"rowSums", "uark+"},
                                                                              {"colSums", "uack+"},
                                                                              {"rowMeans", "uarmean"},
                                                                              {"colMeans", "uacmean"},
                                                                              {"rowMaxs", "uarmax"},
                                                                              {"colMaxs", "uacmax"},
                                                                              {"rowMins", "uarmin"},
                                                                              {"colMins", "uacmin"},
                                                                              {"rowProds", "uar*"},
                                                                              {"colProds", "uac*"},
                                                                              {"rowVars", "uarvar"},
                                                                              {"colVars", "uacvar"},
                                                                              {"rowSds", "uarsd"},
                                                                              {"colSds", "uacsd"},
                                                                              {"rowIndexMax", "uarimax"},
                                                                              {"rowIndexMin", "uarimin"}})
        t.push_back(agg(n, op, R::Matrix));
    for (std::string_view n : {"min", "max"}) {
        BuiltinInfo b{n,
                      {req("target")},
                      true,
                      false,
                      1,
                      1,
                      R::Unknown,
                      BuiltinHop::MinMax,
                      n == "min" ? "min" : "max"};
        t.push_back(b);
    }
    // reorganisation
    t.push_back(BuiltinInfo{"t", {req("target")}, false, false, 1, 1, R::Matrix, BuiltinHop::Reorg, "r'"});
    t.push_back(BuiltinInfo{"rev", {req("target")}, false, false, 1, 1, R::Matrix, BuiltinHop::Reorg, "rev"});
    t.push_back(
        BuiltinInfo{"diag", {req("target")}, false, false, 1, 1, R::Matrix, BuiltinHop::Reorg, "rdiag"});
    // construction
    t.push_back(generic("matrix", {req("data"), req("rows"), req("cols"), opt("byrow", Value(true))},
                        R::Matrix, "rand"));
    t.push_back(generic("rand",
                        {req("rows"), req("cols"), opt("min", Value(0.0)), opt("max", Value(1.0)),
                         opt("sparsity", Value(1.0)), opt("pdf", Value("uniform")), opt("lambda", Value(1.0)),
                         opt("seed", Value(int64_t{-1}))},
                        R::Matrix, "rand"));
    // ppred(A, B, "op"): the comparison A op B, built as a binary HOP (the opcode names its -stats row)
    t.push_back(generic("ppred", {req("target1"), req("target2"), req("op")}, R::Unknown, "ppred"));
    t.push_back(generic("seq", {req("from"), req("to"), absent("incr")}, R::Matrix, "seq"));
    {
        BuiltinInfo b = generic("cbind", {}, R::Matrix, "cbind");
        b.variadic = true;
        t.push_back(b);
        b.name = "rbind";
        b.opcode = "rbind";
        t.push_back(b);
    }
    // linear algebra
    t.push_back(generic("solve", {req("A"), req("b")}, R::Matrix, "solve"));
    // shape and casts
    t.push_back(generic("nrow", {req("target")}, R::ScalarInt, "nrow"));
    t.push_back(generic("ncol", {req("target")}, R::ScalarInt, "ncol"));
    t.push_back(generic("length", {req("target")}, R::ScalarInt, "length"));
    t.push_back(generic("as.scalar", {req("target")}, R::Unknown, "castdts"));
    t.push_back(generic("as.matrix", {req("target")}, R::Matrix, "castsdm"));
    t.push_back(generic("as.frame", {req("target")}, R::Frame, "castdtf"));
    t.push_back(generic("as.double", {req("target")}, R::ScalarDouble, "castvtd"));
    t.push_back(generic("as.integer", {req("target")}, R::ScalarInt, "castvti"));
    t.push_back(generic("as.logical", {req("target")}, R::ScalarBool, "castvtb"));
    t.push_back(generic("ifelse", {req("test"), req("yes"), req("no")}, R::Unknown, "ifelse"));
    t.push_back(generic("as.list", {req("target")}, R::List, "castdtl"));
    t.push_back(generic("typeof", {req("target")}, R::ScalarString, "typeof"));
    {
        // exists(x) / exists("x"): whether variable x is defined in the current scope; its answer depends on
        // the symbol table, not on x's value, so it is never reused from the lineage cache.
        BuiltinInfo b = generic("exists", {req("target")}, R::ScalarBool, "exists");
        b.probes_variable = true;
        b.deterministic = false;
        t.push_back(b);
    }
    t.push_back(generic("toString",
                        {req("target"), opt("rows", Value(int64_t{100})), opt("cols", Value(int64_t{100})),
                         opt("decimal", Value(int64_t{3})), opt("sparse", Value(false)),
                         opt("sep", Value(" ")), opt("linesep", Value("\n"))},
                        R::ScalarString, "toString"));
    // construction (extended)
    {
        BuiltinInfo b = generic(
            "sample",
            {req("range"), req("size"), opt("replace", Value(false)), opt("seed", Value(int64_t{-1}))},
            R::Matrix, "sample");
        b.deterministic = false;
        t.push_back(b);
    }
    t.push_back(generic("lower.tri", {req("target"), opt("diag", Value(false)), opt("values", Value(false))},
                        R::Matrix, "lowertri"));
    t.push_back(generic("upper.tri", {req("target"), opt("diag", Value(false)), opt("values", Value(false))},
                        R::Matrix, "uppertri"));
    t.push_back(generic("outer", {req("target1"), req("target2"), req("op")}, R::Matrix, "outer"));
    // reordering and selection
    t.push_back(generic("order",
                        {req("target"), opt("by", Value(int64_t{1})), opt("decreasing", Value(false)),
                         opt("index.return", Value(false))},
                        R::Matrix, "rsort"));
    t.push_back(generic("removeEmpty",
                        {req("target"), req("margin"), absent("select"), opt("empty.return", Value(true))},
                        R::Matrix, "rmempty"));
    t.push_back(
        generic("replace", {req("target"), req("pattern"), req("replacement")}, R::Matrix, "replace"));
    t.push_back(generic("unique", {req("target")}, R::Matrix, "unique"));
    // table(A, B [, W] [, odim1, odim2]): the optional arguments are told apart by their count at run time
    t.push_back(generic("table",
                        {req("target1"), req("target2"), absent("arg3"), absent("arg4"), absent("arg5")},
                        R::Matrix, "ctable"));
    t.push_back(generic("aggregate",
                        {req("target"), req("groups"), req("fn"), absent("weights"), absent("ngroups")},
                        R::Matrix, "groupedagg"));
    // cumulative and order statistics
    for (auto [n, op] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
             {"cumsum", "ucumk+"}, {"cumprod", "ucum*"}, {"cummin", "ucummin"}, {"cummax", "ucummax"}})
        t.push_back(generic(n, {req("target")}, R::Matrix, op));
    // moment(X, [W,] order), quantile(X, [W,] p): a third argument makes the second the weights
    t.push_back(generic("moment", {req("target"), req("arg2"), absent("arg3")}, R::ScalarDouble, "cm"));
    t.push_back(generic("cov", {req("target1"), req("target2"), absent("weights")}, R::ScalarDouble, "cov"));
    t.push_back(generic("quantile", {req("target"), req("arg2"), absent("arg3")}, R::Unknown, "qpick"));
    t.push_back(generic("median", {req("target"), absent("weights")}, R::ScalarDouble, "median"));
    t.push_back(generic("xor", {req("target1"), req("target2")}, R::Unknown, "xor"));
    // probability distributions (scalars): cdf/icdf by name, and p<dist>/q<dist>
    {
        const auto tail = [] { return opt("lower.tail", Value(true)); };
        t.push_back(generic("cdf",
                            {req("target"), req("dist"), opt("mean", Value(0.0)), opt("sd", Value(1.0)),
                             opt("rate", Value(1.0)), absent("df"), absent("df1"), absent("df2"), tail()},
                            R::ScalarDouble, "cdf"));
        t.push_back(generic("icdf",
                            {req("target"), req("dist"), opt("mean", Value(0.0)), opt("sd", Value(1.0)),
                             opt("rate", Value(1.0)), absent("df"), absent("df1"), absent("df2")},
                            R::ScalarDouble, "invcdf"));
        t.push_back(generic("pnorm", {req("target"), opt("mean", Value(0.0)), opt("sd", Value(1.0)), tail()},
                            R::ScalarDouble, "cdf"));
        t.push_back(
            generic("pexp", {req("target"), opt("rate", Value(1.0)), tail()}, R::ScalarDouble, "cdf"));
        t.push_back(generic("pchisq", {req("target"), req("df"), tail()}, R::ScalarDouble, "cdf"));
        t.push_back(generic("pf", {req("target"), req("df1"), req("df2"), tail()}, R::ScalarDouble, "cdf"));
        t.push_back(generic("pt", {req("target"), req("df"), tail()}, R::ScalarDouble, "cdf"));
        t.push_back(generic("qnorm", {req("target"), opt("mean", Value(0.0)), opt("sd", Value(1.0))},
                            R::ScalarDouble, "invcdf"));
        t.push_back(generic("qexp", {req("target"), opt("rate", Value(1.0))}, R::ScalarDouble, "invcdf"));
        t.push_back(generic("qchisq", {req("target"), req("df")}, R::ScalarDouble, "invcdf"));
        t.push_back(generic("qf", {req("target"), req("df1"), req("df2")}, R::ScalarDouble, "invcdf"));
        t.push_back(generic("qt", {req("target"), req("df")}, R::ScalarDouble, "invcdf"));
    }
    // decompositions
    t.push_back(generic("inv", {req("target")}, R::Matrix, "inverse"));
    t.push_back(generic("cholesky", {req("target")}, R::Matrix, "cholesky"));
    t.push_back(generic("det", {req("target")}, R::ScalarDouble, "det"));
    for (auto [n, k] : std::initializer_list<std::pair<std::string_view, int>>{
             {"eigen", 2}, {"lu", 3}, {"qr", 2}, {"svd", 3}}) {
        BuiltinInfo b = generic(n, {req("target")}, R::Matrix, n);
        b.max_outputs = k;
        t.push_back(b);
    }
    // lists
    {
        BuiltinInfo b = generic("list", {}, R::List, "list");
        b.variadic = true;
        b.any_names = true;
        t.push_back(b);
    }
    // append(L, x) on lists; append(s1, s2) joins strings with a newline; append(A, B) is cbind
    t.push_back(generic("append", {req("target"), req("value")}, R::Unknown, "append"));
    {
        BuiltinInfo b = generic("remove", {req("target"), req("pos")}, R::List, "remove");
        b.max_outputs = 2;
        t.push_back(b);
    }
    // second-order: eval("fname", args...) or eval("fname", list(...))
    {
        BuiltinInfo b = generic("eval", {req("func")}, R::Unknown, "eval");
        b.variadic = true;
        b.deterministic = false;
        t.push_back(b);
    }
    // lineage(X): the lineage trace of X as text (needs -lineage)
    {
        BuiltinInfo b = generic("lineage", {req("target")}, R::ScalarString, "lineage");
        b.deterministic = false;
        t.push_back(b);
    }
    // I/O
    t.push_back(generic("read",
                        {req("fname"), absent("format"), absent("rows"), absent("cols"), absent("header"),
                         absent("sep"), absent("fill"), absent("default"), absent("naStrings"),
                         absent("data_type"), absent("value_type")},
                        R::Unknown, "read"));
    t.push_back(
        statement("write",
                  {req("target"), req("fname"), opt("format", Value("text")), opt("header", Value(false)),
                   opt("sep", Value(",")), opt("description", Value(""))},
                  "write"));
    {
        BuiltinInfo p = statement("print", {req("target")}, "print");
        p.variadic = true;
        t.push_back(p);
    }
    t.push_back(statement("stop", {req("message")}, "stop"));
    t.push_back(statement("assert", {req("condition")}, "assert"));
    return t;
}

} // namespace

const std::vector<BuiltinInfo> &builtin_table() {
    static const std::vector<BuiltinInfo> table = make_table();
    return table;
}

int find_builtin(std::string_view name) {
    static const std::unordered_map<std::string_view, int> index = [] {
        std::unordered_map<std::string_view, int> m;
        const auto &t = builtin_table();
        for (size_t i = 0; i < t.size(); ++i) m.emplace(t[i].name, static_cast<int>(i));
        return m;
    }();
    auto it = index.find(name);
    if (it != index.end()) return it->second;
    // SystemDS matches the name rand in any case (Rand, RAND), as older scripts spell it.
    return iequals(name, "rand") ? index.at("rand") : -1;
}

} // namespace linea
