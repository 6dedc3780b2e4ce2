// Run-time values: scalars, matrices, lists, frames. Cheap to copy (scalars inline, matrices and lists
// shared).
#pragma once

#include "kernels/matrix_block.h"

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace linea {

enum class DataType : uint8_t { Unknown, Scalar, Matrix, Frame, List };
enum class ValueType : uint8_t { Unknown, Double, Int, Bool, String };

const char *to_string(DataType dt);
const char *to_string(ValueType vt);

using kernels::MatrixBlock;
using kernels::MatrixPtr;

struct ListValue;
using ListPtr = std::shared_ptr<const ListValue>;
class FrameBlock; // runtime/data/frame.h
using FramePtr = std::shared_ptr<const FrameBlock>;

/// One run-time value. An empty Value (`is_empty()`) is an unbound variable slot.
class Value {
public:
    Value() = default;
    Value(double v) : v_(v) {}
    Value(int64_t v) : v_(v) {}
    Value(int v) : v_(static_cast<int64_t>(v)) {}
    Value(bool v) : v_(v) {}
    Value(std::string v) : v_(std::move(v)) {}
    Value(const char *v) : v_(std::string(v)) {}
    Value(MatrixPtr m) : v_(std::move(m)) {}
    Value(ListPtr l) : v_(std::move(l)) {}
    Value(FramePtr f) : v_(std::move(f)) {}

    bool is_empty() const { return v_.index() == 0; }
    bool is_double() const { return std::holds_alternative<double>(v_); }
    bool is_int() const { return std::holds_alternative<int64_t>(v_); }
    bool is_bool() const { return std::holds_alternative<bool>(v_); }
    bool is_string() const { return std::holds_alternative<std::string>(v_); }
    bool is_scalar() const { return is_double() || is_int() || is_bool() || is_string(); }
    bool is_numeric_scalar() const { return is_double() || is_int() || is_bool(); }
    bool is_matrix() const { return std::holds_alternative<MatrixPtr>(v_); }
    bool is_list() const { return std::holds_alternative<ListPtr>(v_); }
    bool is_frame() const { return std::holds_alternative<FramePtr>(v_); }

    DataType data_type() const;
    ValueType value_type() const;

    double as_double_unchecked() const { return std::get<double>(v_); }
    int64_t as_int_unchecked() const { return std::get<int64_t>(v_); }
    bool as_bool_unchecked() const { return std::get<bool>(v_); }
    const std::string &as_string_unchecked() const { return std::get<std::string>(v_); }
    const MatrixPtr &matrix() const { return std::get<MatrixPtr>(v_); }
    const ListPtr &list() const { return std::get<ListPtr>(v_); }
    const FramePtr &frame() const { return std::get<FramePtr>(v_); }

    /// Numeric value of a numeric scalar (bool -> 0/1). Strings that parse as numbers are converted
    /// like SystemDS does; anything else throws std::invalid_argument.
    double to_double() const;
    /// Integer value: doubles are truncated toward zero (as SystemDS casts); throws like to_double().
    int64_t to_int() const;
    bool to_bool() const;
    /// The text `print` shows for a scalar (Java formatting for doubles, TRUE/FALSE for booleans).
    std::string to_print_string() const;

    /// Short description for error messages: "matrix 3x4", "scalar double", "list of 2", "frame 2x3".
    std::string describe() const;

private:
    std::variant<std::monostate, double, int64_t, bool, std::string, MatrixPtr, ListPtr, FramePtr> v_;
};

/// A DML list: values with optional names (all named or none).
struct ListValue {
    std::vector<Value> items;
    std::vector<std::string> names; ///< empty for an unnamed list, else one per item
    bool named() const { return !names.empty(); }
};

} // namespace linea
