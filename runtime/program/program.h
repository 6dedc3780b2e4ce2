// Program blocks: the executable structure the compiler emits (basic, if, for, while, function).
#pragma once

#include "runtime/program/block_reuse.h"
#include "runtime/program/instruction.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace linea::rt {

class ProgramBlock {
public:
    virtual ~ProgramBlock() = default;
    virtual void execute(ExecContext &ctx) const = 0;
    /// Appends the -explain runtime text of this block (indented by `depth`).
    virtual void explain(std::string &out, int depth) const = 0;
};
using BlockPtr = std::unique_ptr<ProgramBlock>;
using BlockList = std::vector<BlockPtr>;

void execute_blocks(const BlockList &blocks, ExecContext &ctx);
void run_instructions(const InstrList &instrs, ExecContext &ctx);
/// Runs instructions [begin, end) of a list (traced when lineage is on), releasing their dead slots.
void run_instruction_range(const InstrList &instrs, size_t begin, size_t end, ExecContext &ctx);

/// Recompiles a block just before it runs, from the live sizes of its inputs. Implemented by the compiler
/// (the runtime sees only this interface).
class BlockRecompiler {
public:
    virtual ~BlockRecompiler() = default;
    /// The instructions to run for the current inputs: recompiled when their sizes changed since the last
    /// call, else the previous result.
    /// Safe to call from concurrent parfor workers; the caller keeps the returned list alive while it runs.
    virtual std::shared_ptr<const InstrList> instructions_for(ExecContext &ctx) = 0;
};

/// Straight-line code.
class BasicBlock : public ProgramBlock {
public:
    InstrList instructions;
    /// Set for blocks whose sizes are unknown at compile time (dynamic recompilation).
    std::unique_ptr<BlockRecompiler> recompiler;
    /// Statement-block reuse (block_reuse.h), analysed on the first multi-level execution.
    mutable std::once_flag reuse_once;
    mutable BlockReuseInfo reuse_info;
    void execute(ExecContext &ctx) const override;
    void explain(std::string &out, int depth) const override;
};

/// if (pred) then else; the predicate instructions leave their value in pred_slot (or pred is constant).
class IfBlock : public ProgramBlock {
public:
    InstrList predicate;
    Operand pred;
    SourceLoc loc;
    BlockList then_blocks;
    BlockList else_blocks;
    void execute(ExecContext &ctx) const override;
    void explain(std::string &out, int depth) const override;
};

/// How a parfor loop runs (parfor.cpp): its options and result variables.
struct ParforSpec {
    Operand par, tasksize; ///< evaluated by the loop header when given
    bool has_par = false, has_tasksize = false;
    std::string mode = "LOCAL"; ///< anything else runs locally with a note
    std::string partitioner;    ///< FIXED, NAIVE, STATIC, FACTORING(_CMIN/_CMAX); "" = FACTORING
    std::string opt;            ///< optimizer name (all run the rule-based local plan)
    /// Variables whose cells changed by the iterations are merged into the original after the loop.
    std::vector<std::pair<std::string, int>> results;
    mutable std::atomic<bool> noted{false}; ///< the unsupported-mode note was printed
};

/// for / parfor over from:to by incr. A parfor runs its iterations on parallel workers (parfor.cpp).
class ForBlock : public ProgramBlock {
public:
    InstrList header; ///< computes from, to, incr
    Operand from, to, incr;
    bool has_incr = false;
    bool is_seq = false; ///< seq(a,b[,c]) rather than a:b
    bool parfor = false;
    std::unique_ptr<ParforSpec> parfor_spec; ///< set for parfor
    int var_slot = -1;
    SourceLoc loc;
    BlockList body;
    void execute(ExecContext &ctx) const override;
    void explain(std::string &out, int depth) const override;
};

/// The values a for loop's variable takes: from + k*incr for k in [0, n).
struct IterationSpace {
    bool integral = true; ///< integer values (else doubles)
    double from = 0, incr = 1;
    int64_t n = 0;
    Value value(int64_t k) const;
    std::string lineage_text(int64_t k) const; ///< the literal lineage item of value(k)
};

/// Runs a parfor loop's iterations on parallel workers and merges its result variables (parfor.cpp).
void run_parfor(const ForBlock &loop, const IterationSpace &it, ExecContext &ctx);

class WhileBlock : public ProgramBlock {
public:
    InstrList predicate;
    Operand pred;
    SourceLoc loc;
    BlockList body;
    void execute(ExecContext &ctx) const override;
    void explain(std::string &out, int depth) const override;
};

/// A parameter or return value of a function.
struct FunctionParam {
    std::string name;
    int slot = -1;
    DataType data_type = DataType::Unknown;
    ValueType value_type = ValueType::Unknown;
    /// For parameters with a default: instructions evaluated in the callee frame when the argument is
    /// omitted; the value ends in `default_value`.
    bool has_default = false;
    InstrList default_code;
    Operand default_value;
};

/// A compiled DML function (the main program is one too).
class Function {
public:
    std::string name; ///< qualified for display, e.g. "lm" or "ns::f"
    SourceLoc loc;
    std::vector<FunctionParam> params;
    std::vector<FunctionParam> returns;
    std::atomic<int> num_slots{0};       ///< grows when a block is recompiled (under the recompilation lock)
    std::vector<std::string> slot_names; ///< for explain and error messages
    bool deterministic = true; ///< from IPA: same inputs give the same outputs (no unseeded rand, no eval)
    bool side_effects = false; ///< from IPA: prints, writes or stops
    BlockList body;
    void explain(std::string &out) const;
};

/// A whole compiled script.
class Program {
public:
    std::unique_ptr<Function> main;
    std::map<std::string, std::unique_ptr<Function>> functions; ///< by qualified key
    /// Looks a function up by key (used by eval()); nullptr if absent.
    const Function *find_function(const std::string &key) const;
    std::string explain() const;
};

} // namespace linea::rt
