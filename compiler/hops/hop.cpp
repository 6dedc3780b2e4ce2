#include "compiler/hops/hop.h"

#include <atomic>
#include <functional>
#include <set>

namespace linea::hops {

int HopDag::next_id_ = 1;

const char *to_string(HopKind k) {
    switch (k) {
    case HopKind::Literal: return "LiteralOp";
    case HopKind::TRead: return "TRead";
    case HopKind::TWrite: return "TWrite";
    case HopKind::Unary: return "u";
    case HopKind::Binary: return "b";
    case HopKind::Aggregate: return "ua";
    case HopKind::NaryMinMax: return "n";
    case HopKind::MatMult: return "ba";
    case HopKind::Reorg: return "r";
    case HopKind::Index: return "rix";
    case HopKind::LeftIndex: return "lix";
    case HopKind::Builtin: return "builtin";
    case HopKind::FunctionCall: return "fcall";
    case HopKind::FunctionOutput: return "fout";
    }
    return "?";
}

std::string Hop::dims_text() const {
    auto t = [](const std::optional<int64_t> &v) { return v ? std::to_string(*v) : std::string("?"); };
    if (data_type != DataType::Matrix) return "[scalar]";
    return "[" + t(rows) + "," + t(cols) + "," + t(nnz) + "]";
}

Hop *HopDag::add(std::unique_ptr<Hop> h) {
    h->id = next_id_++;
    for (Hop *in : h->inputs) in->parents.push_back(h.get());
    nodes_.push_back(std::move(h));
    return nodes_.back().get();
}

Hop *HopDag::make(HopKind kind, std::string opcode, std::vector<Hop *> inputs, SourceLoc loc) {
    auto h = std::make_unique<Hop>();
    h->kind = kind;
    h->opcode = std::move(opcode);
    h->inputs = std::move(inputs);
    h->loc = std::move(loc);
    return add(std::move(h));
}

std::string HopDag::explain(int depth) const {
    std::string out;
    std::set<const Hop *> done;
    std::function<void(const Hop *)> visit = [&](const Hop *h) {
        if (!done.insert(h).second) return;
        for (const Hop *in : h->inputs) visit(in);
        out.append(static_cast<size_t>(depth) * 2, ' ');
        out += "(" + std::to_string(h->id) + ") " + std::string(to_string(h->kind)) + "(" + h->opcode + ")";
        if (h->kind == HopKind::Literal) out += " " + (h->literal.is_string() ? "\"" + h->literal.to_print_string() + "\"" : h->literal.to_print_string());
        if (h->kind == HopKind::TRead || h->kind == HopKind::TWrite) out += " " + h->var;
        if (!h->inputs.empty()) {
            out += " (";
            for (size_t i = 0; i < h->inputs.size(); ++i) out += (i ? "," : "") + std::to_string(h->inputs[i]->id);
            out += ")";
        }
        out += " " + h->dims_text();
        if (h->loc.line > 0) out += " line " + std::to_string(h->loc.line);
        out += "\n";
    };
    for (const Hop *r : roots) visit(r);
    return out;
}

} // namespace linea::hops
