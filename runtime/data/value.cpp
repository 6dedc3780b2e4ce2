#include "runtime/data/value.h"

#include "runtime/data/frame.h"

#include "kernels/ops.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace linea {

const char *to_string(DataType dt) {
    switch (dt) {
    case DataType::Scalar:
        return "scalar";
    case DataType::Matrix:
        return "matrix";
    case DataType::Frame:
        return "frame";
    case DataType::List:
        return "list";
    case DataType::Unknown:
        break;
    }
    return "unknown";
}

const char *to_string(ValueType vt) {
    switch (vt) {
    case ValueType::Double:
        return "double";
    case ValueType::Int:
        return "int";
    case ValueType::Bool:
        return "boolean";
    case ValueType::String:
        return "string";
    case ValueType::Unknown:
        break;
    }
    return "unknown";
}

DataType Value::data_type() const {
    if (is_scalar()) return DataType::Scalar;
    if (is_matrix()) return DataType::Matrix;
    if (is_list()) return DataType::List;
    if (is_frame()) return DataType::Frame;
    return DataType::Unknown;
}

ValueType Value::value_type() const {
    if (is_double() || is_matrix()) return ValueType::Double;
    if (is_int()) return ValueType::Int;
    if (is_bool()) return ValueType::Bool;
    if (is_string()) return ValueType::String;
    return ValueType::Unknown;
}

namespace {
bool parse_double(const std::string &s, double &out) {
    std::string_view v(s);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    if (v == "Infinity" || v == "Inf") {
        out = INFINITY;
        return true;
    }
    if (v == "-Infinity" || v == "-Inf") {
        out = -INFINITY;
        return true;
    }
    if (v == "NaN") {
        out = NAN;
        return true;
    }
    if (v == "TRUE") {
        out = 1;
        return true;
    }
    if (v == "FALSE") {
        out = 0;
        return true;
    }
    if (!v.empty() && v.front() == '+') v.remove_prefix(1);
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    return ec == std::errc() && p == v.data() + v.size() && !v.empty();
}
} // namespace

double Value::to_double() const {
    if (is_double()) return as_double_unchecked();
    if (is_int()) return static_cast<double>(as_int_unchecked());
    if (is_bool()) return as_bool_unchecked() ? 1.0 : 0.0;
    if (is_string()) {
        double d;
        if (parse_double(as_string_unchecked(), d)) return d;
        throw std::invalid_argument("cannot convert string '" + as_string_unchecked() + "' to a number");
    }
    throw std::invalid_argument("expected a scalar but found " + describe());
}

int64_t Value::to_int() const {
    if (is_int()) return as_int_unchecked();
    double d = to_double();
    if (std::isnan(d)) return 0;
    if (d >= 9.2233720368547758e18) return INT64_MAX;
    if (d <= -9.2233720368547758e18) return INT64_MIN;
    return static_cast<int64_t>(d);
}

bool Value::to_bool() const {
    if (is_bool()) return as_bool_unchecked();
    if (is_string()) {
        const std::string &s = as_string_unchecked();
        if (s == "TRUE" || s == "true") return true;
        if (s == "FALSE" || s == "false") return false;
    }
    return to_double() != 0.0;
}

std::string Value::to_print_string() const {
    if (is_double()) return kernels::format_double(as_double_unchecked());
    if (is_int()) return std::to_string(as_int_unchecked());
    if (is_bool()) return as_bool_unchecked() ? "TRUE" : "FALSE";
    if (is_string()) return as_string_unchecked();
    throw std::invalid_argument("expected a scalar but found " + describe());
}

std::string Value::describe() const {
    if (is_empty()) return "no value";
    if (is_scalar()) return std::string("scalar ") + to_string(value_type());
    if (is_matrix())
        return "matrix " + std::to_string(matrix()->rows()) + "x" + std::to_string(matrix()->cols());
    if (is_list()) return "list of " + std::to_string(list()->items.size());
    if (is_frame()) return "frame " + std::to_string(frame()->rows()) + "x" + std::to_string(frame()->cols());
    return "value";
}

} // namespace linea
