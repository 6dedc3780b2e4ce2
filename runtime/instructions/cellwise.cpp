// Binary and unary cell-wise instructions on scalars and matrices.
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

#include <cmath>

namespace linea::rt {

namespace {

using kernels::BinaryOp;

bool is_comparison(BinaryOp op) {
    return op == BinaryOp::Lt || op == BinaryOp::Le || op == BinaryOp::Gt || op == BinaryOp::Ge ||
           op == BinaryOp::Eq || op == BinaryOp::Ne;
}
bool is_logical(BinaryOp op) {
    return op == BinaryOp::And || op == BinaryOp::Or || op == BinaryOp::Xor;
}

/// Whether an int op int stays an int (SystemDS keeps + - * %/% %% min max on integers as integers).
bool int_closed(BinaryOp op) {
    return op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul || op == BinaryOp::IntDiv ||
           op == BinaryOp::Mod || op == BinaryOp::Min || op == BinaryOp::Max;
}

} // namespace

Value scalar_binary_op(BinaryOp op, const Value &a, const Value &b, const SourceLoc &loc) {
    // Fast path: both doubles.
    if (a.is_double() && b.is_double()) {
        double r = kernels::apply_binary(op, a.as_double_unchecked(), b.as_double_unchecked());
        if (is_comparison(op) || is_logical(op)) return Value(r != 0.0);
        return Value(r);
    }
    if (a.is_string() || b.is_string()) {
        if (op == BinaryOp::Add) return Value(a.to_print_string() + b.to_print_string());
        if (is_comparison(op) && a.is_string() && b.is_string()) {
            int c = a.as_string_unchecked().compare(b.as_string_unchecked());
            switch (op) {
            case BinaryOp::Lt:
                return Value(c < 0);
            case BinaryOp::Le:
                return Value(c <= 0);
            case BinaryOp::Gt:
                return Value(c > 0);
            case BinaryOp::Ge:
                return Value(c >= 0);
            case BinaryOp::Eq:
                return Value(c == 0);
            case BinaryOp::Ne:
                return Value(c != 0);
            default:
                break;
            }
        }
        if (is_comparison(op) || is_logical(op)) {
            // SystemDS compares a string with a boolean/number by value where it can convert.
            double x = a.to_double(), y = b.to_double();
            return Value(kernels::apply_binary(op, x, y) != 0.0);
        }
        throw DmlError(ErrorKind::Runtime, loc,
                       "operator cannot be applied to a " + a.describe() + " and a " + b.describe());
    }
    if (is_logical(op)) return Value(kernels::apply_binary(op, a.to_double(), b.to_double()) != 0.0);
    if (is_comparison(op)) {
        if (a.is_int() && b.is_int()) {
            int64_t x = a.as_int_unchecked(), y = b.as_int_unchecked();
            switch (op) {
            case BinaryOp::Lt:
                return Value(x < y);
            case BinaryOp::Le:
                return Value(x <= y);
            case BinaryOp::Gt:
                return Value(x > y);
            case BinaryOp::Ge:
                return Value(x >= y);
            case BinaryOp::Eq:
                return Value(x == y);
            default:
                return Value(x != y);
            }
        }
        return Value(kernels::apply_binary(op, a.to_double(), b.to_double()) != 0.0);
    }
    const bool ai = a.is_int() || a.is_bool(), bi = b.is_int() || b.is_bool();
    // SystemDS computes boolean-boolean arithmetic as double (TRUE + TRUE is 2.0), as R does.
    if (ai && bi && !(a.is_bool() && b.is_bool()) && int_closed(op)) {
        int64_t x = a.to_int(), y = b.to_int();
        switch (op) {
        case BinaryOp::Add:
            return Value(static_cast<int64_t>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y)));
        case BinaryOp::Sub:
            return Value(static_cast<int64_t>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y)));
        case BinaryOp::Mul:
            return Value(static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y)));
        case BinaryOp::Min:
            return Value(std::min(x, y));
        case BinaryOp::Max:
            return Value(std::max(x, y));
        default:
            if (y == 0) break; // falls to the double semantics (Inf/NaN)
            if (op == BinaryOp::IntDiv) {
                if (x == INT64_MIN && y == -1) break;
                return Value(x / y); // C++ truncates toward zero, as %/% does
            }
            if (x == INT64_MIN && y == -1) return Value(int64_t{0});
            return Value(x - (x / y) * y);
        }
    }
    return Value(kernels::apply_binary(op, a.to_double(), b.to_double()));
}

namespace {

double matrix_scalar_operand(const Value &v, const SourceLoc &loc) {
    if (v.is_string())
        throw DmlError(ErrorKind::Runtime, loc, "a string cannot be combined cell-wise with a matrix");
    return v.to_double();
}

} // namespace

void BinaryInstruction::execute(ExecContext &ctx) const {
    const Value &a = ctx.get(a_, loc());
    const Value &b = ctx.get(b_, loc());
    try {
        if (a.is_matrix()) {
            if (b.is_matrix())
                ctx.set(out_, Value(kernels::binary(op_, *a.matrix(), *b.matrix())));
            else if (b.is_scalar())
                ctx.set(out_, Value(kernels::binary_scalar(op_, *a.matrix(), matrix_scalar_operand(b, loc()),
                                                           false)));
            else
                throw DmlError(ErrorKind::Runtime, loc(),
                               "operator '" + opcode() + "' cannot be applied to a " + a.describe() +
                                   " and a " + b.describe());
        } else if (b.is_matrix()) {
            if (!a.is_scalar())
                throw DmlError(ErrorKind::Runtime, loc(),
                               "operator '" + opcode() + "' cannot be applied to a " + a.describe() +
                                   " and a " + b.describe());
            ctx.set(out_,
                    Value(kernels::binary_scalar(op_, *b.matrix(), matrix_scalar_operand(a, loc()), true)));
        } else if (a.is_scalar() && b.is_scalar()) {
            ctx.set(out_, scalar_binary_op(op_, a, b, loc()));
        } else {
            throw DmlError(ErrorKind::Runtime, loc(),
                           "operator '" + opcode() + "' cannot be applied to a " + a.describe() + " and a " +
                               b.describe());
        }
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string BinaryInstruction::explain() const {
    return opcode() + " " + operand_text(a_) + " " + operand_text(b_) + " -> " + slot_text(out_);
}

Value scalar_unary_op(kernels::UnaryOp op, const Value &a) {
    using kernels::UnaryOp;
    switch (op) {
    case UnaryOp::Not:
        return Value(!a.to_bool());
    case UnaryOp::IsNA:
    case UnaryOp::IsNaN:
    case UnaryOp::IsInf:
        return Value(kernels::apply_unary(op, a.to_double()) != 0.0);
    case UnaryOp::Neg:
    case UnaryOp::Abs:
    case UnaryOp::Sign:
        if (a.is_int() || a.is_bool()) {
            int64_t x = a.to_int();
            return Value(op == UnaryOp::Neg ? -x : op == UnaryOp::Abs ? (x < 0 ? -x : x) : (x > 0) - (x < 0));
        }
        break;
    default:
        break;
    }
    return Value(kernels::apply_unary(op, a.to_double()));
}

void UnaryInstruction::execute(ExecContext &ctx) const {
    const Value &a = ctx.get(a_, loc());
    try {
        if (a.is_matrix()) {
            ctx.set(out_, Value(kernels::unary(op_, *a.matrix())));
            return;
        }
        if (!a.is_numeric_scalar())
            throw DmlError(ErrorKind::Runtime, loc(),
                           "'" + opcode() + "' cannot be applied to a " + a.describe());
        ctx.set(out_, scalar_unary_op(op_, a));
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string UnaryInstruction::explain() const {
    return opcode() + " " + operand_text(a_) + " -> " + slot_text(out_);
}

} // namespace linea::rt
