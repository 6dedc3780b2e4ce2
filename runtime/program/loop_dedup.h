// Loop deduplication (-lineage dedup) of a last-level loop body: traced once per control path, replayed
// without tracing after that.
#pragma once

#include "runtime/lineage/dedup.h"
#include "runtime/program/program.h"

#include <memory>
#include <optional>
#include <vector>

namespace linea::rt {

/// The deduplication state of one loop execution. A control path is the sequence of decisions an
/// iteration makes: each if's branch and, for a block recompiled at run time, which instruction list it
/// ran. The first iteration that takes a path (a prefix of it) is traced over placeholder items, one per
/// slot; at its end the output slots' items form the path's patch (lineage::make_patch). Later iterations
/// on a known path run untraced (no per-instruction items) and only bind their outputs to dedup items of
/// the patch over the items their inputs had at the start. An iteration that leaves the known paths at a
/// decision continues over the placeholder frame recorded there for the path's first iteration.
///
/// With a reuse cache the iterations stay traced (probes need the real items) and the patch is made from
/// the first real iteration of each path. A path whose items vary per execution (draws, reads, lineage())
/// keeps its full trace; a body that assigns list elements by a run-time key, or whose recompiled blocks
/// keep changing, is not deduplicated.
class LoopDedup {
public:
    /// The state for a loop over `body`, or nullptr when the loop is not deduplicated: no -lineage dedup,
    /// not tracing, or not a last-level body (only basic blocks and ifs; no loops, no function calls).
    static std::unique_ptr<LoopDedup> create(const BlockList &body, const ExecContext &ctx);

    /// Runs one iteration of the body.
    void run(const BlockList &body, ExecContext &ctx);
    /// An if in the body took a branch (called by IfBlock while the iteration runs).
    void branch(bool taken, ExecContext &ctx);
    /// A block of the body recompiled at run time runs `instrs` (called by BasicBlock).
    void block(const std::shared_ptr<const InstrList> &instrs, ExecContext &ctx);

private:
    enum class Mode { Replay, Traced, Off }; ///< how iterations run (Replay: placeholders, then replays)
    enum class Pass { Symbolic, Replay, Traced };
    static constexpr uint32_t kNone = ~uint32_t{0};
    /// A node of the trie of paths: the decisions so far.
    struct Node {
        std::vector<std::pair<uint32_t, uint32_t>> children; ///< decision token -> node
        /// The placeholder frame when the first symbolic pass through this node reached its next decision.
        std::vector<lineage::ItemPtr> frame;
        bool has_frame = false;
        bool leaf = false; ///< an iteration ended here: `patch` is its path's patch (nullopt: full trace)
        std::optional<lineage::DedupPatch> patch;
    };

    explicit LoopDedup(Mode mode) : mode_(mode), nodes_(1) {}
    void decide(uint32_t token, ExecContext &ctx);
    /// Switches the running iteration to a symbolic pass over `frame` (placeholders), keeping the real frame.
    void begin_symbolic(const std::vector<lineage::ItemPtr> *frame, ExecContext &ctx);
    void finish(ExecContext &ctx);
    /// Binds the outputs of `patch` in the lineage frame from the items `start` had at the iteration start.
    void apply(const lineage::DedupPatch &patch, const std::vector<lineage::ItemPtr> &start,
               ExecContext &ctx);
    /// Ends a symbolic pass that cannot be kept as a patch: the real items of its outputs.
    void instantiate(std::vector<lineage::ItemPtr> &end, ExecContext &ctx);
    const lineage::ItemPtr &placeholder(size_t slot);

    Mode mode_;
    Pass pass_ = Pass::Traced;
    uint32_t node_ = 0;
    bool give_up_ = false;   ///< set during an iteration: stop deduplicating after it
    bool to_traced_ = false; ///< set during an iteration: trace the following iterations
    std::vector<Node> nodes_;
    std::vector<lineage::ItemPtr> real_;         ///< the real frame while a symbolic pass runs
    std::vector<lineage::ItemPtr> start_;        ///< Traced: the frame at the iteration start
    std::vector<lineage::ItemPtr> placeholders_; ///< per slot
    /// The placeholder frame the first symbolic pass started from (null for slots without an item).
    std::vector<lineage::ItemPtr> root_start_;
    std::vector<lineage::ItemPtr> scratch_;
    /// The instruction lists recompiled blocks ran (kept alive, so an address never names two lists).
    std::vector<std::shared_ptr<const InstrList>> lists_;
};

} // namespace linea::rt
