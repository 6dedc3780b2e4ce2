#include "runtime/util/diagnostics.h"

namespace linea {

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::string_view SourceFile::line(int line) const {
    if (line < 1 || static_cast<size_t>(line) > line_starts_.size()) return {};
    size_t begin = line_starts_[line - 1];
    size_t end = text_.find('\n', begin);
    if (end == std::string::npos) end = text_.size();
    if (end > begin && text_[end - 1] == '\r') --end;
    return std::string_view(text_).substr(begin, end - begin);
}

namespace {
const char *kind_label(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Syntax:
        return "syntax error";
    case ErrorKind::Validate:
        return "error";
    case ErrorKind::Runtime:
        return "runtime error";
    case ErrorKind::NotSupported:
        return "not supported";
    case ErrorKind::Internal:
        return "internal error";
    }
    return "error";
}
} // namespace

std::string format_diagnostic(ErrorKind kind, const SourceLoc &loc, const std::string &message) {
    std::string out;
    if (loc.file) {
        out += loc.file->path();
        if (loc.line > 0) out += ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
        out += ": ";
    }
    out += kind_label(kind);
    out += ": ";
    out += message;
    if (loc.valid()) {
        std::string_view src = loc.file->line(loc.line);
        if (!src.empty()) {
            out += "\n  ";
            // Tabs are kept so the caret lines up under the same characters.
            out.append(src);
            out += "\n  ";
            for (int i = 1; i < loc.col && static_cast<size_t>(i - 1) < src.size(); ++i)
                out += (src[i - 1] == '\t') ? '\t' : ' ';
            out += '^';
        }
    }
    return out;
}

DmlError::DmlError(ErrorKind kind, SourceLoc loc, std::string message)
    : std::runtime_error(format_diagnostic(kind, loc, message)), kind_(kind), loc_(std::move(loc)),
      message_(std::move(message)) {}

DmlError::DmlError(ErrorKind kind, SourceLoc loc, std::string message, const std::string &formatted)
    : std::runtime_error(formatted), kind_(kind), loc_(std::move(loc)), message_(std::move(message)) {}

DmlError DmlError::with_note(const SourceLoc &at, const std::string &note) const {
    std::string text = what();
    text += "\n";
    if (at.file) {
        text += at.file->path();
        if (at.line > 0) text += ":" + std::to_string(at.line) + ":" + std::to_string(at.col);
        text += ": ";
    }
    text += "note: " + note;
    return DmlError(kind_, loc_, message_, text);
}

} // namespace linea
