#include "compiler/rewrites/passes.h"

#include "compiler/hops/infer.h"
#include "kernels/ops.h"
#include "language/builtins.h"

#include <cstring>
#include <unordered_map>

namespace linea::rewrites {

using hops::Hop;
using hops::HopKind;

namespace {

/// Whether two structurally equal copies of h may be merged.
bool mergeable(const Hop *h) {
    switch (h->kind) {
    case HopKind::TWrite:
    case HopKind::FunctionCall:
    case HopKind::FunctionOutput:
        return false;
    case HopKind::Builtin: {
        if (h->side_effect || h->num_outputs > 1) return false;
        const BuiltinInfo &info = builtin(h->builtin_id);
        if (info.name == "rand") {
            // rand with seed=-1 (or a seed known only at run time) draws different data each time.
            const Hop *seed = h->inputs.back();
            return seed->kind == HopKind::Literal && seed->literal.is_numeric_scalar() &&
                   seed->literal.to_double() >= 0;
        }
        // Two reads of one path may see different files when the block writes it in between.
        if (info.name == "read") return false;
        return info.deterministic;
    }
    default:
        return true;
    }
}

std::string literal_key(const Value &v) {
    if (v.is_double()) {
        double d = v.as_double_unchecked();
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        return "d" + std::to_string(bits);
    }
    if (v.is_int()) return "i" + std::to_string(v.as_int_unchecked());
    if (v.is_bool()) return v.as_bool_unchecked() ? "bT" : "bF";
    if (v.is_string())
        return "s" + std::to_string(v.as_string_unchecked().size()) + ":" + v.as_string_unchecked();
    return "?";
}

std::string key_of(const Hop *h) {
    std::string k = std::to_string(static_cast<int>(h->kind)) + "|" + h->opcode + "|";
    switch (h->kind) {
    case HopKind::Literal:
        k += literal_key(h->literal);
        break;
    case HopKind::TRead:
        k += h->var;
        break;
    case HopKind::Unary:
        k += std::to_string(static_cast<int>(h->unary_op));
        break;
    case HopKind::Binary:
        k += std::to_string(static_cast<int>(h->binary_op));
        break;
    case HopKind::Aggregate:
        k += std::to_string(static_cast<int>(h->agg_op)) + "," + std::to_string(static_cast<int>(h->agg_dir));
        break;
    case HopKind::Reorg:
        k += std::to_string(static_cast<int>(h->reorg_op));
        break;
    case HopKind::NaryMinMax:
        k += h->is_max ? "max" : "min";
        break;
    case HopKind::Index:
    case HopKind::LeftIndex:
        k += std::to_string(h->rows_dim.all) + std::to_string(h->rows_dim.single) +
             std::to_string(h->cols_dim.all) + std::to_string(h->cols_dim.single) +
             std::to_string(h->has_cols);
        break;
    case HopKind::Builtin:
        k += std::to_string(h->builtin_id) + ";";
        for (bool p : h->arg_present) k += p ? '1' : '0';
        for (const auto &n : h->arg_names) k += ";" + n;
        break;
    default:
        break;
    }
    k += "|";
    for (const Hop *in : h->inputs) k += std::to_string(in->id) + ",";
    return k;
}

} // namespace

int common_subexpression_elimination(hops::HopDag &dag) {
    int merged = 0;
    std::unordered_map<std::string, Hop *> seen;
    // Leaves and operators in one topological sweep: inputs are canonical before their consumers.
    for (Hop *h : dag.topological()) {
        if (!mergeable(h)) continue;
        std::string k = key_of(h);
        auto [it, inserted] = seen.emplace(k, h);
        if (inserted) continue;
        dag.replace(h, it->second);
        ++merged;
    }
    return merged;
}

int constant_folding(hops::HopDag &dag) {
    int folded = 0;
    for (Hop *h : dag.topological()) {
        Value v;
        try {
            if (h->kind == HopKind::Binary && h->inputs[0]->kind == HopKind::Literal &&
                h->inputs[1]->kind == HopKind::Literal) {
                v = rt::scalar_binary_op(h->binary_op, h->inputs[0]->literal, h->inputs[1]->literal, h->loc);
            } else if (h->kind == HopKind::Unary && h->inputs[0]->kind == HopKind::Literal &&
                       h->inputs[0]->literal.is_numeric_scalar()) {
                v = rt::scalar_unary_op(h->unary_op, h->inputs[0]->literal);
            } else {
                continue;
            }
        } catch (const std::exception &) {
            continue; // leave it to fail at run time with its position
        }
        Hop *lit = dag.make(HopKind::Literal, "lit", {}, h->loc);
        lit->data_type = DataType::Scalar;
        lit->value_type = v.value_type();
        lit->literal = std::move(v);
        dag.replace(h, lit);
        ++folded;
    }
    return folded;
}

} // namespace linea::rewrites
