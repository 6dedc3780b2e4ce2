// Right and left indexing on matrices and lists.
#include "runtime/data/frame.h"
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

#include <cmath>

namespace linea::rt {

namespace {

struct Range {
    int64_t lo; ///< 0-based inclusive
    int64_t hi; ///< 0-based exclusive
};

int64_t index_value(ExecContext &ctx, const Operand &op, const SourceLoc &loc) {
    const Value &v = ctx.get(op, loc);
    double d;
    if (v.is_matrix() && v.matrix()->rows() == 1 && v.matrix()->cols() == 1)
        d = v.matrix()->get(0, 0);
    else if (v.is_numeric_scalar())
        d = v.to_double();
    else
        throw DmlError(ErrorKind::Runtime, loc, "an index must be a number but found a " + v.describe());
    if (std::isnan(d)) throw DmlError(ErrorKind::Runtime, loc, "an index is NaN");
    d = std::floor(d);
    if (d > 9e15 || d < -9e15)
        throw DmlError(ErrorKind::Runtime, loc, "index " + kernels::format_double(d) + " is out of range");
    return static_cast<int64_t>(d);
}

std::string range_text(int64_t lo, int64_t hi) {
    return std::to_string(lo) + ":" + std::to_string(hi);
}

/// Resolves one dimension to a 0-based half-open range within [0, extent), or throws naming the bounds.
Range resolve(ExecContext &ctx, const IndexSpec &spec, int64_t extent, const char *dim, const Value &target,
              const SourceLoc &loc) {
    if (spec.all) return Range{0, extent};
    int64_t lo = index_value(ctx, spec.lower, loc);
    int64_t hi = spec.single ? lo : index_value(ctx, spec.upper, loc);
    if (lo < 1 || hi > extent || lo > hi) {
        std::string shape = target.is_matrix() ? std::to_string(target.matrix()->rows()) + "x" +
                                                     std::to_string(target.matrix()->cols()) + " matrix"
                            : target.is_frame() ? std::to_string(target.frame()->rows()) + "x" +
                                                      std::to_string(target.frame()->cols()) + " frame"
                                                : target.describe();
        throw DmlError(ErrorKind::Runtime, loc,
                       std::string("index out of range: ") + dim + " " + range_text(lo, hi) + " of a " +
                           shape + " (valid " + dim + " are 1:" + std::to_string(extent) + ")");
    }
    return Range{lo - 1, hi};
}

const ListValue &as_list(const Value &v) {
    return *v.list();
}

/// Position of a list element by 1-based number or by name.
size_t list_position(ExecContext &ctx, const ListValue &l, const Operand &op, const SourceLoc &loc) {
    const Value &key = ctx.get(op, loc);
    if (key.is_string()) {
        for (size_t i = 0; i < l.names.size(); ++i)
            if (l.names[i] == key.as_string_unchecked()) return i;
        throw DmlError(ErrorKind::Runtime, loc,
                       "list has no element named '" + key.as_string_unchecked() + "'");
    }
    int64_t i = index_value(ctx, op, loc);
    if (i < 1 || static_cast<size_t>(i) > l.items.size())
        throw DmlError(ErrorKind::Runtime, loc,
                       "list index " + std::to_string(i) + " out of range for a list of " +
                           std::to_string(l.items.size()));
    return static_cast<size_t>(i - 1);
}

} // namespace

void IndexInstruction::execute(ExecContext &ctx) const {
    const Value &t = ctx.get(target_, loc());
    if (t.is_list()) {
        const ListValue &l = as_list(t);
        if (has_cols_)
            throw DmlError(ErrorKind::Runtime, loc(), "a list is indexed with one index, e.g. L[2]");
        if (rows_.single) {
            ctx.set(out_, l.items[list_position(ctx, l, rows_.lower, loc())]);
            return;
        }
        Range r = resolve(ctx, rows_, static_cast<int64_t>(l.items.size()), "elements", t, loc());
        auto out = std::make_shared<ListValue>();
        for (int64_t i = r.lo; i < r.hi; ++i) {
            out->items.push_back(l.items[static_cast<size_t>(i)]);
            if (l.named()) out->names.push_back(l.names[static_cast<size_t>(i)]);
        }
        ctx.set(out_, Value(ListPtr(std::move(out))));
        return;
    }
    if (t.is_frame()) {
        // F[rows, cols] is a frame (its column names and types follow the selected columns).
        if (!has_cols_)
            throw DmlError(ErrorKind::Runtime, loc(), "a frame is indexed with two indices, e.g. F[i, j]");
        const FrameBlock &f = *t.frame();
        Range r = resolve(ctx, rows_, f.rows(), "rows", t, loc());
        Range c = resolve(ctx, cols_, f.cols(), "columns", t, loc());
        if (r.lo == 0 && r.hi == f.rows() && c.lo == 0 && c.hi == f.cols())
            ctx.set(out_, t);
        else
            ctx.set(out_, Value(f.slice(r.lo, r.hi, c.lo, c.hi)));
        return;
    }
    if (!t.is_matrix()) throw DmlError(ErrorKind::Runtime, loc(), "cannot index a " + t.describe());
    if (!has_cols_)
        throw DmlError(ErrorKind::Runtime, loc(), "a matrix is indexed with two indices, e.g. X[i, j]");
    const MatrixBlock &m = *t.matrix();
    Range r = resolve(ctx, rows_, m.rows(), "rows", t, loc());
    Range c = resolve(ctx, cols_, m.cols(), "columns", t, loc());
    if (r.lo == 0 && r.hi == m.rows() && c.lo == 0 && c.hi == m.cols()) {
        ctx.set(out_, t); // the whole matrix: share, blocks are immutable
        return;
    }
    try {
        ctx.set(out_, Value(kernels::slice(m, r.lo, r.hi, c.lo, c.hi)));
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string IndexInstruction::explain() const {
    auto spec = [&](const IndexSpec &s) {
        if (s.all) return std::string();
        if (s.single) return operand_text(s.lower);
        return operand_text(s.lower) + ":" + operand_text(s.upper);
    };
    return opcode() + " " + operand_text(target_) + "[" + spec(rows_) + (has_cols_ ? "," + spec(cols_) : "") +
           "] -> " + slot_text(out_);
}

void LeftIndexInstruction::execute(ExecContext &ctx) const {
    const Value &t = ctx.get(target_, loc());
    const Value &v = ctx.get(value_, loc());
    if (t.is_list()) {
        if (has_cols_)
            throw DmlError(ErrorKind::Runtime, loc(), "a list is indexed with one index, e.g. L[2] = x");
        auto out = std::make_shared<ListValue>(as_list(t));
        const Value &key = ctx.get(rows_.lower, loc());
        if (rows_.single && key.is_string()) {
            for (size_t i = 0; i < out->names.size(); ++i)
                if (out->names[i] == key.as_string_unchecked()) {
                    out->items[i] = v;
                    ctx.set(out_, Value(ListPtr(std::move(out))));
                    return;
                }
            if (!out->items.empty() && !out->named())
                throw DmlError(ErrorKind::Runtime, loc(), "cannot add a named element to an unnamed list");
            out->items.push_back(v);
            out->names.push_back(key.as_string_unchecked());
            ctx.set(out_, Value(ListPtr(std::move(out))));
            return;
        }
        if (rows_.single) {
            int64_t i = index_value(ctx, rows_.lower, loc());
            if (i < 1 || static_cast<size_t>(i) > out->items.size() + 1)
                throw DmlError(ErrorKind::Runtime, loc(),
                               "list index " + std::to_string(i) + " out of range for a list of " +
                                   std::to_string(out->items.size()));
            if (static_cast<size_t>(i) == out->items.size() + 1) {
                if (out->named())
                    throw DmlError(ErrorKind::Runtime, loc(),
                                   "cannot append an unnamed element to a named list");
                out->items.push_back(v);
            } else {
                out->items[static_cast<size_t>(i - 1)] = v;
            }
            ctx.set(out_, Value(ListPtr(std::move(out))));
            return;
        }
        Range r = resolve(ctx, rows_, static_cast<int64_t>(out->items.size()), "elements", t, loc());
        if (!v.is_list() || static_cast<int64_t>(v.list()->items.size()) != r.hi - r.lo)
            throw DmlError(ErrorKind::Runtime, loc(),
                           "assigning to list elements " + range_text(r.lo + 1, r.hi) + " needs a list of " +
                               std::to_string(r.hi - r.lo) + " elements");
        for (int64_t i = r.lo; i < r.hi; ++i)
            out->items[static_cast<size_t>(i)] = v.list()->items[static_cast<size_t>(i - r.lo)];
        ctx.set(out_, Value(ListPtr(std::move(out))));
        return;
    }
    if (!t.is_matrix())
        throw DmlError(ErrorKind::Runtime, loc(), "cannot assign into an index of a " + t.describe());
    if (!has_cols_)
        throw DmlError(ErrorKind::Runtime, loc(), "a matrix is indexed with two indices, e.g. X[i, j] = v");
    const MatrixBlock &m = *t.matrix();
    Range r = resolve(ctx, rows_, m.rows(), "rows", t, loc());
    Range c = resolve(ctx, cols_, m.cols(), "columns", t, loc());
    try {
        if (v.is_matrix()) {
            const MatrixBlock &src = *v.matrix();
            if (src.rows() != r.hi - r.lo || src.cols() != c.hi - c.lo)
                throw DmlError(ErrorKind::Runtime, loc(),
                               "dimension mismatch in left indexing: target range [" +
                                   range_text(r.lo + 1, r.hi) + ", " + range_text(c.lo + 1, c.hi) + "] is " +
                                   std::to_string(r.hi - r.lo) + "x" + std::to_string(c.hi - c.lo) +
                                   " but the value is " + std::to_string(src.rows()) + "x" +
                                   std::to_string(src.cols()));
            ctx.set(out_, Value(kernels::left_index(m, src, r.lo, r.hi, c.lo, c.hi)));
        } else if (v.is_numeric_scalar()) {
            ctx.set(out_, Value(kernels::left_index_scalar(m, v.to_double(), r.lo, r.hi, c.lo, c.hi)));
        } else {
            throw DmlError(ErrorKind::Runtime, loc(), "cannot assign a " + v.describe() + " into a matrix");
        }
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string LeftIndexInstruction::explain() const {
    auto spec = [&](const IndexSpec &s) {
        if (s.all) return std::string();
        if (s.single) return operand_text(s.lower);
        return operand_text(s.lower) + ":" + operand_text(s.upper);
    };
    return opcode() + " " + operand_text(target_) + "[" + spec(rows_) + (has_cols_ ? "," + spec(cols_) : "") +
           "] = " + operand_text(value_) + " -> " + slot_text(out_);
}

} // namespace linea::rt
