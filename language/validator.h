// Semantic validation: call resolution (builtins, user functions, namespaces, script builtins loaded lazily),
// argument checking, scoping and use of undefined variables.
#pragma once

#include "language/ast.h"
#include "language/builtins.h"
#include "language/parser.h"

#include <string>
#include <vector>

namespace linea {

struct ValidateOptions {
    ParseOptions parse;                  ///< used to parse script builtins that are loaded lazily
    std::string builtin_dir;             ///< folder of scripts/builtin/*.dml ("" = none)
    std::vector<std::string> predefined; ///< variables bound before the script runs (embedding inputs)
};

/// Validates the program in place (filling Call::target/builtin_id/function); throws DmlError on the first
/// error. Script builtins that are called are parsed into prog.namespaces under the key "builtin:<name>".
void validate_program(ast::Program &prog, const ValidateOptions &opts);

/// The arguments of a builtin call in parameter order (nullptr = omitted) followed by any extra
/// positional arguments of a variadic builtin; `names` receives the argument names (for any_names builtins).
/// Throws DmlError on a bad call.
std::vector<const ast::Expr *> bind_builtin_args(const BuiltinInfo &info, const ast::Call &call,
                                                 std::vector<std::string> *names = nullptr);
/// The arguments of a user function call in parameter order (nullptr = omitted, the default applies).
std::vector<const ast::Expr *> bind_function_args(const ast::FunctionDef &fn, const ast::Call &call);

/// The namespace key a script builtin `name` is loaded under.
std::string builtin_namespace_key(const std::string &name);

} // namespace linea
