#include "language/lexer.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace linea {

namespace {
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ident_start(char c) {
    return is_alpha(c) || c == '_';
}
bool is_ident_char(char c) {
    return is_alpha(c) || is_digit(c) || c == '_' || c == '.';
}
} // namespace

const char *to_string(TokenKind kind) {
    switch (kind) {
    case TokenKind::End:
        return "end of file";
    case TokenKind::Ident:
        return "identifier";
    case TokenKind::Int:
        return "integer literal";
    case TokenKind::Double:
        return "double literal";
    case TokenKind::String:
        return "string literal";
    case TokenKind::ScriptArg:
        return "script argument";
    case TokenKind::Plus:
        return "+";
    case TokenKind::Minus:
        return "-";
    case TokenKind::Star:
        return "*";
    case TokenKind::Slash:
        return "/";
    case TokenKind::Caret:
        return "^";
    case TokenKind::MatMul:
        return "%*%";
    case TokenKind::IntDiv:
        return "%/%";
    case TokenKind::Mod:
        return "%%";
    case TokenKind::Lt:
        return "<";
    case TokenKind::Le:
        return "<=";
    case TokenKind::Gt:
        return ">";
    case TokenKind::Ge:
        return ">=";
    case TokenKind::EqEq:
        return "==";
    case TokenKind::NotEq:
        return "!=";
    case TokenKind::Not:
        return "!";
    case TokenKind::And:
        return "&";
    case TokenKind::AndAnd:
        return "&&";
    case TokenKind::Or:
        return "|";
    case TokenKind::OrOr:
        return "||";
    case TokenKind::Assign:
        return "=";
    case TokenKind::Arrow:
        return "<-";
    case TokenKind::PlusAssign:
        return "+=";
    case TokenKind::Colon:
        return ":";
    case TokenKind::ColonColon:
        return "::";
    case TokenKind::Comma:
        return ",";
    case TokenKind::Semicolon:
        return ";";
    case TokenKind::LParen:
        return "(";
    case TokenKind::RParen:
        return ")";
    case TokenKind::LBracket:
        return "[";
    case TokenKind::RBracket:
        return "]";
    case TokenKind::LBrace:
        return "{";
    case TokenKind::RBrace:
        return "}";
    }
    return "token";
}

std::string describe_char(unsigned char c) {
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "'\\x%02x'", static_cast<unsigned>(c));
    return buf;
}

Lexer::Lexer(std::shared_ptr<const SourceFile> file) : file_(std::move(file)), text_(file_->text()) {
    // A UTF-8 byte order mark (some editors write one) is not part of the script.
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
}

void Lexer::fail(int line, int col, const std::string &message) const {
    throw DmlError(ErrorKind::Syntax, SourceLoc{file_, line, col}, message);
}

char Lexer::peek(size_t ahead) const {
    size_t p = pos_ + ahead;
    return p < text_.size() ? text_[p] : '\0';
}

void Lexer::advance(size_t n) {
    for (size_t i = 0; i < n && pos_ < text_.size(); ++i) {
        if (text_[pos_] == '\n') {
            ++line_;
            col_ = 1;
        } else {
            ++col_;
        }
        ++pos_;
    }
}

void Lexer::skip_trivia() {
    while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            advance();
        } else if (c == '#') {
            while (pos_ < text_.size() && text_[pos_] != '\n') advance();
        } else if (c == '/' && peek(1) == '*') {
            int line = line_, col = col_;
            advance(2);
            while (true) {
                if (pos_ >= text_.size()) fail(line, col, "unterminated block comment");
                if (text_[pos_] == '*' && peek(1) == '/') {
                    advance(2);
                    break;
                }
                advance();
            }
        } else {
            break;
        }
    }
}

Token Lexer::lex_number(Token tok) {
    size_t start = pos_;
    bool is_double = false;
    while (is_digit(peek())) advance();
    if (peek() == '.') {
        is_double = true;
        advance();
        while (is_digit(peek())) advance();
    }
    if (peek() == 'e' || peek() == 'E') {
        size_t k = 1;
        if (peek(k) == '+' || peek(k) == '-') ++k;
        if (!is_digit(peek(k))) {
            advance(k);
            fail(tok.line, tok.col, "malformed number literal '" + text_.substr(start, pos_ - start) + "'");
        }
        is_double = true;
        advance(k);
        while (is_digit(peek())) advance();
    }
    std::string digits = text_.substr(start, pos_ - start);
    if (!is_double && (peek() == 'L' || peek() == 'l')) advance();
    tok.text = text_.substr(start, pos_ - start);
    if (!is_double) {
        int64_t v = 0;
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (ec == std::errc() && ptr == digits.data() + digits.size()) {
            tok.kind = TokenKind::Int;
            tok.int_value = v;
            return tok;
        }
        // Too large for int64: the literal becomes a double (as SystemDS does).
    }
    tok.kind = TokenKind::Double;
    double v = 0.0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec == std::errc::result_out_of_range || ptr != digits.data() + digits.size()) {
        // from_chars leaves v untouched on overflow/underflow; strtod yields HUGE_VAL or 0 as Java does.
        v = std::strtod(digits.c_str(), nullptr);
    }
    tok.double_value = v;
    return tok;
}

Token Lexer::lex_string(Token tok) {
    char quote = peek();
    advance();
    std::string value;
    while (true) {
        if (pos_ >= text_.size()) fail(tok.line, tok.col, "unterminated string literal");
        char c = text_[pos_];
        if (c == quote) {
            advance();
            break;
        }
        if (c == '\\') {
            int line = line_, col = col_;
            char e = peek(1);
            switch (e) {
            case 'b':
                value += '\b';
                break;
            case 't':
                value += '\t';
                break;
            case 'n':
                value += '\n';
                break;
            case 'f':
                value += '\f';
                break;
            case 'r':
                value += '\r';
                break;
            case '"':
                value += '"';
                break;
            case '\'':
                value += '\'';
                break;
            case '\\':
                value += '\\';
                break;
            default:
                if (pos_ + 1 >= text_.size()) fail(tok.line, tok.col, "unterminated string literal");
                fail(line, col,
                     "unknown escape sequence '\\" +
                         (static_cast<unsigned char>(e) >= 0x20 && static_cast<unsigned char>(e) < 0x7f
                              ? std::string(1, e)
                              : describe_char(static_cast<unsigned char>(e))) +
                         "' in string literal");
            }
            advance(2);
            continue;
        }
        value += c;
        advance();
    }
    tok.kind = TokenKind::String;
    tok.text = std::move(value);
    return tok;
}

Token Lexer::next() {
    skip_trivia();
    Token tok;
    tok.line = line_;
    tok.col = col_;
    if (pos_ >= text_.size()) {
        tok.kind = TokenKind::End;
        return tok;
    }
    char c = text_[pos_];
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return lex_number(std::move(tok));
    if (is_ident_start(c)) {
        size_t start = pos_;
        while (is_ident_char(peek())) advance();
        tok.kind = TokenKind::Ident;
        tok.text = text_.substr(start, pos_ - start);
        return tok;
    }
    if (c == '"' || c == '\'') return lex_string(std::move(tok));
    if (c == '$') {
        advance();
        size_t start = pos_;
        while (is_ident_char(peek())) advance();
        if (pos_ == start) fail(tok.line, tok.col, "expected a script argument name after '$'");
        tok.kind = TokenKind::ScriptArg;
        tok.text = text_.substr(start, pos_ - start);
        return tok;
    }
    auto make = [&](TokenKind kind, size_t len) {
        tok.kind = kind;
        tok.text = text_.substr(pos_, len);
        advance(len);
        return tok;
    };
    char d = peek(1);
    switch (c) {
    case '+':
        return d == '=' ? make(TokenKind::PlusAssign, 2) : make(TokenKind::Plus, 1);
    case '-':
        return make(TokenKind::Minus, 1);
    case '*':
        return make(TokenKind::Star, 1);
    case '/':
        return make(TokenKind::Slash, 1);
    case '^':
        return make(TokenKind::Caret, 1);
    case '%':
        if (d == '*' && peek(2) == '%') return make(TokenKind::MatMul, 3);
        if (d == '/' && peek(2) == '%') return make(TokenKind::IntDiv, 3);
        if (d == '%') return make(TokenKind::Mod, 2);
        fail(tok.line, tok.col, "invalid operator starting with '%' (expected '%*%', '%/%' or '%%')");
    case '<':
        if (d == '=') return make(TokenKind::Le, 2);
        if (d == '-') return make(TokenKind::Arrow, 2);
        return make(TokenKind::Lt, 1);
    case '>':
        return d == '=' ? make(TokenKind::Ge, 2) : make(TokenKind::Gt, 1);
    case '=':
        return d == '=' ? make(TokenKind::EqEq, 2) : make(TokenKind::Assign, 1);
    case '!':
        return d == '=' ? make(TokenKind::NotEq, 2) : make(TokenKind::Not, 1);
    case '&':
        return d == '&' ? make(TokenKind::AndAnd, 2) : make(TokenKind::And, 1);
    case '|':
        return d == '|' ? make(TokenKind::OrOr, 2) : make(TokenKind::Or, 1);
    case ':':
        return d == ':' ? make(TokenKind::ColonColon, 2) : make(TokenKind::Colon, 1);
    case ',':
        return make(TokenKind::Comma, 1);
    case ';':
        return make(TokenKind::Semicolon, 1);
    case '(':
        return make(TokenKind::LParen, 1);
    case ')':
        return make(TokenKind::RParen, 1);
    case '[':
        return make(TokenKind::LBracket, 1);
    case ']':
        return make(TokenKind::RBracket, 1);
    case '{':
        return make(TokenKind::LBrace, 1);
    case '}':
        return make(TokenKind::RBrace, 1);
    default:
        break;
    }
    fail(tok.line, tok.col, "invalid character " + describe_char(static_cast<unsigned char>(c)));
}

} // namespace linea
