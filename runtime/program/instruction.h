// Run-time instructions: each reads operands (variable slots or constants) and writes output slots.
#pragma once

#include "runtime/data/value.h"
#include "runtime/lineage/item.h"
#include "runtime/util/diagnostics.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace linea::rt {

class ExecContext;

/// An instruction input: a slot of the current frame, or a constant.
struct Operand {
    int slot = -1;  ///< >= 0: frame slot
    Value constant; ///< used when slot < 0
    static Operand of_slot(int s) { return Operand{s, Value()}; }
    static Operand of_constant(Value v) { return Operand{-1, std::move(v)}; }
    bool is_constant() const { return slot < 0; }
};

/// Interns an opcode name (SystemDS spelling) into a small integer used by the statistics.
int intern_opcode(std::string_view name);
const std::string &opcode_name(int id);
int opcode_count();

/// What lineage tracing needs to know about an instruction.
struct LineageSpec {
    std::vector<const Operand *> inputs;
    std::vector<int> outputs;
    std::string data;          ///< parameters that distinguish the operation beyond opcode and inputs
    bool traced = true;        ///< false: no outputs, or the instruction traces itself (function calls)
    bool copy = false;         ///< the output's lineage is the input's (variable copies)
    bool deterministic = true; ///< false: every execution gets a unique item (rand without seed, ...)
    bool draws_seed = false;   ///< a draw without a fixed seed: its item records the seed drawn at run time
    /// A scalar operand whose run-time value is appended to data as " key=<value>" (the key of a list
    /// element assignment, so a list element's lineage can be found by key; see list_element_item).
    const Operand *key_value = nullptr;
    /// A file read: the path operand. Its item records the file's fingerprint (lineage/fingerprint.h), which
    /// makes the read deterministic; a file that cannot be fingerprinted keeps the read unique.
    const Operand *file = nullptr;
    /// A fused operator: builds the items of its outputs from its inputs' items (one per output), the same
    /// items the unfused operators would have traced; the instruction's own opcode and `data` are not used.
    std::function<std::vector<lineage::ItemPtr>(const std::vector<lineage::ItemPtr> &)> compose;
    /// Set by Instruction::traced_spec(): lineage::Item::head_hash of the opcode and `data`.
    uint64_t head_hash = 0;
};

class Instruction {
public:
    Instruction(std::string_view opcode, SourceLoc loc)
        : opcode_id_(intern_opcode(opcode)), loc_(std::move(loc)) {}
    virtual ~Instruction();

    /// Runs the instruction. Errors are thrown as DmlError (user errors carry loc()).
    virtual void execute(ExecContext &ctx) const = 0;
    /// One line for -explain runtime, e.g. "ba+* _t3 = X, Y".
    virtual std::string explain() const;
    /// Inputs, outputs and parameters for lineage tracing (default: not traced).
    virtual LineageSpec lineage_spec() const {
        LineageSpec s;
        s.traced = false;
        return s;
    }

    /// lineage_spec() made once (an instruction does not change after lowering), with its head hash:
    /// what tracing reads on every execution. Thread-safe (parfor workers share instructions).
    const LineageSpec &traced_spec() const;

    int opcode_id() const { return opcode_id_; }
    const std::string &opcode() const { return opcode_name(opcode_id_); }
    const SourceLoc &loc() const { return loc_; }

    /// Slots released (set empty) after this instruction ran: temporaries at their last use.
    std::vector<int> release;
    /// Slot names for explain output (index = slot); set by the compiler, may be null.
    const std::vector<std::string> *slot_names = nullptr;

protected:
    std::string operand_text(const Operand &op) const;
    std::string slot_text(int slot) const;

private:
    int opcode_id_;
    SourceLoc loc_;
    mutable std::atomic<const LineageSpec *> traced_spec_{nullptr};
};

using InstrPtr = std::unique_ptr<Instruction>;
using InstrList = std::vector<InstrPtr>;

} // namespace linea::rt
