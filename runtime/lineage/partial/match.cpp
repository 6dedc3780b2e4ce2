// Lineage matching and block assembly shared by the compensation plans.
#include "kernels/blas/chain.h"
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>

namespace linea::lineage::partial {

bool is_op(const Item &it, const char *opcode, const char *data) {
    return it.opcode() == opcode && (!data || it.data() == data);
}

std::optional<double> literal_number(const Item &it) {
    if (it.opcode() != "L" || it.data().size() < 3 || it.data()[1] != ':') return std::nullopt;
    const std::string &d = it.data();
    if (d[0] == 'b') return d == "b:TRUE" ? 1.0 : 0.0;
    if (d[0] != 'i' && d[0] != 'd') return std::nullopt;
    char *end = nullptr;
    const double v = std::strtod(d.c_str() + 2, &end);
    if (!end || *end != '\0') return std::nullopt;
    return v;
}

bool is_ones_column(const Item &it) {
    // matrix(v, rows, cols, byrow) is traced as rand "matrix" over (v, rows, cols, byrow).
    if (!is_op(it, "rand", "matrix") || it.inputs().size() != 4) return false;
    auto v = literal_number(*it.inputs()[0]), cols = literal_number(*it.inputs()[2]);
    return v && *v == 1.0 && cols && *cols == 1.0;
}

ItemPtr with_inputs(const Item &like, std::vector<ItemPtr> inputs) {
    return std::make_shared<const Item>(like.opcode(), like.data(), std::move(inputs));
}

ItemPtr tsmm_item(const ItemPtr &x) {
    // MatMultKind::TsmmLeft is 1 in the matmult instruction's lineage data.
    return std::make_shared<const Item>("tsmm", "1", std::vector<ItemPtr>{x});
}

const Item *tsmm_over(const Item &t, const char *bind) {
    if (!is_op(t, "tsmm", "1") || t.inputs().size() != 1) return nullptr;
    const Item &in = *t.inputs()[0];
    return is_op(in, bind, bind) && in.inputs().size() >= 2 ? &in : nullptr;
}

ItemPtr matmult_item(const ItemPtr &a, const ItemPtr &b) {
    return std::make_shared<const Item>("ba+*", "0", std::vector<ItemPtr>{a, b});
}

ItemPtr matmult_trans_left_item(const ItemPtr &x, const ItemPtr &y) {
    // MatMultKind::TransLeft is 3 in the matmult instruction's lineage data.
    return std::make_shared<const Item>("ba+*", "3", std::vector<ItemPtr>{x, y});
}

std::optional<ColumnRange> column_range(const Item &it) {
    // rightIndex "2ra" + "cr" (a column range) or "cs" (one column): inputs B, lo [, hi].
    if (!is_op(it, "rightIndex") || (it.data() != "2racr" && it.data() != "2racs")) return std::nullopt;
    const bool range = it.data() == "2racr";
    if (it.inputs().size() != (range ? 3u : 2u)) return std::nullopt;
    auto lo = literal_number(*it.inputs()[1]);
    auto hi = range ? literal_number(*it.inputs()[2]) : lo;
    if (!lo || !hi || *lo != std::floor(*lo) || *hi != std::floor(*hi) || *lo < 1 || *hi < *lo)
        return std::nullopt;
    return ColumnRange{it.inputs()[0], static_cast<int64_t>(*lo), static_cast<int64_t>(*hi)};
}

bool is_plain_matmult(const Item &it) {
    return is_op(it, "ba+*", "0") && it.inputs().size() == 2;
}

namespace {
/// The width of a cbind input known from its lineage: a ones column, or a column index with literal bounds.
std::optional<int64_t> width_from_lineage(const Item &it) {
    if (is_ones_column(it)) return 1;
    // rightIndex data: "2" (row and column index), then "r" + a|s|r, then "c" + a|s|r; the inputs are the
    // target, the row bounds (unless a), then the column bounds.
    const std::string &d = it.data();
    if (!is_op(it, "rightIndex") || d.size() != 5 || d[0] != '2') return std::nullopt;
    const size_t first_col = 1 + (d[2] == 'a' ? 0 : d[2] == 's' ? 1 : 2);
    if (d[4] == 's') return 1;
    if (d[4] != 'r' || it.inputs().size() != first_col + 2) return std::nullopt;
    auto lo = literal_number(*it.inputs()[first_col]), hi = literal_number(*it.inputs()[first_col + 1]);
    if (!lo || !hi || *hi < *lo) return std::nullopt;
    return static_cast<int64_t>(*hi - *lo) + 1;
}
} // namespace

std::optional<std::vector<int64_t>> cbind_widths(const Target &t, const Item &cbind, int64_t total) {
    std::vector<int64_t> w(cbind.inputs().size(), -1);
    int64_t known = 0, unknown = -1;
    for (size_t i = 0; i < w.size(); ++i) {
        const ItemPtr &in = cbind.inputs()[i];
        if (auto x = width_from_lineage(*in))
            w[i] = *x;
        else if (MatrixPtr v = t.value_of(in))
            w[i] = v->cols();
        else if (unknown < 0)
            unknown = static_cast<int64_t>(i);
        else
            return std::nullopt; // two unknown widths
        if (w[i] >= 0) known += w[i];
    }
    if (unknown >= 0) w[static_cast<size_t>(unknown)] = total - known;
    if (unknown >= 0 ? total - known < 0 : known != total) return std::nullopt;
    return w;
}

MatrixPtr columns(const MatrixBlock &m, int64_t c0, int64_t c1) {
    return kernels::slice(m, 0, m.rows(), c0, c1);
}

MatrixPtr rows(const MatrixBlock &m, int64_t r0, int64_t r1) {
    return kernels::slice(m, r0, r1, 0, m.cols());
}

namespace {
/// The new columns of C (map[j] < 0) in order, and for each column of C its position among them (-1: old).
std::vector<int64_t> fresh_columns(const std::vector<int64_t> &map, std::vector<int64_t> &slot) {
    std::vector<int64_t> fresh;
    slot.assign(map.size(), -1);
    for (size_t j = 0; j < map.size(); ++j)
        if (map[j] < 0) {
            slot[j] = static_cast<int64_t>(fresh.size());
            fresh.push_back(static_cast<int64_t>(j));
        }
    return fresh;
}
} // namespace

namespace {
/// C[, fresh] (fresh: ascending column indices), one slice per contiguous run of them.
MatrixPtr gather_columns(const std::vector<int64_t> &fresh,
                         const std::function<MatrixPtr(int64_t, int64_t)> &slice) {
    std::vector<MatrixPtr> parts;
    for (size_t i = 0; i < fresh.size();) {
        size_t k = i + 1;
        while (k < fresh.size() && fresh[k] == fresh[k - 1] + 1) ++k;
        parts.push_back(slice(fresh[i], fresh[k - 1] + 1));
        i = k;
    }
    if (parts.size() == 1) return parts[0];
    std::vector<const MatrixBlock *> ptrs;
    for (const auto &p : parts) ptrs.push_back(p.get());
    return kernels::cbind(ptrs);
}
} // namespace

MatrixPtr assemble_gram(const MatrixBlock &c, const MatrixBlock &g, const std::vector<int64_t> &map) {
    const auto w = static_cast<int64_t>(map.size());
    std::vector<int64_t> slot;
    const std::vector<int64_t> fresh = fresh_columns(map, slot);
    // One pass t(C) %*% C[, fresh] costs n*w*k flops against n*w*w/2 for t(C) %*% C itself: with more
    // than half the columns new, computing the product directly is cheaper.
    if (2 * static_cast<int64_t>(fresh.size()) > w) return nullptr;
    MatrixPtr e = std::make_shared<MatrixBlock>(w, 0); // t(C) %*% C[, fresh]: w x k
    if (!fresh.empty()) {
        MatrixPtr d = gather_columns(fresh, [&](int64_t c0, int64_t c1) { return columns(c, c0, c1); });
        e = kernels::matmult_trans_left(c, *d);
    }
    return assemble_gram(g, map, *e);
}

MatrixPtr operand_columns(const Target &t, size_t i, int64_t c0, int64_t c1) {
    const std::vector<MatrixPtr> parts = t.parts(i, true);
    if (parts.empty()) {
        MatrixPtr c = t.operand(i);
        return c ? columns(*c, c0, c1) : nullptr;
    }
    // The pieces of [c0, c1) in each part, joined when the range spans parts.
    std::vector<MatrixPtr> pieces;
    int64_t offset = 0;
    for (const MatrixPtr &p : parts) {
        const int64_t lo = std::max(c0, offset), hi = std::min(c1, offset + p->cols());
        if (lo < hi)
            pieces.push_back(
                lo == offset && hi == offset + p->cols() ? p : columns(*p, lo - offset, hi - offset));
        offset += p->cols();
    }
    if (pieces.size() == 1) return pieces[0];
    std::vector<const MatrixBlock *> ptrs;
    for (const auto &p : pieces) ptrs.push_back(p.get());
    return kernels::cbind(ptrs);
}

MatrixPtr assemble_gram(const Target &t, size_t i, const MatrixBlock &g, const std::vector<int64_t> &map) {
    const std::vector<MatrixPtr> parts = t.parts(i, true);
    if (parts.empty()) {
        MatrixPtr c = t.operand(i);
        return c ? assemble_gram(*c, g, map) : nullptr;
    }
    const auto w = static_cast<int64_t>(map.size());
    std::vector<int64_t> slot;
    const std::vector<int64_t> fresh = fresh_columns(map, slot);
    if (2 * static_cast<int64_t>(fresh.size()) > w) return nullptr; // as above
    MatrixPtr e = std::make_shared<MatrixBlock>(w, 0);
    if (!fresh.empty()) {
        // t(cbind(P1, ..., Pm)) %*% D = rbind(t(P1) %*% D, ..., t(Pm) %*% D): the same dot products.
        MatrixPtr d =
            gather_columns(fresh, [&](int64_t c0, int64_t c1) { return operand_columns(t, i, c0, c1); });
        std::vector<MatrixPtr> blocks;
        std::vector<const MatrixBlock *> ptrs;
        for (const MatrixPtr &p : parts) {
            blocks.push_back(kernels::matmult_trans_left(*p, *d));
            ptrs.push_back(blocks.back().get());
        }
        e = ptrs.size() == 1 ? blocks[0] : kernels::rbind(ptrs);
    }
    return assemble_gram(g, map, *e);
}

MatrixPtr assemble_gram(const MatrixBlock &g, const std::vector<int64_t> &map, const MatrixBlock &e) {
    const auto w = static_cast<int64_t>(map.size());
    std::vector<int64_t> slot;
    const std::vector<int64_t> fresh = fresh_columns(map, slot);
    if (e.rows() != w || e.cols() != static_cast<int64_t>(fresh.size()))
        throw kernels::KernelError("Gram border of " + std::to_string(e.rows()) + "x" +
                                   std::to_string(e.cols()) + " does not fit");
    auto r = MatrixBlock::uninitialized(w, w);
    for (int64_t i = 0; i < w; ++i) {
        const int64_t mi = map[static_cast<size_t>(i)];
        for (int64_t j = 0; j < w; ++j) {
            const int64_t mj = map[static_cast<size_t>(j)];
            double v;
            if (mi >= 0 && mj >= 0)
                v = g.get(mi, mj);
            else if (mj < 0)
                v = e.get(i, slot[static_cast<size_t>(j)]);
            else
                v = e.get(j, slot[static_cast<size_t>(i)]);
            r->set(i, j, v);
        }
    }
    r->recompute_nnz();
    return r;
}

} // namespace linea::lineage::partial

namespace linea::lineage::partial {

namespace {
/// The extent (rows for rbind, columns for cbind) of a bind's first input, from its value or from the
/// values of all the others; -1 if unknown.
int64_t first_extent(const Target &t, const Item &bind, int64_t total, bool by_rows) {
    auto extent = [&](const MatrixPtr &m) { return by_rows ? m->rows() : m->cols(); };
    if (MatrixPtr x = t.value_of(bind.inputs()[0])) return extent(x);
    int64_t rest = 0;
    for (size_t i = 1; i < bind.inputs().size(); ++i) {
        MatrixPtr d = t.value_of(bind.inputs()[i]);
        if (!d) return -1;
        rest += extent(d);
    }
    return total - rest;
}
} // namespace

MatrixPtr cellwise_bind(const Target &t, const char *bind) {
    const Item &it = t.item();
    kernels::BinaryOp op;
    if (is_op(it, "+", ""))
        op = kernels::BinaryOp::Add;
    else if (is_op(it, "-", ""))
        op = kernels::BinaryOp::Sub;
    else if (is_op(it, "*", ""))
        op = kernels::BinaryOp::Mul;
    else
        return nullptr;
    if (it.inputs().size() != 2) return nullptr;
    const Item &l = *t.input(0), &r = *t.input(1);
    if (!is_op(l, bind, bind) || !is_op(r, bind, bind) || l.inputs().size() < 2 || r.inputs().size() < 2)
        return nullptr;
    MatrixPtr a = t.operand(0), b = t.operand(1);
    // Without broadcasting only: both operands and both first blocks have the cached result's shape.
    if (!a || !b || a->rows() != b->rows() || a->cols() != b->cols()) return nullptr;
    MatrixPtr xy = t.cached(with_inputs(it, {l.inputs()[0], r.inputs()[0]}));
    if (!xy) return nullptr;
    const bool by_rows = std::strcmp(bind, "rbind") == 0;
    const int64_t total = by_rows ? a->rows() : a->cols(), k = by_rows ? xy->rows() : xy->cols();
    if (first_extent(t, l, total, by_rows) != k || first_extent(t, r, total, by_rows) != k || k > total ||
        (by_rows ? xy->cols() != a->cols() : xy->rows() != a->rows()))
        return nullptr;
    if (by_rows) {
        MatrixPtr de = kernels::binary(op, *rows(*a, k, total), *rows(*b, k, total));
        return kernels::rbind({xy.get(), de.get()});
    }
    MatrixPtr de = kernels::binary(op, *columns(*a, k, total), *columns(*b, k, total));
    return kernels::cbind({xy.get(), de.get()});
}

} // namespace linea::lineage::partial
