// Recomputation from lineage: every item becomes the instruction its opcode and data describe, run in a
// one-instruction function over the values of its inputs. (Implemented next to the items, but it needs
// the instruction families of runtime/instructions, which live in the same library.)
#include "runtime/lineage/recompute.h"

#include "runtime/instructions/instructions.h"
#include "runtime/lineage/fingerprint.h"
#include "runtime/program/context.h"
#include "runtime/program/program.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace linea::lineage {

namespace {
using rt::Operand;
using B = kernels::BinaryOp;
using U = kernels::UnaryOp;
using A = kernels::AggOp;
using D = kernels::AggDir;

const std::map<std::string, B> &binary_ops() {
    static const std::map<std::string, B> m = {
        {"+", B::Add},      {"-", B::Sub},   {"*", B::Mul},   {"/", B::Div},  {"^", B::Pow},
        {"%/%", B::IntDiv}, {"%%", B::Mod},  {"<", B::Lt},    {"<=", B::Le},  {">", B::Gt},
        {">=", B::Ge},      {"==", B::Eq},   {"!=", B::Ne},   {"&&", B::And}, {"||", B::Or},
        {"xor", B::Xor},    {"min", B::Min}, {"max", B::Max}, {"log", B::Log}};
    return m;
}
const std::map<std::string, U> &unary_ops() {
    static const std::map<std::string, U> m = {
        {"u-", U::Neg},    {"!", U::Not},       {"abs", U::Abs},     {"exp", U::Exp},
        {"log", U::Log},   {"sqrt", U::Sqrt},   {"round", U::Round}, {"floor", U::Floor},
        {"ceil", U::Ceil}, {"sign", U::Sign},   {"sin", U::Sin},     {"cos", U::Cos},
        {"tan", U::Tan},   {"asin", U::Asin},   {"acos", U::Acos},   {"atan", U::Atan},
        {"sinh", U::Sinh}, {"cosh", U::Cosh},   {"tanh", U::Tanh},   {"sigmoid", U::Sigmoid},
        {"isna", U::IsNA}, {"isnan", U::IsNaN}, {"isinf", U::IsInf}};
    return m;
}
const std::map<std::string, std::pair<A, D>> &aggregate_ops() {
    static const std::map<std::string, std::pair<A, D>> m = {
        {"uak+", {A::Sum, D::All}},        {"uasqk+", {A::SumSq, D::All}}, {"uamean", {A::Mean, D::All}},
        {"ua*", {A::Prod, D::All}},        {"uavar", {A::Var, D::All}},    {"uasd", {A::Sd, D::All}},
        {"uaktrace", {A::Trace, D::All}},  {"uamax", {A::Max, D::All}},    {"uamin", {A::Min, D::All}},
        {"uark+", {A::Sum, D::Row}},       {"uack+", {A::Sum, D::Col}},    {"uarmean", {A::Mean, D::Row}},
        {"uacmean", {A::Mean, D::Col}},    {"uarmax", {A::Max, D::Row}},   {"uacmax", {A::Max, D::Col}},
        {"uarmin", {A::Min, D::Row}},      {"uacmin", {A::Min, D::Col}},   {"uar*", {A::Prod, D::Row}},
        {"uac*", {A::Prod, D::Col}},       {"uarvar", {A::Var, D::Row}},   {"uacvar", {A::Var, D::Col}},
        {"uarsd", {A::Sd, D::Row}},        {"uacsd", {A::Sd, D::Col}},     {"uarimax", {A::IndexMax, D::Row}},
        {"uarimin", {A::IndexMin, D::Row}}};
    return m;
}

[[noreturn]] void cannot(const Item &it, const std::string &why) {
    std::string data = it.data().size() > 80 ? it.data().substr(0, 80) + "..." : it.data();
    throw std::runtime_error("cannot recompute lineage item '" + it.opcode() +
                             (data.empty() ? "" : " " + data) + "': " + why);
}

std::vector<std::string> tokens(const std::string &s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string t; in >> t;) out.push_back(t);
    return out;
}

/// Forces the seed of the next draw (rand/sample traced without a seed recorded the one they drew).
class ForceSeed : public rt::Instruction {
public:
    explicit ForceSeed(uint64_t seed) : Instruction("lineage_seed", SourceLoc{}), seed_(seed) {}
    void execute(rt::ExecContext &ctx) const override { ctx.force_next_seed(seed_); }

private:
    uint64_t seed_;
};

/// Reads one index dimension ("a", "s" or "r") from `code` at `pos`, taking its operands from `ops`.
rt::IndexSpec index_dim(const Item &it, const std::string &code, size_t &pos, char tag,
                        std::vector<Operand> &ops, size_t &k) {
    if (code[pos] != tag || pos + 1 >= code.size()) cannot(it, "malformed index data");
    const char kind = code[pos + 1];
    pos += 2;
    rt::IndexSpec d;
    if (kind == 'a') return d;
    d.all = false;
    d.single = kind == 's';
    if (kind != 's' && kind != 'r') cannot(it, "malformed index data");
    const size_t need = d.single ? 1 : 2;
    if (k + need > ops.size()) cannot(it, "too few index operands");
    d.lower = ops[k++];
    if (!d.single) d.upper = ops[k++];
    return d;
}

/// The instruction that computes `it` from `ops` into output slot `out` (plus seed forcing in `pre`).
rt::InstrPtr make_instruction(const Item &it, std::vector<Operand> ops, int out, rt::InstrList &pre) {
    const std::string &op = it.opcode();
    const std::string &data = it.data();
    SourceLoc loc;
    const size_t n = ops.size();
    if (data.empty() && n == 2 && binary_ops().count(op))
        return std::make_unique<rt::BinaryInstruction>(op, binary_ops().at(op), ops[0], ops[1], out, loc);
    if (data.empty() && n == 1 && unary_ops().count(op))
        return std::make_unique<rt::UnaryInstruction>(op, unary_ops().at(op), ops[0], out, loc);
    if (data.empty() && n == 1 && aggregate_ops().count(op)) {
        auto [a, d] = aggregate_ops().at(op);
        return std::make_unique<rt::AggregateInstruction>(op, a, d, ops[0], out, loc);
    }
    if (data.empty() && n == 1 && (op == "r'" || op == "rev" || op == "rdiag"))
        return std::make_unique<rt::ReorgInstruction>(op == "r'"    ? rt::ReorgOp::Transpose
                                                      : op == "rev" ? rt::ReorgOp::Rev
                                                                    : rt::ReorgOp::Diag,
                                                      ops[0], out, loc);
    if (data.empty() && (op == "nmin" || op == "nmax"))
        return std::make_unique<rt::NaryMinMaxInstruction>(op == "nmax", std::move(ops), out, loc);
    if (op == "ba+*" || op == "tsmm" || op == "mmchain") {
        char *end = nullptr;
        const long kind = std::strtol(data.c_str(), &end, 10);
        if (data.empty() || *end != '\0' || kind < 0 || kind > static_cast<long>(rt::MatMultKind::MMChainW))
            cannot(it, "unknown matrix multiplication form");
        return std::make_unique<rt::MatMultInstruction>(static_cast<rt::MatMultKind>(kind), std::move(ops),
                                                        out, loc);
    }
    if (op == "rightIndex" || op == "leftIndex") {
        const bool left = op == "leftIndex";
        if (data.size() != 5 || (data[0] != '1' && data[0] != '2') || n < (left ? 2u : 1u))
            cannot(it, "malformed index data");
        size_t pos = 1, k = left ? 2 : 1;
        rt::IndexSpec r = index_dim(it, data, pos, 'r', ops, k);
        rt::IndexSpec c = index_dim(it, data, pos, 'c', ops, k);
        if (k != n) cannot(it, "too many index operands");
        if (left)
            return std::make_unique<rt::LeftIndexInstruction>(ops[0], ops[1], std::move(r), std::move(c),
                                                              data[0] == '2', out, loc);
        return std::make_unique<rt::IndexInstruction>(ops[0], std::move(r), std::move(c), data[0] == '2', out,
                                                      loc);
    }
    // A generic builtin: data = "name [argname=]... [seed=S] [fp=F] [outK]".
    std::vector<std::string> t = tokens(data);
    if (t.empty()) cannot(it, "unknown opcode");
    const rt::BuiltinFn *fn = rt::find_builtin_fn(t[0]);
    if (!fn) cannot(it, "unknown opcode or builtin");
    std::vector<std::string> names;
    size_t out_index = 0;
    for (size_t i = 1; i < t.size(); ++i) {
        const std::string &tok = t[i];
        if (tok[0] == '#') cannot(it, "the traced operation was not deterministic");
        if (tok.rfind("seed=", 0) == 0 && tok.size() > 5) {
            pre.push_back(std::make_unique<ForceSeed>(std::strtoull(tok.c_str() + 5, nullptr, 10)));
        } else if (tok.rfind("fp=", 0) == 0 && tok.size() > 3) {
            // A file read: the file must still be the one traced.
            if (n == 0 || ops[0].slot >= 0 || !ops[0].constant.is_string())
                cannot(it, "a read without a constant path");
            const std::string path = ops[0].constant.as_string_unchecked();
            std::optional<std::string> fp = file_fingerprint(path);
            const std::string traced = data.substr(data.find(" fp=") + 4);
            if (!fp || traced.rfind(*fp, 0) != 0)
                cannot(it, "the file '" + path + "' changed (or vanished) since it was traced");
        } else if (tok.rfind("out", 0) == 0 && tok.size() > 3 && tok.back() != '=' && i + 1 == t.size()) {
            out_index = std::strtoul(tok.c_str() + 3, nullptr, 10);
        } else if (!tok.empty() && tok.back() == '=') {
            names.push_back(tok.substr(0, tok.size() - 1));
        }
    }
    std::vector<int> outs(out_index + 1, -1);
    outs[out_index] = out;
    return std::make_unique<rt::BuiltinInstruction>(op, t[0], fn, std::move(ops), std::move(names),
                                                    std::move(outs), loc);
}

/// Finds a compiled function by its display name.
const rt::Function *function_named(const rt::Program *p, const std::string &name) {
    if (!p) return nullptr;
    for (const auto &[key, fn] : p->functions)
        if (fn->name == name) return fn.get();
    return nullptr;
}

/// Items in bottom-up order (inputs first), each once.
std::vector<const Item *> bottom_up(const ItemPtr &root) {
    std::vector<const Item *> order;
    std::unordered_map<const Item *, bool> seen;
    std::vector<std::pair<const Item *, size_t>> stack{{root.get(), 0}};
    seen[root.get()] = true;
    while (!stack.empty()) {
        auto &[it, i] = stack.back();
        if (i == 0 && it->opcode() == "dedup") i = 1; // the patch is evaluated per use, over its inputs
        if (i < it->inputs().size()) {
            const Item *in = it->inputs()[i++].get();
            if (!seen[in]) {
                seen[in] = true;
                stack.emplace_back(in, 0);
            }
            continue;
        }
        order.push_back(it);
        stack.pop_back();
    }
    return order;
}
} // namespace

std::optional<Value> literal_value(const std::string &data) {
    if (data == "-") return Value();
    if (data.size() < 2 || data[1] != ':') return std::nullopt;
    const std::string v = data.substr(2);
    switch (data[0]) {
    case 'd': {
        if (v == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
        if (v == "Infinity") return Value(std::numeric_limits<double>::infinity());
        if (v == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
        char *end = nullptr;
        double d = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0') return std::nullopt;
        return Value(d);
    }
    case 'i': {
        char *end = nullptr;
        long long i = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0') return std::nullopt;
        return Value(static_cast<int64_t>(i));
    }
    case 'b':
        if (v == "TRUE") return Value(true);
        if (v == "FALSE") return Value(false);
        return std::nullopt;
    case 's':
        return Value(v);
    default:
        return std::nullopt;
    }
}

Value recompute(const ItemPtr &root, const RecomputeOptions &options) {
    static const rt::Program empty_program;
    const rt::Program &program = options.program ? *options.program : empty_program;
    std::ostringstream sink;
    rt::RuntimeStats stats;
    rt::RuntimeOptions ro;
    ro.seed = options.seed;
    rt::ExecContext ctx(program, sink, stats, ro);

    std::unordered_map<const Item *, Value> values;
    std::unordered_map<const Item *, bool> literal;
    for (const Item *it : bottom_up(root)) {
        if (it->opcode() == "L") {
            std::optional<Value> v = literal_value(it->data());
            if (!v) cannot(*it, "not a literal this trace format knows");
            values[it] = std::move(*v);
            literal[it] = true;
            continue;
        }
        if (it->opcode() == "dedup" && !it->inputs().empty()) {
            // A deduplicated loop iteration: the patch with its placeholders "P k" bound to the inputs.
            std::vector<Value> ins;
            for (size_t k = 1; k < it->inputs().size(); ++k) ins.push_back(values.at(it->inputs()[k].get()));
            RecomputeOptions inner = options;
            inner.leaf = [&](const Item &leaf) -> std::optional<Value> {
                if (leaf.opcode() == "P") {
                    const size_t k = std::strtoul(leaf.data().c_str(), nullptr, 10);
                    if (k < ins.size()) return ins[k];
                    return std::nullopt;
                }
                return options.leaf ? options.leaf(leaf) : std::nullopt;
            };
            values[it] = recompute(it->inputs()[0], inner);
            continue;
        }
        if (it->inputs().empty() && (it->opcode() == "V" || it->opcode() == "input" || it->opcode() == "P")) {
            std::optional<Value> v = options.leaf ? options.leaf(*it) : std::nullopt;
            if (!v) cannot(*it, "a value without lineage; supply it through RecomputeOptions::leaf");
            values[it] = std::move(*v);
            continue;
        }
        // One function: parameters = the non-literal inputs, literals as constants, then the instruction.
        auto fn = std::make_unique<rt::Function>();
        fn->name = "lineage recompute";
        std::vector<Value> args;
        std::vector<Operand> ops;
        for (const ItemPtr &in : it->inputs()) {
            const Value &v = values.at(in.get());
            if (literal.count(in.get())) {
                ops.push_back(Operand::of_constant(v));
                continue;
            }
            rt::FunctionParam p;
            p.name = "in" + std::to_string(args.size());
            p.slot = static_cast<int>(args.size());
            ops.push_back(Operand::of_slot(p.slot));
            fn->params.push_back(std::move(p));
            args.push_back(v);
        }
        const int out = static_cast<int>(args.size());
        fn->num_slots = out + 1;
        rt::FunctionParam r;
        r.name = "out";
        r.slot = out;
        fn->returns.push_back(std::move(r));
        Value result;
        try {
            if (it->opcode() == "fcall") {
                // A reused function call: "name outK" over the arguments ("-" = omitted).
                const std::string &d = it->data();
                const size_t sp = d.rfind(" out");
                const rt::Function *callee =
                    sp == std::string::npos ? nullptr : function_named(options.program, d.substr(0, sp));
                if (!callee)
                    cannot(*it, "function not found (pass the program in RecomputeOptions::program)");
                const size_t k = std::strtoul(d.c_str() + sp + 4, nullptr, 10);
                std::vector<Value> call_args;
                for (const ItemPtr &in : it->inputs()) call_args.push_back(values.at(in.get()));
                std::vector<Value> outs = ctx.call(*callee, std::move(call_args), SourceLoc{});
                if (k >= outs.size()) cannot(*it, "output index out of range");
                result = std::move(outs[k]);
            } else {
                auto block = std::make_unique<rt::BasicBlock>();
                rt::InstrPtr instr = make_instruction(*it, std::move(ops), out, block->instructions);
                block->instructions.push_back(std::move(instr));
                fn->body.push_back(std::move(block));
                std::vector<Value> outs = ctx.call(*fn, std::move(args), SourceLoc{});
                result = std::move(outs.at(0));
            }
        } catch (const DmlError &e) {
            cannot(*it, e.what());
        }
        values[it] = std::move(result);
    }
    return values.at(root.get());
}

} // namespace linea::lineage
