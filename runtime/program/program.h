// Program blocks: the executable structure the compiler emits (basic, if, for, while, function).
#pragma once

#include "runtime/program/instruction.h"

#include <map>
#include <memory>
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

/// Recompiles a block just before it runs, from the live sizes of its inputs. Implemented by the compiler
/// (the runtime sees only this interface).
class BlockRecompiler {
public:
    virtual ~BlockRecompiler() = default;
    /// The instructions to run for the current inputs: recompiled when their sizes changed since the last
    /// call, else the previous result.
    virtual const InstrList &instructions_for(ExecContext &ctx) = 0;
};

/// Straight-line code.
class BasicBlock : public ProgramBlock {
public:
    InstrList instructions;
    /// Set for blocks whose sizes are unknown at compile time (dynamic recompilation).
    std::unique_ptr<BlockRecompiler> recompiler;
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

/// for / parfor (parfor runs its iterations in order for now) over from:to by incr.
class ForBlock : public ProgramBlock {
public:
    InstrList header; ///< computes from, to, incr
    Operand from, to, incr;
    bool has_incr = false;
    bool is_seq = false; ///< seq(a,b[,c]) rather than a:b
    bool parfor = false;
    int var_slot = -1;
    SourceLoc loc;
    BlockList body;
    void execute(ExecContext &ctx) const override;
    void explain(std::string &out, int depth) const override;
};

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
    int num_slots = 0;
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
