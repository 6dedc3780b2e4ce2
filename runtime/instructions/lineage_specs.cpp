// The lineage view of each instruction family: which operands feed its output's lineage item and which
// parameters distinguish it beyond the opcode.
#include "runtime/instructions/instructions.h"

namespace linea::rt {

namespace {
LineageSpec spec(std::vector<const Operand *> in, std::vector<int> out, std::string data = "") {
    LineageSpec s;
    s.inputs = std::move(in);
    s.outputs = std::move(out);
    s.data = std::move(data);
    return s;
}

void add_index(LineageSpec &s, const IndexSpec &d, const char *tag) {
    s.data += tag;
    if (d.all) {
        s.data += "a";
        return;
    }
    s.data += d.single ? "s" : "r";
    s.inputs.push_back(&d.lower);
    if (!d.single) s.inputs.push_back(&d.upper);
}
} // namespace

LineageSpec CopyInstruction::lineage_spec() const {
    LineageSpec s = spec({&in_}, {out_});
    s.copy = true;
    return s;
}

LineageSpec BinaryInstruction::lineage_spec() const {
    return spec({&a_, &b_}, {out_});
}
LineageSpec UnaryInstruction::lineage_spec() const {
    return spec({&a_}, {out_});
}
LineageSpec AggregateInstruction::lineage_spec() const {
    return spec({&a_}, {out_});
}
LineageSpec ReorgInstruction::lineage_spec() const {
    return spec({&a_}, {out_});
}

LineageSpec NaryMinMaxInstruction::lineage_spec() const {
    LineageSpec s = spec({}, {out_});
    for (const Operand &o : in_) s.inputs.push_back(&o);
    return s;
}

LineageSpec MatMultInstruction::lineage_spec() const {
    // The physical form is part of the item: ba+* with a transposed left operand is not A %*% B.
    LineageSpec s = spec({}, {out_}, std::to_string(static_cast<int>(kind_)));
    for (const Operand &o : in_) s.inputs.push_back(&o);
    return s;
}

LineageSpec IndexInstruction::lineage_spec() const {
    LineageSpec s = spec({&target_}, {out_}, has_cols_ ? "2" : "1");
    add_index(s, rows_, "r");
    add_index(s, cols_, "c");
    return s;
}

LineageSpec LeftIndexInstruction::lineage_spec() const {
    LineageSpec s = spec({&target_, &value_}, {out_}, has_cols_ ? "2" : "1");
    add_index(s, rows_, "r");
    add_index(s, cols_, "c");
    return s;
}

LineageSpec BuiltinInstruction::lineage_spec() const {
    LineageSpec s;
    if (out_.empty()) {
        s.traced = false; // print, write, stop, assert: nothing to trace
        return s;
    }
    s.outputs = out_;
    s.data = name_;
    // Argument names (builtins that take any names, e.g. list): one "name=" per argument, "=" for unnamed
    // ones, so that the trace says which argument has which name.
    bool named = false;
    for (const std::string &n : names_) named = named || !n.empty();
    for (size_t i = 0; i < in_.size(); ++i) {
        s.inputs.push_back(&in_[i]); // an omitted argument is an empty constant: traced as such
        if (named && i < names_.size()) s.data += " " + names_[i] + "=";
    }
    // Draws without a fixed seed, evaluation by name and file reads are never reused across executions.
    if (name_ == "rand" || name_ == "sample") {
        const Operand &seed = in_.back();
        s.deterministic =
            seed.slot < 0 && seed.constant.is_numeric_scalar() && seed.constant.to_double() >= 0;
        s.draws_seed = !s.deterministic && seed.slot < 0;
    } else if (name_ == "read") {
        s.file = &in_[0]; // deterministic by the fingerprint of the file, taken when it runs
    } else if (name_ == "eval") {
        s.deterministic = false;
    }
    return s;
}

} // namespace linea::rt
