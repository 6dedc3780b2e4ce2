#include "runtime/program/loop_dedup.h"

#include "runtime/program/context.h"

#include <algorithm>
#include <unordered_map>

namespace linea::rt {

namespace {
constexpr size_t kMaxLists = 32;   ///< distinct recompiled instruction lists before giving up
constexpr size_t kMaxNodes = 4096; ///< decision points before giving up

bool has_call(const InstrList &instrs) {
    for (const auto &in : instrs)
        if (in->opcode() == "fcall") return true;
    return false;
}

/// A last-level loop body: only straight-line code and ifs, no loops, no function calls.
bool last_level(const BlockList &blocks) {
    for (const auto &b : blocks) {
        if (const auto *bb = dynamic_cast<const BasicBlock *>(b.get())) {
            if (has_call(bb->instructions)) return false;
        } else if (const auto *ib = dynamic_cast<const IfBlock *>(b.get())) {
            if (has_call(ib->predicate) || !last_level(ib->then_blocks) || !last_level(ib->else_blocks))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

/// How far a body's instructions allow deduplication (ordered: the larger one wins).
enum class Fit { Replay, Traced, Off };

Fit fit_of(const InstrList &instrs) {
    Fit fit = Fit::Replay;
    for (const auto &in : instrs) {
        const LineageSpec s = in->lineage_spec();
        // A list element assigned by a run-time key records the key's value: no patch can hold it.
        if (s.key_value && s.key_value->slot >= 0) return Fit::Off;
        // Draws, reads and lineage() need the real items while they run.
        if (s.traced && !s.copy && (!s.deterministic || s.file || s.data == "lineage")) fit = Fit::Traced;
    }
    return fit;
}

Fit fit_of(const BlockList &blocks) {
    Fit fit = Fit::Replay;
    for (const auto &b : blocks) {
        if (const auto *bb = dynamic_cast<const BasicBlock *>(b.get())) {
            fit = std::max(fit, fit_of(bb->instructions));
        } else if (const auto *ib = dynamic_cast<const IfBlock *>(b.get())) {
            fit = std::max({fit, fit_of(ib->predicate), fit_of(ib->then_blocks), fit_of(ib->else_blocks)});
        }
    }
    return fit;
}
} // namespace

std::unique_ptr<LoopDedup> LoopDedup::create(const BlockList &body, const ExecContext &ctx) {
    if (!ctx.tracing() || !ctx.options().dedup || !last_level(body)) return nullptr;
    const Fit fit = fit_of(body);
    if (fit == Fit::Off) return nullptr;
    return std::unique_ptr<LoopDedup>(
        new LoopDedup(fit == Fit::Replay && !ctx.cache() ? Mode::Replay : Mode::Traced));
}

const lineage::ItemPtr &LoopDedup::placeholder(size_t slot) {
    while (placeholders_.size() <= slot)
        placeholders_.push_back(lineage::slot_placeholder(static_cast<int>(placeholders_.size())));
    return placeholders_[slot];
}

void LoopDedup::run(const BlockList &body, ExecContext &ctx) {
    if (mode_ == Mode::Off) {
        execute_blocks(body, ctx);
        return;
    }
    struct Scope {
        LoopDedup &d;
        ExecContext &c;
        ~Scope() {
            c.set_dedup(nullptr);
            c.set_replay(false);
            if (d.pass_ == Pass::Symbolic) c.lineage_frame() = std::move(d.real_); // an error ended it
            d.pass_ = Pass::Traced;
        }
    } scope{*this, ctx};
    node_ = 0;
    ctx.set_dedup(this);
    const Node &root = nodes_[0];
    if (mode_ == Mode::Traced) {
        start_ = ctx.lineage_frame();
        pass_ = Pass::Traced;
    } else if (root.has_frame || root.leaf) {
        pass_ = Pass::Replay;
        ctx.set_replay(true);
    } else {
        begin_symbolic(nullptr, ctx);
    }
    execute_blocks(body, ctx);
    finish(ctx);
}

void LoopDedup::begin_symbolic(const std::vector<lineage::ItemPtr> *frame, ExecContext &ctx) {
    std::vector<lineage::ItemPtr> &lf = ctx.lineage_frame();
    real_ = std::move(lf);
    real_.resize(std::max(real_.size(), ctx.frame().size()));
    if (!frame) {
        // The first pass: a placeholder for every slot that has an item (a slot without one is not read
        // before the body assigns it, or gets a unique item when it is, as in a traced run).
        root_start_.assign(real_.size(), nullptr);
        for (size_t s = 0; s < real_.size(); ++s)
            if (real_[s]) root_start_[s] = placeholder(s);
        frame = &root_start_;
    }
    lf = *frame;
    lf.resize(real_.size()); // slots added by a recompilation since: new temporaries
    pass_ = Pass::Symbolic;
    ctx.set_replay(false);
}

void LoopDedup::decide(uint32_t token, ExecContext &ctx) {
    if (nodes_.size() >= kMaxNodes) give_up_ = true;
    uint32_t child = kNone;
    for (const auto &[t, c] : nodes_[node_].children)
        if (t == token) child = c;
    if (pass_ == Pass::Replay) {
        if (child != kNone) {
            node_ = child;
            return;
        }
        // A path not seen before: trace the rest of this iteration over the frame the first pass had here.
        if (!nodes_[node_].has_frame)
            throw DmlError(ErrorKind::Internal, SourceLoc{}, "lineage dedup: a replayed path has no frame");
        begin_symbolic(&nodes_[node_].frame, ctx);
    } else if (pass_ == Pass::Symbolic && !nodes_[node_].has_frame) {
        nodes_[node_].frame = ctx.lineage_frame();
        nodes_[node_].has_frame = true;
    }
    if (child == kNone) {
        child = static_cast<uint32_t>(nodes_.size());
        nodes_[node_].children.emplace_back(token, child);
        nodes_.emplace_back();
    }
    node_ = child;
}

void LoopDedup::branch(bool taken, ExecContext &ctx) {
    decide(taken ? 1 : 0, ctx);
}

void LoopDedup::block(const std::shared_ptr<const InstrList> &instrs, ExecContext &ctx) {
    size_t k = 0;
    while (k < lists_.size() && lists_[k] != instrs) ++k;
    if (k == lists_.size()) {
        // A new recompiled list (the first run of the block, or its sizes changed): a new path.
        if (lists_.size() >= kMaxLists) give_up_ = true;
        lists_.push_back(instrs);
        const Fit fit = fit_of(*instrs);
        if (fit == Fit::Off) give_up_ = true;
        if (fit == Fit::Traced) to_traced_ = true;
    }
    decide(static_cast<uint32_t>(2 + k), ctx);
}

void LoopDedup::finish(ExecContext &ctx) {
    std::vector<lineage::ItemPtr> &lf = ctx.lineage_frame();
    Node &n = nodes_[node_];
    switch (pass_) {
    case Pass::Replay:
        pass_ = Pass::Traced;
        ctx.set_replay(false);
        if (!n.leaf || !n.patch)
            throw DmlError(ErrorKind::Internal, SourceLoc{}, "lineage dedup: a replayed path has no patch");
        apply(*n.patch, lf, ctx); // the frame is the one the iteration started from
        return;
    case Pass::Symbolic: {
        std::vector<lineage::ItemPtr> end = std::move(lf);
        lf = std::move(real_);
        pass_ = Pass::Traced;
        if (lf.size() < end.size()) lf.resize(end.size());
        std::optional<lineage::DedupPatch> patch;
        if (!give_up_ && !to_traced_) {
            std::vector<lineage::ItemPtr> start = root_start_;
            start.resize(end.size());
            patch = lineage::make_patch(start, end);
        }
        n.leaf = true;
        if (!patch) {
            // Not kept as a patch: this iteration's real items; the following iterations are traced.
            instantiate(end, ctx);
            mode_ = give_up_ ? Mode::Off : Mode::Traced;
            return;
        }
        n.patch = std::move(patch);
        apply(*n.patch, lf, ctx);
        return;
    }
    case Pass::Traced:
        if (give_up_) {
            mode_ = Mode::Off;
            return;
        }
        if (!n.leaf) {
            n.leaf = true;
            n.patch = lineage::make_patch(start_, lf);
        }
        if (!n.patch) return;
        for (const auto &out : n.patch->outputs)
            for (int s : out.inputs)
                if (static_cast<size_t>(s) >= start_.size() || !start_[static_cast<size_t>(s)])
                    return; // an input without lineage: keep the full trace
        apply(*n.patch, start_, ctx);
        return;
    }
}

void LoopDedup::apply(const lineage::DedupPatch &patch, const std::vector<lineage::ItemPtr> &start,
                      ExecContext &ctx) {
    std::vector<lineage::ItemPtr> &lf = ctx.lineage_frame();
    // All items first: an output slot can be an input of another output.
    scratch_.clear();
    for (const auto &out : patch.outputs) {
        // An input without an item gets a unique one, as its first use in a traced run would have.
        if (out.copy_of >= 0 && !start[static_cast<size_t>(out.copy_of)])
            ctx.item_of(Operand::of_slot(out.copy_of));
        for (int s : out.inputs)
            if (!start[static_cast<size_t>(s)]) ctx.item_of(Operand::of_slot(s));
        scratch_.push_back(lineage::dedup_item(out, start));
    }
    for (size_t k = 0; k < patch.outputs.size(); ++k)
        lf[static_cast<size_t>(patch.outputs[k].slot)] = std::move(scratch_[k]);
    for (int s : patch.cleared) lf[static_cast<size_t>(s)] = nullptr;
}

void LoopDedup::instantiate(std::vector<lineage::ItemPtr> &end, ExecContext &ctx) {
    std::vector<lineage::ItemPtr> &lf = ctx.lineage_frame();
    std::unordered_map<const lineage::Item *, lineage::ItemPtr> with;
    for (size_t s = 0; s < placeholders_.size() && s < lf.size(); ++s)
        with[placeholders_[s].get()] = lf[s] ? lf[s] : ctx.item_of(Operand::of_slot(static_cast<int>(s)));
    std::vector<lineage::ItemPtr> real = lineage::substitute(end, with);
    for (size_t s = 0; s < end.size(); ++s) {
        const bool unchanged = s < root_start_.size() ? end[s] == root_start_[s] : !end[s];
        if (!unchanged) lf[s] = std::move(real[s]);
    }
}

} // namespace linea::rt
