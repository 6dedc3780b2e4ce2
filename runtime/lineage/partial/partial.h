// Partial reuse: on a cache miss, compute the result from a cached relative plus a small correction.
#pragma once

#include "runtime/data/value.h"
#include "runtime/lineage/cache.h"
#include "runtime/lineage/item.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace linea::lineage::partial {

/// An operand that is a cbind/rbind the executor has traced but not run (its only reader is the target):
/// the bind's inputs, all matrices that fit together.
struct DeferredBind {
    bool columns = true;              ///< cbind (else rbind)
    std::vector<const Value *> parts; ///< the bind's input values in order; empty: not deferred
};

/// What a compensation plan may read besides the cache.
struct Operands {
    /// The instruction's operand values, parallel to the target item's inputs (nullptr: not a value). A
    /// deferred operand's value is empty until `materialize` has run its bind.
    std::vector<const Value *> values;
    /// Per operand (parallel to values, or empty): the deferred bind it stands for, if any.
    std::vector<DeferredBind> deferred;
    /// Runs the deferred binds (their values then are in `values`); empty when nothing is deferred.
    std::function<void()> materialize;
    /// A live value by lineage item (the running frame's variables), or nothing; may be empty.
    std::function<std::optional<Value>(const ItemPtr &)> lookup;
    /// Whether the instruction's inputs derive from the running for loop's variable.
    bool loop_dependent = false;
    /// Whether a live variable with this lineage exists and does not derive from the running loop's
    /// variable (a loop-invariant operand); may be empty (then nothing is known to be invariant).
    std::function<bool(const ItemPtr &)> loop_invariant;
};

/// Whether values of this opcode serve compensation plans as cached relatives (kept in the cache even
/// inside a loop sweep, where the exact value never repeats).
bool relative_opcode(const std::string &opcode);

/// Whether instructions of this opcode are targets of compensation plans (their operands may be binds
/// the executor has not run: DeferredBind).
bool target_opcode(const std::string &opcode);

/// Tries the registered compensation plans (rewrite_list.cpp) in order for `item`, which missed the
/// cache. Returns the value of `item` computed from cached relatives, or nothing when no plan applies.
/// A success counts one `LinCache Rewrites`; the caller caches the result under `item` as usual.
std::optional<Value> try_compensate(const ItemPtr &item, Cache &cache, const Operands &operands);

} // namespace linea::lineage::partial
