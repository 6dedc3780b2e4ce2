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
    if (!has_cols_ && rows_.single && !rows_.all) s.key_value = &rows_.lower; // L[key] = v on a list
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

lineage::ItemPtr list_element_item(const lineage::ItemPtr &list, const std::string &name, int64_t pos) {
    const lineage::Item *it = list.get();
    while (it) {
        const auto &in = it->inputs();
        if (it->opcode() == "leftIndex" && it->data().rfind("1rs", 0) == 0 && in.size() == 3) {
            // L[key] = v (the key's value is recorded in the data): the element is v if the key matches,
            // else look further back; a key of the other kind (name vs position) ends the search.
            const std::string &d = it->data();
            const size_t at = d.find(" key=");
            if (at == std::string::npos) break;
            const std::string key = d.substr(at + 5);
            if (name.empty() ? key == "i:" + std::to_string(pos) : key == "s:" + name) return in[1];
            if (key.rfind(name.empty() ? "i:" : "s:", 0) != 0) break;
            it = in[0].get();
        } else if (it->opcode() == "list") {
            // list(a, b) or list(x=a, y=b): data is "list" followed by " x=" per named argument.
            std::vector<std::string> names;
            const std::string &d = it->data();
            for (size_t i = d.find(' '); i != std::string::npos; i = d.find(' ', i + 1)) {
                size_t eq = d.find('=', i);
                if (eq == std::string::npos) break;
                names.push_back(d.substr(i + 1, eq - i - 1));
            }
            if (name.empty()) {
                if (names.empty() && pos >= 1 && static_cast<size_t>(pos) <= in.size()) return in[pos - 1];
            } else if (names.size() == in.size()) {
                for (size_t k = 0; k < names.size(); ++k)
                    if (names[k] == name) return in[k];
            }
            break;
        } else {
            break;
        }
    }
    return std::make_shared<const lineage::Item>("listElement",
                                                 name.empty() ? "i:" + std::to_string(pos) : "s:" + name,
                                                 std::vector<lineage::ItemPtr>{list});
}

} // namespace linea::rt
