// The DML lexer: turns script text into tokens on demand (comments and whitespace skipped).
#pragma once

#include "runtime/util/diagnostics.h"

#include <cstdint>
#include <memory>
#include <string>

namespace linea {

enum class TokenKind {
    End,    ///< end of input
    Ident,  ///< identifier or keyword (`x`, `as.scalar`, `if`, `TRUE`); keywords are told apart by the parser
    Int,    ///< integer literal (`42`, `42L`)
    Double, ///< double literal (`1.5`, `1e-7`, `.5`, or an integer too large for int64)
    String, ///< string literal; `text` holds the decoded value
    ScriptArg, ///< `$name` / `$1`; `text` holds the name without `$`
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    MatMul, ///< `%*%`
    IntDiv, ///< `%/%`
    Mod,    ///< `%%`
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    NotEq,
    Not,
    And,
    AndAnd,
    Or,
    OrOr,
    Assign,     ///< `=`
    Arrow,      ///< `<-`
    PlusAssign, ///< `+=`
    Colon,
    ColonColon,
    Comma,
    Semicolon,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
};

/// The fixed spelling of a punctuation token (`"%*%"`), or a description for the others ("identifier").
const char *to_string(TokenKind kind);

/// One token with its position (1-based line and byte column of its first character).
struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;          ///< source spelling; for String the decoded value, for ScriptArg the name
    int64_t int_value = 0;     ///< for Int
    double double_value = 0.0; ///< for Double
    int line = 1;
    int col = 1;
};

/// A one-pass lexer over a SourceFile. `next()` throws DmlError(ErrorKind::Syntax) on malformed input
/// (invalid character, unterminated string or block comment, unknown escape, malformed number).
class Lexer {
public:
    explicit Lexer(std::shared_ptr<const SourceFile> file);
    /// The next token; after the end of input it keeps returning End.
    Token next();
    const std::shared_ptr<const SourceFile> &file() const { return file_; }

private:
    [[noreturn]] void fail(int line, int col, const std::string &message) const;
    char peek(size_t ahead = 0) const;
    void advance(size_t n = 1);
    void skip_trivia();
    Token lex_number(Token tok);
    Token lex_string(Token tok);

    std::shared_ptr<const SourceFile> file_;
    const std::string &text_;
    size_t pos_ = 0;
    int line_ = 1;
    int col_ = 1;
};

/// Describes a byte for messages: `'@'` for printable ASCII, `'\x00'` otherwise.
std::string describe_char(unsigned char c);

} // namespace linea
