#include "language/ast.h"

namespace linea::ast {

const char *to_string(BinaryOp op) {
    switch (op) {
    case BinaryOp::Pow:
        return "^";
    case BinaryOp::MatMul:
        return "%*%";
    case BinaryOp::IntDiv:
        return "%/%";
    case BinaryOp::Mod:
        return "%%";
    case BinaryOp::Mul:
        return "*";
    case BinaryOp::Div:
        return "/";
    case BinaryOp::Add:
        return "+";
    case BinaryOp::Sub:
        return "-";
    case BinaryOp::Lt:
        return "<";
    case BinaryOp::Le:
        return "<=";
    case BinaryOp::Gt:
        return ">";
    case BinaryOp::Ge:
        return ">=";
    case BinaryOp::Eq:
        return "==";
    case BinaryOp::Ne:
        return "!=";
    case BinaryOp::And:
        return "&";
    case BinaryOp::Or:
        return "|";
    }
    return "?";
}

const char *to_string(UnaryOp op) {
    switch (op) {
    case UnaryOp::Neg:
        return "-";
    case UnaryOp::Plus:
        return "+";
    case UnaryOp::Not:
        return "!";
    }
    return "?";
}

} // namespace linea::ast
