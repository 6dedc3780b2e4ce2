// The registry of native DML builtin functions: one table read by the validator, the HOP builder,
// -explain and (later) the lineage cache. Script builtins (scripts/builtin/*.dml) are not listed here.
#pragma once

#include "runtime/data/value.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linea {

/// How the compiler represents a builtin call as a HOP.
enum class BuiltinHop {
    Unary,     ///< cell-wise math on a scalar or matrix (abs, exp, ...)
    Aggregate, ///< full/row/column aggregate (sum, rowSums, ...)
    MinMax,    ///< min/max: 1 arg aggregate, 2 args cell-wise, more n-ary
    Reorg,     ///< t, rev, diag
    Generic,   ///< any other builtin: one run-time function by name
};

/// The data type of a builtin's (first) output.
enum class BuiltinResult {
    Matrix,
    ScalarDouble,
    ScalarInt,
    ScalarBool,
    ScalarString,
    SameAsInput, ///< scalar in -> scalar, matrix in -> matrix
    List,
    Frame,
    Unknown, ///< depends on run-time values
    None,    ///< no output (print, stop, write, assert)
};

struct BuiltinParam {
    std::string_view name;
    bool required = false;
    std::optional<Value> default_value; ///< used when an optional parameter is omitted
};

struct BuiltinInfo {
    std::string_view name;
    std::vector<BuiltinParam> params; ///< in positional order
    bool variadic = false;            ///< extra positional arguments beyond params are allowed
    bool any_names = false;           ///< arbitrary named arguments allowed (list(a=1, b=2))
    int min_outputs = 1;              ///< multi-assignment needs at least this many targets... (1 for most)
    int max_outputs = 1;              ///< 0 for statements like print
    BuiltinResult result = BuiltinResult::Unknown;
    BuiltinHop hop = BuiltinHop::Generic;
    std::string_view opcode; ///< SystemDS opcode used by -stats (e.g. "uak+", "r'", "solve")
    bool deterministic =
        true;                 ///< false for rand/sample with an unspecified seed, read of changing files, ...
    bool side_effect = false; ///< print, write, stop, assert: never removed, kept in statement order
    /// The argument names a variable that may be undefined (exists(x), exists("x")): the validator does not
    /// require it to be defined and the HOP builder answers the check statically when it can.
    bool probes_variable = false;
};

/// All native builtins.
const std::vector<BuiltinInfo> &builtin_table();
/// Index of `name` in builtin_table(), or -1.
int find_builtin(std::string_view name);
inline const BuiltinInfo &builtin(int id) {
    return builtin_table()[static_cast<size_t>(id)];
}

} // namespace linea
