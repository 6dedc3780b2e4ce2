#include "compiler/hops/hop.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace linea::hops {

int HopDag::next_id_ = 1;

const char *to_string(HopKind k) {
    switch (k) {
    case HopKind::Literal:
        return "LiteralOp";
    case HopKind::TRead:
        return "TRead";
    case HopKind::TWrite:
        return "TWrite";
    case HopKind::Unary:
        return "u";
    case HopKind::Binary:
        return "b";
    case HopKind::Aggregate:
        return "ua";
    case HopKind::NaryMinMax:
        return "n";
    case HopKind::MatMult:
        return "ba";
    case HopKind::Reorg:
        return "r";
    case HopKind::Index:
        return "rix";
    case HopKind::LeftIndex:
        return "lix";
    case HopKind::Builtin:
        return "builtin";
    case HopKind::FunctionCall:
        return "fcall";
    case HopKind::FunctionOutput:
        return "fout";
    case HopKind::Fused:
        return "spoof";
    }
    return "?";
}

std::string Hop::dims_text() const {
    auto t = [](const std::optional<int64_t> &v) { return v ? std::to_string(*v) : std::string("?"); };
    if (data_type == DataType::Frame) return "[frame " + t(rows) + "," + t(cols) + "]";
    if (data_type == DataType::List) return "[list]";
    if (data_type == DataType::Unknown) return "[unknown]";
    if (data_type != DataType::Matrix) return "[scalar]";
    return "[" + t(rows) + "," + t(cols) + "," + t(nnz) + "]";
}

std::optional<double> Hop::output_bytes() const {
    if (data_type == DataType::Scalar) return 16.0;
    if (data_type != DataType::Matrix || !rows || !cols) return std::nullopt;
    const std::optional<double> n = nnz ? std::optional<double>(static_cast<double>(*nnz)) : est_nnz;
    if (n && kernels::prefer_sparse(*rows, *cols, static_cast<int64_t>(*n)))
        return static_cast<double>(kernels::MatrixBlock::sparse_bytes(*rows, static_cast<int64_t>(*n))) +
               64.0;
    return static_cast<double>(*rows) * static_cast<double>(*cols) * 8.0 + 64.0;
}

std::optional<double> Hop::operation_bytes() const {
    std::optional<double> total = output_bytes();
    if (kind == HopKind::TRead || kind == HopKind::Literal) return total;
    for (const Hop *in : inputs) {
        auto b = in->output_bytes();
        if (!total || !b) return std::nullopt;
        *total += *b;
    }
    return total;
}

namespace {
std::string format_bytes(double b) {
    char buf[32];
    if (b >= 1024.0 * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.1fGB", b / (1024.0 * 1024 * 1024));
    else if (b >= 1024.0 * 1024)
        std::snprintf(buf, sizeof buf, "%.1fMB", b / (1024.0 * 1024));
    else
        std::snprintf(buf, sizeof buf, "%.1fKB", b / 1024.0);
    return buf;
}
} // namespace

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

void HopDag::replace(Hop *old, Hop *repl) {
    if (old == repl) return;
    for (Hop *p : old->parents)
        for (Hop *&in : p->inputs)
            if (in == old) in = repl;
    for (Hop *&r : roots)
        if (r == old) r = repl;
    rebuild_parents();
}

std::unique_ptr<HopDag> HopDag::clone() const {
    auto out = std::make_unique<HopDag>();
    std::map<const Hop *, Hop *> copy;
    for (Hop *h : topological()) {
        auto c = std::make_unique<Hop>(*h);
        c->parents.clear();
        for (Hop *&in : c->inputs) in = copy.at(in);
        copy[h] = out->add(std::move(c));
    }
    // Projections of multi-output operators are reachable only through their consumers: included above.
    for (Hop *r : roots) out->roots.push_back(copy.at(r));
    out->rebuild_parents();
    return out;
}

void HopDag::adopt(HopDag &other) {
    for (auto &n : other.nodes_) nodes_.push_back(std::move(n));
    other.nodes_.clear();
    other.roots.clear();
}

std::vector<Hop *> HopDag::topological() const {
    std::vector<Hop *> out;
    std::set<const Hop *> seen;
    std::vector<std::pair<Hop *, size_t>> stack;
    for (Hop *root : roots) {
        if (!seen.insert(root).second) continue;
        stack.emplace_back(root, 0);
        while (!stack.empty()) {
            auto &[h, i] = stack.back();
            if (i < h->inputs.size()) {
                Hop *in = h->inputs[i++];
                if (seen.insert(in).second) stack.emplace_back(in, 0);
                continue;
            }
            out.push_back(h);
            stack.pop_back();
        }
    }
    return out;
}

void HopDag::rebuild_parents() {
    for (auto &n : nodes_) n->parents.clear();
    std::vector<Hop *> live = topological();
    for (Hop *h : live) {
        // A FunctionOutput is reachable only through its consumers; keep the call's link to it.
        for (Hop *in : h->inputs) in->parents.push_back(h);
    }
}

std::string HopDag::verify() const {
    std::vector<Hop *> live = topological();
    std::set<const Hop *> live_set(live.begin(), live.end());
    // Acyclic: in a topological order every input comes before its consumer.
    std::map<const Hop *, size_t> pos;
    for (size_t i = 0; i < live.size(); ++i) pos[live[i]] = i;
    for (const Hop *h : live) {
        for (const Hop *in : h->inputs) {
            if (!pos.count(in) || pos[in] >= pos[h])
                return "cycle or dangling input at hop " + std::to_string(h->id);
            bool linked = false;
            for (const Hop *p : in->parents) linked |= (p == h);
            if (!linked)
                return "missing parent link " + std::to_string(in->id) + " -> " + std::to_string(h->id);
        }
        for (const Hop *p : h->parents)
            if (live_set.count(p) && std::find(p->inputs.begin(), p->inputs.end(), h) == p->inputs.end())
                return "stale parent link at hop " + std::to_string(h->id);
        size_t need = 0;
        switch (h->kind) {
        case HopKind::Unary:
        case HopKind::Aggregate:
        case HopKind::Reorg:
        case HopKind::TWrite:
        case HopKind::FunctionOutput:
            need = 1;
            break;
        case HopKind::Binary:
            need = 2;
            break;
        case HopKind::MatMult:
            need = h->mm_method == MatMultMethod::Default ? 2 : h->inputs.size();
            break;
        case HopKind::Literal:
        case HopKind::TRead:
            need = 0;
            break;
        default:
            need = h->inputs.size();
            break;
        }
        if (h->inputs.size() != need) return "hop " + std::to_string(h->id) + " has a wrong number of inputs";
    }
    return "";
}

std::string HopDag::explain(int depth) const {
    std::string out;
    std::set<const Hop *> done;
    std::function<void(const Hop *)> visit = [&](const Hop *h) {
        if (!done.insert(h).second) return;
        for (const Hop *in : h->inputs) visit(in);
        out.append(static_cast<size_t>(depth) * 2, ' ');
        out += "(" + std::to_string(h->id) + ") " + std::string(to_string(h->kind)) + "(" + h->opcode + ")";
        if (h->kind == HopKind::Literal)
            out += " " + (h->literal.is_string() ? "\"" + h->literal.to_print_string() + "\""
                                                 : h->literal.to_print_string());
        if (h->kind == HopKind::TRead || h->kind == HopKind::TWrite) out += " " + h->var;
        if (!h->inputs.empty()) {
            out += " (";
            for (size_t i = 0; i < h->inputs.size(); ++i)
                out += (i ? "," : "") + std::to_string(h->inputs[i]->id);
            out += ")";
        }
        out += " " + h->dims_text();
        if (h->is_matrix() && !h->nnz && h->est_nnz)
            out += " est_nnz=" + std::to_string(static_cast<int64_t>(std::llround(*h->est_nnz)));
        if (h->live) out += " actual_nnz=" + std::to_string(h->live->nnz()); // data known at recompilation
        if (h->is_matrix()) {
            auto m = h->operation_bytes();
            out += " mem=" + (m ? format_bytes(*m) : std::string("?"));
        }
        if (h->loc.line > 0) out += " line " + std::to_string(h->loc.line);
        out += "\n";
    };
    for (const Hop *r : roots) visit(r);
    return out;
}

} // namespace linea::hops
