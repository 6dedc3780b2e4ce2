// Statement-block-level reuse (multi-level): the deterministic part of a basic block is keyed by its
// identity and its inputs' lineage; when all its outputs are cached, they are bound from the cache and
// that part of the block is skipped.
#pragma once

#include "runtime/program/instruction.h"

#include <cstdint>
#include <vector>

namespace linea::rt {

/// The first `length` instructions of a block as a unit of reuse.
struct BlockCut {
    size_t length = 0;
    bool worth = false;       ///< contains an expensive operation or enough compute instructions to pay
    std::vector<int> inputs;  ///< slots read before these instructions write them
    std::vector<int> outputs; ///< slots that hold a value these instructions wrote, after them
    std::vector<int> cleared; ///< slots left empty after them (released temporaries and last-use inputs)
};

/// What statement-block reuse knows about one block (computed once from its instructions).
struct BlockReuseInfo {
    uint64_t id = 0;         ///< unique per analysed block (part of the keys; never reused in a process)
    std::vector<int> inputs; ///< slots read by the deterministic prefix, in order of first read
    std::vector<size_t> first_read; ///< per input: the index of the instruction that reads it first
    std::vector<BlockCut> cuts;     ///< the prefix cut before each first read, and the whole prefix
    /// Whether any cut can pay off.
    bool eligible() const;
};

/// Analyses a block. Its deterministic prefix ends before the first instruction that is not traced
/// (prints, writes, calls), not deterministic (draws without a seed), a read, or `lineage()`. A cut is
/// worth reusing when it contains an expensive operation (matrix products, solvers, decompositions) or at
/// least five compute instructions.
BlockReuseInfo analyze_block_reuse(const InstrList &instrs);

/// Runs a block under statement-block reuse. The longest cut whose inputs are bound, traced and not
/// derived from the running loop's variable is probed: on a hit (every output cached under the cut's
/// keys) the cached values and their instruction-level lineage are bound and `MultiLevel SB` counted;
/// otherwise its instructions run and their outputs are offered to the cache when they took long enough.
/// The rest of the block runs normally.
void run_block_with_reuse(const InstrList &instrs, const BlockReuseInfo &info, ExecContext &ctx);

} // namespace linea::rt
