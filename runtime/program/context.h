// The execution context: the current frame of variable slots, output, statistics and options.
#pragma once

#include "kernels/ops.h"
#include "runtime/data/value.h"
#include "runtime/lineage/cache.h"
#include "runtime/program/instruction.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace linea::rt {

class Program;
class Function;
class LoopDedup;

/// Per-opcode execution counters behind -stats heavy hitters.
struct OpcodeStats {
    double seconds = 0;
    int64_t count = 0;
};

/// Counters of one execution context. A parfor worker counts into its own and the loop merges them, so
/// no counter is shared between threads.
struct RuntimeStats {
    bool enabled = false; ///< time every instruction (only with -stats)
    std::vector<OpcodeStats> per_opcode;
    int64_t function_calls = 0;
    int64_t parfor_loops = 0, parfor_workers = 0, parfor_tasks = 0, parfor_iterations = 0;
    void record(int opcode_id, double seconds);
    void count(int opcode_id);
    /// Adds another context's counters (a finished parfor worker's).
    void merge(const RuntimeStats &other);
    /// The `ParFor ...` line of -stats ("" when no parfor loop ran).
    std::string parfor_text() const;
    /// The SystemDS-style heavy hitter table of the top k opcodes.
    std::string heavy_hitters(int k) const;
};

struct RuntimeOptions {
    int64_t seed = -1; ///< -seed: base for rand(seed=-1); -1 draws from the clock
    int threads = 0;
    bool explain_recompile_hops = false;    ///< -explain recompile_hops: print DAGs as they are recompiled
    bool explain_recompile_runtime = false; ///< -explain recompile_runtime: print recompiled instructions
    bool lineage = false;                   ///< trace lineage (-lineage)
    lineage::ReuseMode reuse = lineage::ReuseMode::None;
    bool partial_reuse = false; ///< on a cache miss, try compensation plans (runtime/lineage/partial/)
    bool dedup = false;         ///< -lineage dedup: last-level loop bodies traced once per control path
};

class ExecContext {
public:
    ExecContext(const Program &program, std::ostream &out, RuntimeStats &stats, RuntimeOptions options);
    /// A context for a parfor worker: the parent's program, options, cache, function and call depth, and its
    /// unique-number counter (shared, atomic); its own output stream, statistics and variable frames.
    ExecContext(const ExecContext &parent, std::ostream &out, RuntimeStats &stats, std::vector<Value> &frame,
                std::vector<lineage::ItemPtr> *lframe);

    const Program &program() const { return program_; }
    std::ostream &out() { return out_; }
    RuntimeStats &stats() { return stats_; }
    const RuntimeOptions &options() const { return options_; }

    /// The slots of the running function.
    std::vector<Value> &frame() { return *frame_; }
    const Function &function() const { return *function_; }
    /// Reads an operand; an empty slot is a user error naming the variable.
    const Value &get(const Operand &op, const SourceLoc &loc) const {
        if (op.slot < 0) return op.constant;
        const Value &v = (*frame_)[static_cast<size_t>(op.slot)];
        if (v.is_empty()) undefined_variable(op.slot, loc);
        return v;
    }
    /// Binds a slot. Matrices pass the format policy here (examine and switch: dense or CSR by
    /// density and memory), so every instruction output is in its chosen format.
    void set(int slot, Value v) {
        if (v.is_matrix()) v = Value(kernels::with_chosen_format(v.matrix()));
        (*frame_)[static_cast<size_t>(slot)] = std::move(v);
    }

    /// Runs `fn` with `args` bound to its parameters (omitted ones: empty Value -> default);
    /// returns its outputs in declaration order. With tracing on, `items` carries the arguments'
    /// lineage in and the outputs' lineage out.
    std::vector<Value> call(const Function &fn, std::vector<Value> args, const SourceLoc &call_loc,
                            std::vector<lineage::ItemPtr> *items = nullptr);

    // ---- lineage
    bool tracing() const { return lframe_ != nullptr; }
    /// The cache for reuse, or nullptr when reuse is off.
    lineage::Cache *cache() const { return cache_; }
    void set_cache(lineage::Cache *c) { cache_ = c; }
    /// The lineage item of an operand (a literal item for constants).
    lineage::ItemPtr item_of(const Operand &op);
    void set_item(int slot, lineage::ItemPtr item) {
        (*lframe_)[static_cast<size_t>(slot)] = std::move(item);
    }
    std::vector<lineage::ItemPtr> &lineage_frame() { return *lframe_; }
    // ---- loop-dependence (values derived from the running for loop's variable are not cached)
    /// Starts tracking the variable in `slot` of the current frame as the outermost loop's variable;
    /// false if a loop is tracked already (nested loops: only the outermost variable counts).
    bool begin_loop_taint(int slot);
    void end_loop_taint();
    /// Whether any input slot of the current frame derives from the tracked loop variable.
    bool loop_tainted(const std::vector<const Operand *> &inputs) const;
    /// Records whether the value in `slot` (current frame) derives from the tracked loop variable.
    void set_loop_taint(int slot, bool tainted);

    /// While a deduplicated loop body runs: its loop's deduplication state (loop_dedup.h), else nullptr.
    LoopDedup *dedup() const { return dedup_; }
    void set_dedup(LoopDedup *d) { dedup_ = d; }
    /// Whether instructions run untraced because a deduplicated loop replays a known path.
    bool replaying() const { return replay_; }
    void set_replay(bool on) { replay_ = on; }
    /// A number unique within this context, to make items of non-deterministic operations distinct.
    uint64_t next_unique() { return ++*unique_; }

    /// A fresh seed for rand/sample with seed=-1.
    uint64_t next_seed();
    /// Makes the next next_seed() return `seed` (lineage tracing draws the seed first to record it).
    void force_next_seed(uint64_t seed) { forced_seed_ = seed; }
    /// Restarts the seed sequence (a parfor iteration draws from a sequence of its own).
    void reseed(uint64_t state) {
        seed_state_ = state;
        forced_seed_.reset();
    }

    /// How many parfor workers this context runs inside (0 = not in a parfor).
    int parfor_depth() const { return parfor_depth_; }

    [[noreturn]] void undefined_variable(int slot, const SourceLoc &loc) const;

private:
    const Program &program_;
    std::ostream &out_;
    RuntimeStats &stats_;
    RuntimeOptions options_;
    std::vector<Value> *frame_ = nullptr;
    std::vector<lineage::ItemPtr> *lframe_ = nullptr;
    lineage::Cache *cache_ = nullptr;
    LoopDedup *dedup_ = nullptr;
    bool replay_ = false;
    std::shared_ptr<std::atomic<uint64_t>> unique_ = std::make_shared<std::atomic<uint64_t>>(0);
    std::optional<uint64_t> forced_seed_;
    const std::vector<Value> *taint_frame_ = nullptr; ///< the frame of the tracked loop, or none
    std::vector<char> taint_;                         ///< per slot of taint_frame_
    const Function *function_ = nullptr;
    uint64_t seed_state_;
    int call_depth_ = 0;
    int parfor_depth_ = 0;
};

/// Runs a whole program's main function.
void run_program(const Program &program, ExecContext &ctx);

} // namespace linea::rt
