#include "runtime/program/program.h"

#include "kernels/ops.h"
#include "runtime/lineage/fingerprint.h"
#include "runtime/lineage/partial/partial.h"
#include "runtime/program/context.h"
#include "runtime/program/deferred_bind.h"
#include "runtime/program/loop_dedup.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <unordered_map>

namespace linea::rt {

// ------------------------------------------------------------------ opcode registry
namespace {
struct OpcodeRegistry {
    std::mutex mutex;
    std::deque<std::string> names; ///< a deque: opcode_name() references stay valid while others intern
    std::unordered_map<std::string, int> ids;
    /// The names published by id, read without the lock (tracing asks for an instruction's name each time).
    static constexpr size_t kPublished = size_t{1} << 12;
    std::array<std::atomic<const std::string *>, kPublished> published{};
};
OpcodeRegistry &opcodes() {
    static OpcodeRegistry r;
    return r;
}
} // namespace

int intern_opcode(std::string_view name) {
    auto &r = opcodes();
    std::lock_guard lock(r.mutex);
    auto it = r.ids.find(std::string(name));
    if (it != r.ids.end()) return it->second;
    int id = static_cast<int>(r.names.size());
    r.names.emplace_back(name);
    r.ids.emplace(std::string(name), id);
    if (static_cast<size_t>(id) < OpcodeRegistry::kPublished)
        r.published[static_cast<size_t>(id)].store(&r.names.back(), std::memory_order_release);
    return id;
}

const std::string &opcode_name(int id) {
    auto &r = opcodes();
    if (id >= 0 && static_cast<size_t>(id) < OpcodeRegistry::kPublished)
        if (const std::string *name = r.published[static_cast<size_t>(id)].load(std::memory_order_acquire))
            return *name;
    std::lock_guard lock(r.mutex);
    return r.names.at(static_cast<size_t>(id));
}

int opcode_count() {
    auto &r = opcodes();
    std::lock_guard lock(r.mutex);
    return static_cast<int>(r.names.size());
}

// ------------------------------------------------------------------ instruction explain helpers
std::string Instruction::slot_text(int slot) const {
    if (slot_names && slot >= 0 && static_cast<size_t>(slot) < slot_names->size()) return (*slot_names)[slot];
    return "_s" + std::to_string(slot);
}

std::string Instruction::operand_text(const Operand &op) const {
    if (op.slot >= 0) return slot_text(op.slot);
    const Value &v = op.constant;
    if (v.is_string()) return "\"" + v.as_string_unchecked() + "\"";
    if (v.is_scalar()) return v.to_print_string();
    return v.describe();
}

std::string Instruction::explain() const {
    return opcode();
}

Instruction::~Instruction() {
    delete traced_spec_.load(std::memory_order_relaxed);
}

const LineageSpec &Instruction::traced_spec() const {
    if (const LineageSpec *s = traced_spec_.load(std::memory_order_acquire)) return *s;
    auto made = std::make_unique<LineageSpec>(lineage_spec());
    made->head_hash = lineage::Item::head_hash(opcode(), made->data);
    const LineageSpec *expected = nullptr;
    if (traced_spec_.compare_exchange_strong(expected, made.get(), std::memory_order_acq_rel))
        return *made.release();
    return *expected; // another thread made it first
}

// ------------------------------------------------------------------ statistics
void RuntimeStats::record(int opcode_id, double seconds) {
    if (static_cast<size_t>(opcode_id) >= per_opcode.size()) per_opcode.resize(opcode_id + 1);
    per_opcode[opcode_id].seconds += seconds;
    per_opcode[opcode_id].count += 1;
}

void RuntimeStats::count(int opcode_id) {
    if (static_cast<size_t>(opcode_id) >= per_opcode.size()) per_opcode.resize(opcode_id + 1);
    per_opcode[opcode_id].count += 1;
}

void RuntimeStats::merge(const RuntimeStats &other) {
    if (other.per_opcode.size() > per_opcode.size()) per_opcode.resize(other.per_opcode.size());
    for (size_t i = 0; i < other.per_opcode.size(); ++i) {
        per_opcode[i].seconds += other.per_opcode[i].seconds;
        per_opcode[i].count += other.per_opcode[i].count;
    }
    function_calls += other.function_calls;
    parfor_loops += other.parfor_loops;
    parfor_workers += other.parfor_workers;
    parfor_tasks += other.parfor_tasks;
    parfor_iterations += other.parfor_iterations;
}

std::string RuntimeStats::parfor_text() const {
    if (parfor_loops == 0) return "";
    return "ParFor loops (runs/workers/tasks/iterations):\t" + std::to_string(parfor_loops) + "/" +
           std::to_string(parfor_workers) + "/" + std::to_string(parfor_tasks) + "/" +
           std::to_string(parfor_iterations) + ".\n";
}

std::string RuntimeStats::heavy_hitters(int k) const {
    std::vector<int> ids;
    for (size_t i = 0; i < per_opcode.size(); ++i)
        if (per_opcode[i].count > 0) ids.push_back(static_cast<int>(i));
    std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) {
        if (per_opcode[a].seconds != per_opcode[b].seconds)
            return per_opcode[a].seconds > per_opcode[b].seconds;
        return per_opcode[a].count > per_opcode[b].count;
    });
    if (k >= 0 && ids.size() > static_cast<size_t>(k)) ids.resize(k);
    std::string out = "Heavy hitter instructions:\n";
    size_t width = 11;
    for (int id : ids) width = std::max(width, opcode_name(id).size());
    auto pad = [](std::string s, size_t w, bool right) {
        if (s.size() >= w) return s;
        return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
    };
    out += pad("#", 3, true) + "  " + pad("Instruction", width, false) + "  " + pad("Time(s)", 9, true) +
           "  " + pad("Count", 9, true) + "\n";
    int rank = 1;
    for (int id : ids) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", per_opcode[id].seconds);
        out += pad(std::to_string(rank++), 3, true) + "  " + pad(opcode_name(id), width, false) + "  " +
               pad(buf, 9, true) + "  " + pad(std::to_string(per_opcode[id].count), 9, true) + "\n";
    }
    return out;
}

// ------------------------------------------------------------------ execution
namespace {

struct PendingBind;
void run_traced(const Instruction &in, ExecContext &ctx, PendingBind *pending = nullptr);

/// A cbind/rbind traced but not run (deferred_bind.h): it runs before its reader does, unless a plan
/// serves the reader from the bind's parts.
struct PendingBind {
    const Instruction *bind = nullptr;
    bool ran = false;
    /// Runs the bind now if it has not run (as it would have, just before its reader).
    void run(ExecContext &ctx) {
        if (!bind || ran) return;
        ran = true;
        run_traced(*bind, ctx);
    }
};

/// Partial reuse after a cache miss: computes the output from cached relatives (runtime/lineage/partial/),
/// binds and caches it under its own item. False when no compensation plan applies.
bool try_partial_reuse(const Instruction &in, const LineageSpec &spec, const lineage::ItemPtr &item,
                       ExecContext &ctx, PendingBind *pending) {
    lineage::partial::Operands ops;
    for (const Operand *op : spec.inputs)
        ops.values.push_back(op->slot >= 0 ? &ctx.frame()[static_cast<size_t>(op->slot)] : &op->constant);
    if (pending && !pending->ran) {
        ops.deferred = deferred_operands(*pending->bind, spec.inputs, ctx);
        ops.materialize = [pending, &ctx] { pending->run(ctx); };
    }
    // The live frame slot holding a value with lineage `it`, or -1.
    auto slot_of = [&ctx](const lineage::ItemPtr &it) -> int {
        const auto &items = ctx.lineage_frame();
        for (size_t s = 0; s < items.size(); ++s)
            if (items[s] &&
                (items[s] == it ||
                 (items[s]->hash() == it->hash() && lineage::Item::equal(*items[s], *it))) &&
                !ctx.frame()[s].is_empty())
                return static_cast<int>(s);
        return -1;
    };
    ops.lookup = [&ctx, slot_of](const lineage::ItemPtr &it) -> std::optional<Value> {
        const int s = slot_of(it);
        if (s < 0) return std::nullopt;
        return ctx.frame()[static_cast<size_t>(s)];
    };
    ops.loop_dependent = ctx.loop_tainted(spec.inputs);
    ops.loop_invariant = [&ctx, slot_of](const lineage::ItemPtr &it) {
        const Operand op = Operand::of_slot(slot_of(it));
        return op.slot >= 0 && !ctx.loop_tainted({&op});
    };
    auto t0 = std::chrono::steady_clock::now();
    std::optional<Value> v = lineage::partial::try_compensate(item, *ctx.cache(), ops);
    if (!v) return false;
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (ctx.stats().enabled)
        ctx.stats().record(in.opcode_id(), dt);
    else
        ctx.stats().count(in.opcode_id());
    ctx.cache()->put(item, *v, dt);
    ctx.set(spec.outputs[0], std::move(*v));
    ctx.set_item(spec.outputs[0], item);
    return true;
}

/// reusable_opcode() by opcode id, remembered per id (0 = not looked up yet, 1 = yes, 2 = no).
bool reusable_opcode_id(const Instruction &in) {
    static std::array<std::atomic<uint8_t>, 4096> known{};
    const auto id = static_cast<size_t>(in.opcode_id());
    if (id >= known.size()) return lineage::reusable_opcode(in.opcode());
    uint8_t k = known[id].load(std::memory_order_relaxed);
    if (k == 0) {
        k = lineage::reusable_opcode(in.opcode()) ? 1 : 2;
        known[id].store(k, std::memory_order_relaxed);
    }
    return k == 1;
}

/// The traced execution of one instruction: builds its output items before it runs, probes the cache.
/// `pending`: a bind whose output this instruction reads, not run yet; it runs before this instruction
/// executes (a hit or a compensation plan may make that unnecessary).
void run_traced(const Instruction &in, ExecContext &ctx, PendingBind *pending) {
    const LineageSpec &spec = in.traced_spec();
    RuntimeStats &stats = ctx.stats();
    if (!spec.traced) {
        if (pending) pending->run(ctx);
        in.execute(ctx);
        stats.count(in.opcode_id());
        return;
    }
    if (spec.copy) {
        if (pending) pending->run(ctx);
        ctx.set_loop_taint(spec.outputs[0], ctx.loop_tainted(spec.inputs));
        lineage::ItemPtr item = ctx.item_of(*spec.inputs[0]);
        in.execute(ctx);
        stats.count(in.opcode_id());
        ctx.set_item(spec.outputs[0], std::move(item));
        return;
    }
    lineage::ItemList inputs;
    inputs.reserve(spec.inputs.size());
    for (const Operand *op : spec.inputs) inputs.push_back(ctx.item_of(*op));
    if (spec.data.size() == 7 && spec.data == "lineage" && !inputs.empty()) {
        // lineage(X): the trace of X as text.
        ctx.set(spec.outputs[0], Value(lineage::Item::explain(inputs[0])));
        ctx.set_item(spec.outputs[0],
                     lineage::Item::literal("lineage #" + std::to_string(ctx.next_unique())));
        stats.count(in.opcode_id());
        return;
    }
    // The item data: the instruction's own, plus what only the run decides (a key, a file's fingerprint,
    // a drawn seed); the head hash is the instruction's unless the data grew.
    bool deterministic = spec.deterministic;
    std::string extra;
    if (spec.key_value) {
        const Value &k = ctx.get(*spec.key_value, in.loc());
        if (k.is_string())
            extra += " key=s:" + k.as_string_unchecked();
        else if (k.is_numeric_scalar() && k.to_double() == std::floor(k.to_double()))
            extra += " key=i:" + std::to_string(static_cast<int64_t>(k.to_double()));
    }
    if (spec.file) {
        // A read is identified by its path (an input) and the fingerprint of the data behind it.
        const Value &path = ctx.get(*spec.file, in.loc());
        std::optional<std::string> fp;
        if (path.is_string()) fp = lineage::file_fingerprint(path.as_string_unchecked());
        if (fp)
            extra += " fp=" + *fp;
        else
            deterministic = false;
    }
    if (!deterministic) {
        if (spec.draws_seed) {
            // rand/sample without a seed: draw it now and record it, so the item says which data it is.
            const uint64_t seed = ctx.next_seed();
            ctx.force_next_seed(seed);
            extra += " seed=" + std::to_string(seed);
        } else {
            extra += " #" + std::to_string(ctx.next_unique());
        }
    }
    std::vector<lineage::ItemPtr> items;
    if (spec.compose) {
        items = spec.compose(std::vector<lineage::ItemPtr>(inputs.begin(), inputs.end()));
    } else {
        items.reserve(spec.outputs.size());
        const std::string &opcode = in.opcode();
        for (size_t k = 1; k < spec.outputs.size(); ++k)
            items.push_back(
                lineage::Item::make(opcode, spec.data + extra + " out" + std::to_string(k), inputs));
        // The first output's item takes the inputs (no copy in the common single-output case).
        lineage::ItemPtr first =
            extra.empty() ? lineage::Item::make(opcode, spec.data, std::move(inputs), spec.head_hash)
                          : lineage::Item::make(opcode, spec.data + extra, std::move(inputs));
        items.insert(items.begin(), std::move(first));
    }
    lineage::Cache *cache = ctx.cache();
    // Multi-output instructions (eigen, lu, qr, svd) are cached as one group under the first output's
    // item, when every output is bound: all outputs derive from the same inputs, so the first item decides
    // them all (not so for composed items, e.g. fused operators, which are never grouped).
    bool bound = !spec.outputs.empty() && (spec.outputs.size() == 1 || !spec.compose);
    for (int o : spec.outputs) bound = bound && o >= 0;
    const bool group = spec.outputs.size() > 1;
    const bool reusable =
        cache && deterministic && bound &&
        (spec.compose ? lineage::reusable_opcode(items[0]->opcode()) : reusable_opcode_id(in));
    // A value derived from the loop variable is never computed again in this loop: caching it would only
    // evict useful entries (cbind(X, Z[,i]) in a sweep over i). Under partial reuse, the products that
    // compensation plans start from stay cached.
    const bool loop_dependent = ctx.loop_tainted(spec.inputs);
    // A pending bind may read a slot this instruction writes: the outputs' taint is set once the bind has
    // run or is known not to run.
    auto taint_outputs = [&] {
        for (int o : spec.outputs)
            if (o >= 0) ctx.set_loop_taint(o, loop_dependent);
    };
    if (!pending) taint_outputs();
    const bool keep =
        !loop_dependent || (ctx.options().partial_reuse && lineage::partial::relative_opcode(in.opcode()));
    // Placeholder held for items[0] while this thread computes it (other workers wait for the result).
    struct Placeholder {
        lineage::Cache *cache = nullptr;
        lineage::ItemPtr item;
        ~Placeholder() {
            if (cache) cache->abandon(item); // not completed: an exception, or a value that is not cached
        }
    } placeholder;
    if (reusable) {
        auto t0 = std::chrono::steady_clock::now();
        if (group) {
            std::optional<std::vector<Value>> hit = cache->acquire_group(items[0], spec.outputs.size());
            cache->note_probe_time(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            if (hit) {
                if (pending) taint_outputs();
                for (size_t k = 0; k < spec.outputs.size(); ++k) {
                    ctx.set(spec.outputs[k], std::move((*hit)[k]));
                    ctx.set_item(spec.outputs[k], std::move(items[k]));
                }
                return;
            }
        } else {
            std::optional<Value> hit = cache->acquire(items[0]);
            cache->note_probe_time(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            if (hit) {
                if (pending) taint_outputs();
                ctx.set(spec.outputs[0], std::move(*hit));
                ctx.set_item(spec.outputs[0], std::move(items[0]));
                return;
            }
        }
        placeholder.cache = cache;
        placeholder.item = items[0];
        if (!group && ctx.options().partial_reuse && try_partial_reuse(in, spec, items[0], ctx, pending)) {
            if (pending) taint_outputs();
            return;
        }
    }
    if (pending) {
        pending->run(ctx);
        taint_outputs();
    }
    // The clock is read only when the time is used (statistics, or the cache's cost of the value).
    const bool timed = stats.enabled || reusable;
    const auto t0 = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    in.execute(ctx);
    const double dt =
        timed ? std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() : 0.0;
    if (stats.enabled)
        stats.record(in.opcode_id(), dt);
    else
        stats.count(in.opcode_id());
    for (size_t k = 0; k < spec.outputs.size(); ++k)
        if (spec.outputs[k] >= 0) ctx.set_item(spec.outputs[k], items[k]);
    if (reusable && keep) {
        if (group) {
            std::vector<Value> values;
            bool matrices = true;
            for (int o : spec.outputs) {
                values.push_back(ctx.frame()[static_cast<size_t>(o)]);
                matrices = matrices && values.back().is_matrix();
            }
            if (matrices) {
                cache->put_group(items[0], std::move(values), dt);
                placeholder.cache = nullptr;
            }
        } else {
            const Value &v = ctx.frame()[static_cast<size_t>(spec.outputs[0])];
            if (v.is_matrix()) {
                cache->put(items[0], v, dt);
                placeholder.cache = nullptr;
            }
        }
    }
}

} // namespace

void run_instructions(const InstrList &instrs, ExecContext &ctx) {
    run_instruction_range(instrs, 0, instrs.size(), ctx);
}

void run_instruction_range(const InstrList &instrs, size_t begin, size_t end, ExecContext &ctx) {
    if (ctx.tracing()) lineage::Item::count_traced_ops(static_cast<int64_t>(end - begin));
    if (ctx.tracing() && !ctx.replaying()) {
        // Releases the slots `in` releases, except those `written` (a reader that ran after a pending bind
        // may reuse a slot the bind releases for its output).
        auto release = [&ctx](const Instruction &in, const std::vector<int> *written = nullptr) {
            for (int s : in.release) {
                if (written && std::find(written->begin(), written->end(), s) != written->end()) continue;
                ctx.frame()[static_cast<size_t>(s)] = Value();
                ctx.lineage_frame()[static_cast<size_t>(s)] = nullptr;
            }
        };
        PendingBind pending;
        for (size_t i = begin; i < end; ++i) {
            const auto &in = instrs[i];
            // Partial reuse: a bind read only by the next instruction waits for it (deferred_bind.h).
            if (!pending.bind && i + 1 < end && defer_bind(*in, *instrs[i + 1], ctx)) {
                pending.bind = in.get();
                continue;
            }
            run_traced(*in, ctx, pending.bind ? &pending : nullptr);
            if (pending.bind) {
                if (!pending.ran) ctx.cache()->note_skipped_bind();
                release(*pending.bind, &in->traced_spec().outputs);
                pending = PendingBind();
            }
            release(*in);
        }
        return;
    }
    RuntimeStats &stats = ctx.stats();
    for (size_t i = begin; i < end; ++i) {
        const auto &in = instrs[i];
        if (stats.enabled) {
            auto t0 = std::chrono::steady_clock::now();
            in->execute(ctx);
            auto t1 = std::chrono::steady_clock::now();
            stats.record(in->opcode_id(), std::chrono::duration<double>(t1 - t0).count());
        } else {
            in->execute(ctx);
            stats.count(in->opcode_id());
        }
        for (int s : in->release) ctx.frame()[static_cast<size_t>(s)] = Value();
    }
}

void execute_blocks(const BlockList &blocks, ExecContext &ctx) {
    for (const auto &b : blocks) b->execute(ctx);
}

void BasicBlock::execute(ExecContext &ctx) const {
    if (!recompiler && ctx.cache() && ctx.options().reuse == lineage::ReuseMode::MultiLevel &&
        ctx.tracing() && !ctx.dedup()) {
        std::call_once(reuse_once, [&] { reuse_info = analyze_block_reuse(instructions); });
        if (reuse_info.eligible()) {
            run_block_with_reuse(instructions, reuse_info, ctx);
            return;
        }
    }
    if (recompiler) {
        const std::shared_ptr<const InstrList> instrs = recompiler->instructions_for(ctx);
        if (LoopDedup *dedup = ctx.dedup()) dedup->block(instrs, ctx);
        run_instructions(*instrs, ctx);
        return;
    }
    run_instructions(instructions, ctx);
}

namespace {
bool predicate_value(ExecContext &ctx, const Operand &pred, const SourceLoc &loc) {
    const Value &v = ctx.get(pred, loc);
    if (v.is_matrix()) {
        const auto &m = v.matrix();
        if (m->rows() == 1 && m->cols() == 1) return m->get(0, 0) != 0.0;
        throw DmlError(ErrorKind::Runtime, loc, "a predicate must be a scalar, but found a " + v.describe());
    }
    if (v.is_list())
        throw DmlError(ErrorKind::Runtime, loc, "a predicate must be a scalar, but found a list");
    try {
        return v.to_bool();
    } catch (const std::invalid_argument &e) {
        throw DmlError(ErrorKind::Runtime, loc, std::string("invalid predicate: ") + e.what());
    }
}

double loop_bound(ExecContext &ctx, const Operand &op, const SourceLoc &loc, const char *what) {
    const Value &v = ctx.get(op, loc);
    if (v.is_matrix() && v.matrix()->rows() == 1 && v.matrix()->cols() == 1) return v.matrix()->get(0, 0);
    if (!v.is_numeric_scalar())
        throw DmlError(ErrorKind::Runtime, loc,
                       std::string("the ") + what + " of a for loop must be a number, but found a " +
                           v.describe());
    return v.to_double();
}
} // namespace

void IfBlock::execute(ExecContext &ctx) const {
    run_instructions(predicate, ctx);
    const bool taken = predicate_value(ctx, pred, loc);
    if (LoopDedup *dedup = ctx.dedup()) dedup->branch(taken, ctx);
    if (taken)
        execute_blocks(then_blocks, ctx);
    else
        execute_blocks(else_blocks, ctx);
}

void WhileBlock::execute(ExecContext &ctx) const {
    std::unique_ptr<LoopDedup> dedup = LoopDedup::create(body, ctx);
    while (true) {
        run_instructions(predicate, ctx);
        if (!predicate_value(ctx, pred, loc)) break;
        if (dedup)
            dedup->run(body, ctx);
        else
            execute_blocks(body, ctx);
    }
}

void ForBlock::execute(ExecContext &ctx) const {
    run_instructions(header, ctx);
    double f = loop_bound(ctx, from, loc, "start");
    double t = loop_bound(ctx, to, loc, "end");
    double inc;
    if (has_incr) {
        inc = loop_bound(ctx, incr, loc, "increment");
        if (inc == 0 || std::isnan(inc) || (inc > 0 && f > t) || (inc < 0 && f < t))
            throw DmlError(ErrorKind::Runtime, loc,
                           "wrong sign or zero increment in for loop over seq(" + kernels::format_double(f) +
                               ", " + kernels::format_double(t) + ", " + kernels::format_double(inc) + ")");
    } else {
        inc = (f <= t) ? 1.0 : -1.0;
    }
    if (std::isnan(f) || std::isnan(t) || std::isinf(f) || std::isinf(t))
        throw DmlError(ErrorKind::Runtime, loc, "the bounds of a for loop must be finite numbers");
    IterationSpace it;
    it.integral = f == std::floor(f) && t == std::floor(t) && inc == std::floor(inc) && std::abs(f) < 9e15 &&
                  std::abs(t) < 9e15;
    it.from = f;
    it.incr = inc;
    if (it.integral)
        it.n = (static_cast<int64_t>(t) - static_cast<int64_t>(f)) / static_cast<int64_t>(inc) + 1;
    else
        it.n = static_cast<int64_t>(std::floor((t - f) / inc + 1e-10)) + 1;
    if (parfor_spec) {
        run_parfor(*this, it, ctx);
        return;
    }
    std::unique_ptr<LoopDedup> dedup = LoopDedup::create(body, ctx);
    // Values derived from the loop variable are never hit again in this loop: they are not cached.
    struct LoopTaint {
        ExecContext &c;
        bool on;
        ~LoopTaint() {
            if (on) c.end_loop_taint();
        }
    } taint{ctx, ctx.tracing() && ctx.cache() && ctx.begin_loop_taint(var_slot)};
    for (int64_t k = 0; k < it.n; ++k) {
        ctx.set(var_slot, it.value(k));
        if (ctx.tracing()) ctx.set_item(var_slot, lineage::Item::literal(it.lineage_text(k)));
        if (dedup)
            dedup->run(body, ctx);
        else
            execute_blocks(body, ctx);
    }
}

Value IterationSpace::value(int64_t k) const {
    if (integral) return Value(static_cast<int64_t>(from) + k * static_cast<int64_t>(incr));
    return Value(from + static_cast<double>(k) * incr);
}

std::string IterationSpace::lineage_text(int64_t k) const {
    if (integral) return "i:" + std::to_string(static_cast<int64_t>(from) + k * static_cast<int64_t>(incr));
    return "d:" + kernels::format_double(from + static_cast<double>(k) * incr);
}

// ------------------------------------------------------------------ explain
namespace {
void indent(std::string &out, int depth) {
    out.append(static_cast<size_t>(depth) * 2, ' ');
}
void explain_instrs(const InstrList &instrs, std::string &out, int depth) {
    for (const auto &in : instrs) {
        indent(out, depth);
        out += in->explain();
        out += '\n';
    }
}
void explain_blocks(const BlockList &blocks, std::string &out, int depth) {
    for (const auto &b : blocks) b->explain(out, depth);
}
std::string line_of(const SourceLoc &loc) {
    return loc.line > 0 ? " (line " + std::to_string(loc.line) + ")" : "";
}
} // namespace

void BasicBlock::explain(std::string &out, int depth) const {
    indent(out, depth);
    out += "GENERIC" + (instructions.empty() ? std::string() : line_of(instructions.front()->loc())) +
           (recompiler ? " [recompile]" : "") + "\n";
    explain_instrs(instructions, out, depth + 1);
}

void IfBlock::explain(std::string &out, int depth) const {
    indent(out, depth);
    out += "IF" + line_of(loc) + "\n";
    explain_instrs(predicate, out, depth + 1);
    explain_blocks(then_blocks, out, depth + 1);
    if (!else_blocks.empty()) {
        indent(out, depth);
        out += "ELSE\n";
        explain_blocks(else_blocks, out, depth + 1);
    }
}

void WhileBlock::explain(std::string &out, int depth) const {
    indent(out, depth);
    out += "WHILE" + line_of(loc) + "\n";
    explain_instrs(predicate, out, depth + 1);
    explain_blocks(body, out, depth + 1);
}

void ForBlock::explain(std::string &out, int depth) const {
    indent(out, depth);
    out += (parfor ? "PARFOR" : "FOR") + line_of(loc) + "\n";
    explain_instrs(header, out, depth + 1);
    explain_blocks(body, out, depth + 1);
}

void Function::explain(std::string &out) const {
    out += "FUNCTION " + name + "\n";
    explain_blocks(body, out, 1);
}

const Function *Program::find_function(const std::string &key) const {
    auto it = functions.find(key);
    return it == functions.end() ? nullptr : it->second.get();
}

std::string Program::explain() const {
    std::string out = "PROGRAM\n";
    for (const auto &[key, fn] : functions) fn->explain(out);
    out += "MAIN PROGRAM\n";
    explain_blocks(main->body, out, 1);
    return out;
}

// ------------------------------------------------------------------ context
ExecContext::ExecContext(const Program &program, std::ostream &out, RuntimeStats &stats,
                         RuntimeOptions options)
    : program_(program), out_(out), stats_(stats), options_(options) {
    if (options_.seed >= 0)
        seed_state_ = static_cast<uint64_t>(options_.seed);
    else
        seed_state_ = std::random_device{}() ^
                      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

bool ExecContext::begin_loop_taint(int slot) {
    if (taint_frame_) {
        // A loop inside the tracked one: its variable is a fresh value each iteration but repeats over the
        // outer iterations; it taints nothing by itself.
        if (taint_frame_ == frame_) set_loop_taint(slot, false);
        return false;
    }
    taint_frame_ = frame_;
    taint_.assign(frame_->size(), 0);
    set_loop_taint(slot, true);
    return true;
}

void ExecContext::end_loop_taint() {
    taint_frame_ = nullptr;
    taint_.clear();
}

bool ExecContext::loop_tainted(const std::vector<const Operand *> &inputs) const {
    if (taint_frame_ != frame_) return false;
    for (const Operand *op : inputs)
        if (op->slot >= 0 && static_cast<size_t>(op->slot) < taint_.size() &&
            taint_[static_cast<size_t>(op->slot)])
            return true;
    return false;
}

void ExecContext::set_loop_taint(int slot, bool tainted) {
    if (taint_frame_ != frame_ || slot < 0) return;
    if (static_cast<size_t>(slot) >= taint_.size()) taint_.resize(static_cast<size_t>(slot) + 1, 0);
    taint_[static_cast<size_t>(slot)] = tainted ? 1 : 0;
}
ExecContext::ExecContext(const ExecContext &parent, std::ostream &out, RuntimeStats &stats,
                         std::vector<Value> &frame, std::vector<lineage::ItemPtr> *lframe)
    : program_(parent.program_), out_(out), stats_(stats), options_(parent.options_), frame_(&frame),
      lframe_(lframe), cache_(parent.cache_), unique_(parent.unique_), function_(parent.function_),
      seed_state_(parent.seed_state_), call_depth_(parent.call_depth_),
      parfor_depth_(parent.parfor_depth_ + 1) {}

uint64_t ExecContext::next_seed() {
    if (forced_seed_) {
        uint64_t s = *forced_seed_;
        forced_seed_.reset();
        return s;
    }
    // splitmix64: well-distributed successive seeds from one base.
    uint64_t z = (seed_state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (z ^ (z >> 31)) & 0x7fffffffffffffffULL;
}

void ExecContext::undefined_variable(int slot, const SourceLoc &loc) const {
    std::string name = (function_ && static_cast<size_t>(slot) < function_->slot_names.size())
                           ? function_->slot_names[slot]
                           : "_s" + std::to_string(slot);
    throw DmlError(ErrorKind::Runtime, loc, "variable '" + name + "' is used before it is assigned a value");
}

namespace {
constexpr int kMaxCallDepth = 2000;

void check_param_type(const FunctionParam &p, const Value &v, const Function &fn, const SourceLoc &loc) {
    bool ok = true;
    switch (p.data_type) {
    case DataType::Matrix:
        ok = v.is_matrix();
        break;
    case DataType::Scalar:
        ok = v.is_scalar();
        break;
    case DataType::List:
        ok = v.is_list();
        break;
    default:
        break;
    }
    if (!ok)
        throw DmlError(ErrorKind::Runtime, loc,
                       "argument '" + p.name + "' of function " + fn.name + " expects a " +
                           to_string(p.data_type) + " but was given a " + v.describe());
}

Value coerce_scalar(const FunctionParam &p, Value v) {
    if (p.data_type != DataType::Scalar || !v.is_scalar()) return v;
    switch (p.value_type) {
    case ValueType::Double:
        if (v.is_int() || v.is_bool()) return Value(v.to_double());
        break;
    case ValueType::Int:
        if (v.is_double() || v.is_bool()) return Value(v.to_int());
        break;
    case ValueType::Bool:
        if (v.is_double() || v.is_int()) return Value(v.to_bool());
        break;
    default:
        break;
    }
    return v;
}

/// Whether two constants are the same literal (same type; doubles bit for bit).
bool same_constant(const Value &a, const Value &b) {
    if (a.is_double()) {
        if (!b.is_double()) return false;
        const double x = a.as_double_unchecked(), y = b.as_double_unchecked();
        return std::memcmp(&x, &y, sizeof x) == 0;
    }
    if (a.is_int()) return b.is_int() && a.as_int_unchecked() == b.as_int_unchecked();
    if (a.is_bool()) return b.is_bool() && a.as_bool_unchecked() == b.as_bool_unchecked();
    if (a.is_string()) return b.is_string() && a.as_string_unchecked() == b.as_string_unchecked();
    return false;
}

/// The typed text of a scalar constant's literal item (`d:`, `i:`, `b:`, `s:`).
const std::string &literal_text(const Value &v, std::string &buf) {
    if (v.is_double())
        buf = "d:" + kernels::format_double(v.as_double_unchecked());
    else if (v.is_int())
        buf = "i:" + std::to_string(v.as_int_unchecked());
    else if (v.is_bool())
        buf = v.as_bool_unchecked() ? "b:TRUE" : "b:FALSE";
    else
        buf = "s:" + v.as_string_unchecked();
    return buf;
}

/// The literal item of a constant operand, made once per operand instead of on every execution: a small
/// direct-mapped table per thread (parfor workers run the same instructions) keyed by the operand's
/// address. The constant itself is compared too, so an operand freed by recompilation and a new one at
/// the same address never share a stale item.
lineage::ItemPtr literal_item(const Operand &op) {
    struct Slot {
        const Operand *op = nullptr;
        Value value;
        lineage::ItemPtr item;
    };
    constexpr size_t kSlots = 256;
    thread_local std::array<Slot, kSlots> table;
    Slot &slot = table[(reinterpret_cast<uintptr_t>(&op) >> 4) % kSlots];
    if (slot.op == &op && slot.item && same_constant(slot.value, op.constant)) return slot.item;
    std::string buf;
    slot.item = lineage::Item::literal(literal_text(op.constant, buf));
    slot.op = &op;
    slot.value = op.constant;
    return slot.item;
}
} // namespace

lineage::ItemPtr ExecContext::item_of(const Operand &op) {
    if (op.slot >= 0) {
        lineage::ItemPtr &it = (*lframe_)[static_cast<size_t>(op.slot)];
        if (!it) {
            // A value without a trace (should not happen for values the program computed): make it unique.
            std::string name = function_ && static_cast<size_t>(op.slot) < function_->slot_names.size()
                                   ? function_->slot_names[static_cast<size_t>(op.slot)]
                                   : std::string("?");
            it = lineage::Item::make("V", name + " #" + std::to_string(next_unique()),
                                     std::vector<lineage::ItemPtr>{});
        }
        return it;
    }
    const Value &v = op.constant;
    if (v.is_empty()) return lineage::Item::literal("-");
    if (v.is_scalar()) return literal_item(op);
    return lineage::Item::make("V", "const #" + std::to_string(next_unique()),
                               std::vector<lineage::ItemPtr>{});
}

std::vector<Value> ExecContext::call(const Function &fn, std::vector<Value> args, const SourceLoc &call_loc,
                                     std::vector<lineage::ItemPtr> *items) {
    if (call_depth_ >= kMaxCallDepth)
        throw DmlError(ErrorKind::Runtime, call_loc,
                       "maximum function call depth (" + std::to_string(kMaxCallDepth) +
                           ") exceeded calling " + fn.name);
    std::vector<Value> frame(static_cast<size_t>(fn.num_slots));
    std::vector<lineage::ItemPtr> lframe;
    std::vector<Value> *saved_frame = frame_;
    std::vector<lineage::ItemPtr> *saved_lframe = lframe_;
    const Function *saved_fn = function_;
    const bool trace = options_.lineage;
    if (trace) lframe.resize(static_cast<size_t>(fn.num_slots));
    frame_ = &frame;
    lframe_ = trace ? &lframe : nullptr;
    function_ = &fn;
    ++call_depth_;
    stats_.function_calls++;
    // A call from a deduplicated loop body (a builtin that calls a function) is traced on its own.
    struct Restore {
        ExecContext &c;
        std::vector<Value> *f;
        std::vector<lineage::ItemPtr> *lf;
        const Function *fn;
        LoopDedup *dedup;
        bool replay;
        ~Restore() {
            c.frame_ = f;
            c.lframe_ = lf;
            c.function_ = fn;
            c.dedup_ = dedup;
            c.replay_ = replay;
            --c.call_depth_;
        }
    } restore{*this, saved_frame, saved_lframe, saved_fn, dedup_, replay_};
    dedup_ = nullptr;
    replay_ = false;

    for (size_t i = 0; i < fn.params.size(); ++i) {
        const FunctionParam &p = fn.params[i];
        if (i < args.size() && !args[i].is_empty()) {
            check_param_type(p, args[i], fn, call_loc);
            frame[static_cast<size_t>(p.slot)] = coerce_scalar(p, std::move(args[i]));
            if (trace && items && i < items->size() && (*items)[i])
                lframe[static_cast<size_t>(p.slot)] = (*items)[i];
        } else if (p.has_default) {
            run_instructions(p.default_code, *this);
            Value v = get(p.default_value, fn.loc);
            frame[static_cast<size_t>(p.slot)] = coerce_scalar(p, std::move(v));
        } else {
            throw DmlError(ErrorKind::Runtime, call_loc,
                           "missing argument '" + p.name + "' in call to function " + fn.name);
        }
    }
    try {
        execute_blocks(fn.body, *this);
    } catch (const DmlError &e) {
        // An error inside a function from another file (a script builtin or a sourced library) is
        // reported at the call site in the caller's file, with where it was raised as a note.
        if (!call_loc.valid() || !fn.loc.file || fn.loc.file == call_loc.file || !e.loc().valid()) throw;
        throw DmlError(e.kind(), call_loc,
                       e.message() + "\n  raised in " + fn.name + " at " + e.loc().file->path() + ":" +
                           std::to_string(e.loc().line) + ":" + std::to_string(e.loc().col));
    }
    std::vector<Value> out;
    out.reserve(fn.returns.size());
    for (const FunctionParam &r : fn.returns) {
        Value &v = frame[static_cast<size_t>(r.slot)];
        if (v.is_empty())
            throw DmlError(ErrorKind::Runtime, call_loc,
                           "function " + fn.name + " did not assign a value to its output '" + r.name + "'");
        out.push_back(coerce_scalar(r, std::move(v)));
    }
    if (trace && items) {
        items->clear();
        for (const FunctionParam &r : fn.returns) items->push_back(item_of(Operand::of_slot(r.slot)));
    }
    return out;
}

void run_program(const Program &program, ExecContext &ctx) {
    ctx.call(*program.main, {}, program.main->loc);
}

} // namespace linea::rt
