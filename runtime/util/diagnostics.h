// Source positions and the error type every layer reports through.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace linea {

/// The text of one script file (or of a `-s` string), kept alive for error messages.
class SourceFile {
public:
    SourceFile(std::string path, std::string text);
    const std::string &path() const { return path_; }
    const std::string &text() const { return text_; }
    /// The 1-based line `line` without its line terminator ("" when out of range).
    std::string_view line(int line) const;

private:
    std::string path_;
    std::string text_;
    std::vector<size_t> line_starts_;
};

/// A 1-based line:column in a source file; `file` may be null for positions that have none.
struct SourceLoc {
    std::shared_ptr<const SourceFile> file;
    int line = 0;
    int col = 0;
    bool valid() const { return file != nullptr && line > 0; }
};

enum class ErrorKind {
    Syntax,   ///< the lexer or parser rejected the script
    Validate, ///< semantic validation (undefined variable, bad call, type error)
    Runtime,  ///< a user error detected while running (shape mismatch, bad index, unreadable file, stop())
    NotSupported, ///< a DML feature linea does not implement yet
    Internal,     ///< a bug in linea
};

/// A user-facing error. `what()` is the fully formatted message:
///   file:line:col: error: message
///     <source line>
///     <caret>
class DmlError : public std::runtime_error {
public:
    DmlError(ErrorKind kind, SourceLoc loc, std::string message);
    ErrorKind kind() const { return kind_; }
    const SourceLoc &loc() const { return loc_; }
    const std::string &message() const { return message_; }
    /// The same error with a note line appended (`file:line:col: note: text`), e.g. the call site of
    /// the function in which the error happened, so errors inside library functions name the caller.
    DmlError with_note(const SourceLoc &at, const std::string &note) const;

private:
    DmlError(ErrorKind kind, SourceLoc loc, std::string message, const std::string &formatted);
    ErrorKind kind_;
    SourceLoc loc_;
    std::string message_;
};

/// Formats a message in the DmlError style (used also for warnings and notes).
std::string format_diagnostic(ErrorKind kind, const SourceLoc &loc, const std::string &message);

} // namespace linea
