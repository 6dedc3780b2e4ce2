// The DML parser: recursive descent over the lexer's tokens, producing the AST of language/ast.h.
// Script arguments (`$x`, `ifdef`), `source(...) as ns` and `setwd(...)` are resolved here.
#pragma once

#include "language/ast.h"
#include "runtime/util/diagnostics.h"

#include <map>
#include <memory>
#include <string>

namespace linea {

struct ParseOptions {
    std::map<std::string, std::string>
        args;                ///< script arguments by name without '$': "1" -> "abc", "X" -> "data.csv"
    std::string working_dir; ///< resolves relative source() paths; empty = process cwd
};

/// Parses the main script and, recursively, every file it source()s (each parsed once, keyed by canonical
/// path, cycles tolerated). Throws DmlError(ErrorKind::Syntax, loc, msg) on the first error
/// (ErrorKind::NotSupported for `externalFunction`).
ast::Program parse_program(std::shared_ptr<const SourceFile> main, const ParseOptions &opts);

/// Parses one more file into prog.namespaces[key] (used to load script builtins lazily:
/// scripts/builtin/foo.dml). Only its function definitions (and source() imports) are kept; other top-level
/// statements are ignored. A relative `path` resolves against opts.working_dir. Does nothing if
/// prog.namespaces already holds `key`.
void parse_into_namespace(ast::Program &prog, const std::string &path, const std::string &key,
                          const ParseOptions &opts);

/// Reads a file into a SourceFile; throws DmlError (Runtime kind, no location) "cannot read script file 'x':
/// <reason>".
std::shared_ptr<const SourceFile> load_source_file(const std::string &path);

/// The literal a script argument value becomes: exactly TRUE/FALSE -> BoolLit, else IntLit if it parses as a
/// 64-bit integer, else DoubleLit if it parses as a double, else StringLit.
ast::ExprPtr script_arg_literal(const std::string &value, SourceLoc loc);

/// Deepest nesting of expressions and blocks the parser accepts (protects the stack).
inline constexpr int kMaxParseDepth = 1000;

} // namespace linea
