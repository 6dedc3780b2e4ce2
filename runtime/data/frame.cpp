#include "runtime/data/frame.h"

#include "kernels/ops.h"

#include <algorithm>
#include <cctype>
#include <type_traits>

namespace linea {

const char *frame_type_name(ValueType vt) {
    switch (vt) {
    case ValueType::Double:
        return "FP64";
    case ValueType::Int:
        return "INT64";
    case ValueType::Bool:
        return "BOOLEAN";
    default:
        return "STRING";
    }
}

std::optional<ValueType> parse_frame_type(const std::string &name) {
    std::string u = name;
    for (char &c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == "FP64" || u == "FP32" || u == "DOUBLE") return ValueType::Double;
    if (u == "INT64" || u == "INT32" || u == "INT") return ValueType::Int;
    if (u == "BOOLEAN") return ValueType::Bool;
    if (u == "STRING" || u == "UNKNOWN") return ValueType::String;
    return std::nullopt;
}

namespace {

std::string cell_name(int64_t i, int64_t j) {
    return "(" + std::to_string(i + 1) + ", " + std::to_string(j + 1) + ")";
}

} // namespace

FrameBlock::Cells FrameBlock::make_cells(ValueType vt, int64_t rows) {
    const auto n = static_cast<size_t>(rows);
    switch (vt) {
    case ValueType::Double:
        return std::vector<double>(n, 0.0);
    case ValueType::Int:
        return std::vector<int64_t>(n, 0);
    case ValueType::Bool:
        return std::vector<uint8_t>(n, 0);
    default:
        return std::vector<std::string>(n);
    }
}

FrameBlock::FrameBlock(int64_t rows, std::vector<ValueType> schema, std::vector<std::string> names)
    : rows_(rows), names_(std::move(names)) {
    columns_.reserve(schema.size());
    for (ValueType vt : schema) {
        const ValueType t = (vt == ValueType::Double || vt == ValueType::Int || vt == ValueType::Bool)
                                ? vt
                                : ValueType::String;
        columns_.push_back(Column{t, make_cells(t, rows)});
    }
    if (!names_.empty() && names_.size() != columns_.size())
        throw std::invalid_argument("frame: " + std::to_string(names_.size()) + " column names for " +
                                    std::to_string(columns_.size()) + " columns");
}

FramePtr FrameBlock::from_matrix(const kernels::MatrixBlock &m) {
    auto f = std::make_shared<FrameBlock>(
        m.rows(), std::vector<ValueType>(static_cast<size_t>(m.cols()), ValueType::Double));
    for (int64_t j = 0; j < m.cols(); ++j) {
        auto &col = std::get<std::vector<double>>(f->columns_[static_cast<size_t>(j)].cells);
        for (int64_t i = 0; i < m.rows(); ++i) col[static_cast<size_t>(i)] = m.get(i, j);
    }
    return f;
}

ValueType FrameBlock::type(int64_t j) const {
    return columns_[static_cast<size_t>(j)].type;
}

std::vector<std::string> FrameBlock::schema_names() const {
    std::vector<std::string> s;
    for (const Column &c : columns_) s.emplace_back(frame_type_name(c.type));
    return s;
}

std::string FrameBlock::column_name(int64_t j) const {
    return names_.empty() ? "C" + std::to_string(j + 1) : names_[static_cast<size_t>(j)];
}

Value FrameBlock::get(int64_t i, int64_t j) const {
    const Column &c = columns_[static_cast<size_t>(j)];
    const auto r = static_cast<size_t>(i);
    switch (c.type) {
    case ValueType::Double:
        return Value(std::get<std::vector<double>>(c.cells)[r]);
    case ValueType::Int:
        return Value(std::get<std::vector<int64_t>>(c.cells)[r]);
    case ValueType::Bool:
        return Value(std::get<std::vector<uint8_t>>(c.cells)[r] != 0);
    default:
        return Value(std::get<std::vector<std::string>>(c.cells)[r]);
    }
}

void FrameBlock::set(int64_t i, int64_t j, const Value &v) {
    Column &c = columns_[static_cast<size_t>(j)];
    const auto r = static_cast<size_t>(i);
    try {
        switch (c.type) {
        case ValueType::Double:
            std::get<std::vector<double>>(c.cells)[r] = v.to_double();
            break;
        case ValueType::Int:
            std::get<std::vector<int64_t>>(c.cells)[r] = v.to_int();
            break;
        case ValueType::Bool:
            std::get<std::vector<uint8_t>>(c.cells)[r] = v.to_bool() ? 1 : 0;
            break;
        default:
            std::get<std::vector<std::string>>(c.cells)[r] = v.to_print_string();
            break;
        }
    } catch (const std::invalid_argument &) {
        throw FrameCellError("cell " + cell_name(i, j) + " '" + v.to_print_string() + "' is not a valid " +
                             frame_type_name(c.type) + " value");
    }
}

void FrameBlock::set_text(int64_t i, int64_t j, const std::string &text) {
    const ValueType t = columns_[static_cast<size_t>(j)].type;
    // An empty field is a missing value: 0 / FALSE in a typed column, "" in a STRING column.
    if (text.empty() && t != ValueType::String) return set(i, j, Value(0.0));
    set(i, j, Value(text));
}

std::string FrameBlock::text(int64_t i, int64_t j) const {
    return get(i, j).to_print_string();
}

kernels::MatrixPtr FrameBlock::to_matrix() const {
    std::vector<double> values(static_cast<size_t>(rows_ * cols()));
    for (int64_t j = 0; j < cols(); ++j) {
        for (int64_t i = 0; i < rows_; ++i) {
            const Value v = get(i, j);
            double d;
            try {
                d = v.to_double();
            } catch (const std::invalid_argument &) {
                throw FrameCellError("cell " + cell_name(i, j) + " of column " + column_name(j) + " ('" +
                                     v.to_print_string() + "') is not a number");
            }
            values[static_cast<size_t>(i * cols() + j)] = d;
        }
    }
    return kernels::from_values(values, rows_, cols(), true);
}

FramePtr FrameBlock::slice(int64_t r0, int64_t r1, int64_t c0, int64_t c1) const {
    std::vector<ValueType> schema;
    std::vector<std::string> names;
    for (int64_t j = c0; j < c1; ++j) {
        schema.push_back(type(j));
        if (!names_.empty()) names.push_back(names_[static_cast<size_t>(j)]);
    }
    auto f = std::make_shared<FrameBlock>(r1 - r0, std::move(schema), std::move(names));
    for (int64_t j = c0; j < c1; ++j) {
        std::visit(
            [&](const auto &src) {
                using V = std::decay_t<decltype(src)>;
                auto &dst = std::get<V>(f->columns_[static_cast<size_t>(j - c0)].cells);
                std::copy(src.begin() + r0, src.begin() + r1, dst.begin());
            },
            columns_[static_cast<size_t>(j)].cells);
    }
    return f;
}

FramePtr FrameBlock::cbind(const std::vector<const FrameBlock *> &parts) {
    const int64_t rows = parts.empty() ? 0 : parts[0]->rows();
    bool defaults = true;
    for (const FrameBlock *p : parts) {
        if (p->rows() != rows)
            throw std::invalid_argument("cbind: frames with different numbers of rows (" +
                                        std::to_string(rows) + " and " + std::to_string(p->rows()) + ")");
        defaults = defaults && p->default_names();
    }
    auto f = std::make_shared<FrameBlock>(rows, std::vector<ValueType>{});
    for (const FrameBlock *p : parts) {
        for (int64_t j = 0; j < p->cols(); ++j) {
            f->columns_.push_back(p->columns_[static_cast<size_t>(j)]);
            if (!defaults) f->names_.push_back(p->column_name(j));
        }
    }
    return f;
}

FramePtr FrameBlock::rbind(const std::vector<const FrameBlock *> &parts) {
    const FrameBlock &first = *parts.at(0);
    int64_t rows = 0;
    for (const FrameBlock *p : parts) {
        if (p->cols() != first.cols())
            throw std::invalid_argument("rbind: frames with different numbers of columns (" +
                                        std::to_string(first.cols()) + " and " + std::to_string(p->cols()) +
                                        ")");
        rows += p->rows();
    }
    std::vector<ValueType> schema;
    for (const Column &c : first.columns_) schema.push_back(c.type);
    auto f = std::make_shared<FrameBlock>(rows, std::move(schema), first.names_);
    int64_t at = 0;
    for (const FrameBlock *p : parts) {
        for (int64_t i = 0; i < p->rows(); ++i)
            for (int64_t j = 0; j < p->cols(); ++j) f->set(at + i, j, p->get(i, j));
        at += p->rows();
    }
    return f;
}

std::string FrameBlock::to_string(int64_t max_rows, int64_t max_cols, int decimal, const std::string &sep,
                                  const std::string &linesep) const {
    const int64_t nr = max_rows >= 0 ? std::min(max_rows, rows_) : rows_;
    const int64_t nc = max_cols >= 0 ? std::min(max_cols, cols()) : cols();
    std::string out =
        "# FRAME: nrow = " + std::to_string(rows_) + ", ncol = " + std::to_string(cols()) + linesep;
    out += "#" + sep;
    for (int64_t j = 0; j < nc; ++j) out += (j ? sep : "") + column_name(j);
    out += linesep + "#" + sep;
    for (int64_t j = 0; j < nc; ++j) out += (j ? sep : "") + std::string(frame_type_name(type(j)));
    out += linesep;
    // An FP64 cell prints as a matrix cell does (decimal digits); others as their scalar text.
    kernels::MatrixBlock one(1, 1);
    for (int64_t i = 0; i < nr; ++i) {
        for (int64_t j = 0; j < nc; ++j) {
            if (j) out += sep;
            if (type(j) == ValueType::Double) {
                one.set(0, 0,
                        std::get<std::vector<double>>(
                            columns_[static_cast<size_t>(j)].cells)[static_cast<size_t>(i)]);
                out += kernels::to_string(one, 1, 1, decimal, "", "");
            } else {
                out += text(i, j);
            }
        }
        out += linesep;
    }
    return out;
}

size_t FrameBlock::size_in_bytes() const {
    size_t b = sizeof(FrameBlock);
    for (const Column &c : columns_) {
        std::visit(
            [&](const auto &v) {
                using E = typename std::decay_t<decltype(v)>::value_type;
                b += v.size() * sizeof(E);
                if constexpr (std::is_same_v<E, std::string>)
                    for (const std::string &s : v) b += s.capacity();
            },
            c.cells);
    }
    return b;
}

} // namespace linea
