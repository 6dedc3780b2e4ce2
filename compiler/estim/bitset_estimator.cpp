// Exact estimator: the non-zero pattern of every intermediate as a row-major bitset.
#include "compiler/estim/estimator.h"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace linea::estim {

namespace {

/// A rows x cols boolean pattern, one bit per cell, rows padded to whole words.
struct Bits {
    int64_t rows = 0, cols = 0, words = 0;
    std::vector<uint64_t> w;
    Bits(int64_t r, int64_t c)
        : rows(r), cols(c), words((c + 63) / 64), w(static_cast<size_t>(r * words), 0) {}
    uint64_t *row(int64_t i) { return w.data() + i * words; }
    const uint64_t *row(int64_t i) const { return w.data() + i * words; }
    bool get(int64_t i, int64_t j) const { return (row(i)[j / 64] >> (j % 64)) & 1; }
    void set(int64_t i, int64_t j) { row(i)[j / 64] |= uint64_t{1} << (j % 64); }
    int64_t count() const {
        int64_t n = 0;
        for (uint64_t x : w) n += std::popcount(x);
        return n;
    }
    int64_t row_count(int64_t i) const {
        int64_t n = 0;
        for (int64_t k = 0; k < words; ++k) n += std::popcount(row(i)[k]);
        return n;
    }
    /// Clears the padding bits beyond cols (after a complement).
    void trim() {
        if (cols % 64 == 0) return;
        const uint64_t mask = (uint64_t{1} << (cols % 64)) - 1;
        for (int64_t i = 0; i < rows; ++i) row(i)[words - 1] &= mask;
    }
};

Bits make(int64_t r, int64_t c) {
    if (static_cast<double>(r) * static_cast<double>(c) > static_cast<double>(kBitsetMaxCells))
        throw std::invalid_argument("bitset estimator: intermediate of " + std::to_string(r) + "x" +
                                    std::to_string(c) + " is too large");
    return Bits(r, c);
}

Bits of_block(const kernels::MatrixBlock &m) {
    Bits b = make(m.rows(), m.cols());
    for (int64_t i = 0; i < m.rows(); ++i) {
        if (m.is_sparse()) {
            for (int64_t k = m.row_ptr()[i]; k < m.row_ptr()[i + 1]; ++k) b.set(i, m.col_idx()[k]);
        } else {
            for (int64_t j = 0; j < m.cols(); ++j)
                if (m.row(i)[j] != 0.0) b.set(i, j);
        }
    }
    return b;
}

Bits eval(const EstimNode &n) {
    switch (n.op) {
    case EstimOp::Leaf:
        if (!n.data) throw std::invalid_argument("bitset estimator: a leaf without data");
        return of_block(*n.data);
    case EstimOp::MatMult: {
        const Bits a = eval(*n.inputs[0]), b = eval(*n.inputs[1]);
        Bits o = make(a.rows, b.cols);
        for (int64_t i = 0; i < a.rows; ++i)
            for (int64_t wk = 0; wk < a.words; ++wk)
                for (uint64_t bits = a.row(i)[wk]; bits; bits &= bits - 1) {
                    const int64_t k = wk * 64 + std::countr_zero(bits);
                    for (int64_t x = 0; x < o.words; ++x) o.row(i)[x] |= b.row(k)[x];
                }
        return o;
    }
    case EstimOp::Mult:
    case EstimOp::Plus:
    case EstimOp::NotEqual:
    case EstimOp::Equal: {
        Bits a = eval(*n.inputs[0]);
        const Bits b = eval(*n.inputs[1]);
        for (size_t x = 0; x < a.w.size(); ++x) {
            if (n.op == EstimOp::Mult)
                a.w[x] &= b.w[x];
            else if (n.op == EstimOp::Equal)
                a.w[x] = ~(a.w[x] | b.w[x]);
            else
                a.w[x] |= b.w[x];
        }
        a.trim();
        return a;
    }
    case EstimOp::Transpose: {
        const Bits a = eval(*n.inputs[0]);
        Bits o = make(a.cols, a.rows);
        for (int64_t i = 0; i < a.rows; ++i)
            for (int64_t j = 0; j < a.cols; ++j)
                if (a.get(i, j)) o.set(j, i);
        return o;
    }
    case EstimOp::Reshape: {
        const Bits a = eval(*n.inputs[0]);
        Bits o = make(n.rows, n.cols);
        for (int64_t i = 0; i < a.rows; ++i)
            for (int64_t j = 0; j < a.cols; ++j)
                if (a.get(i, j)) {
                    const int64_t f = i * a.cols + j;
                    o.set(f / n.cols, f % n.cols);
                }
        return o;
    }
    case EstimOp::Cbind:
    case EstimOp::Rbind: {
        Bits o = make(n.rows, n.cols);
        int64_t off = 0;
        for (const auto &p : n.inputs) {
            const Bits a = eval(*p);
            for (int64_t i = 0; i < a.rows; ++i)
                for (int64_t j = 0; j < a.cols; ++j)
                    if (a.get(i, j)) n.op == EstimOp::Cbind ? o.set(i, j + off) : o.set(i + off, j);
            off += n.op == EstimOp::Cbind ? a.cols : a.rows;
        }
        return o;
    }
    case EstimOp::Slice: {
        const Bits a = eval(*n.inputs[0]);
        Bits o = make(n.rows, n.cols);
        for (int64_t i = n.r0; i < n.r1; ++i)
            for (int64_t j = n.c0; j < n.c1; ++j)
                if (a.get(i, j)) o.set(i - n.r0, j - n.c0);
        return o;
    }
    case EstimOp::Diag: {
        const Bits a = eval(*n.inputs[0]);
        Bits o = make(n.rows, n.cols);
        for (int64_t i = 0; i < n.rows; ++i) {
            if (n.cols == 1 ? a.get(i, i) : a.get(i, 0)) n.cols == 1 ? o.set(i, 0) : o.set(i, i);
        }
        return o;
    }
    case EstimOp::Table: {
        const kernels::MatrixBlock &va = *n.inputs[0]->data, &vb = *n.inputs[1]->data;
        Bits o = make(n.rows, n.cols);
        for (int64_t k = 0; k < va.rows(); ++k) {
            const double x = va.get(k, 0), y = vb.get(k, 0);
            if (std::isnan(x) || std::isnan(y)) continue;
            const auto r = static_cast<int64_t>(std::floor(x + 1e-14)),
                       c = static_cast<int64_t>(std::floor(y + 1e-14));
            if (r >= 1 && r <= n.rows && c >= 1 && c <= n.cols) o.set(r - 1, c - 1);
        }
        return o;
    }
    case EstimOp::RemoveEmptyRows: {
        const Bits a = eval(*n.inputs[0]);
        int64_t kept = 0;
        for (int64_t i = 0; i < a.rows; ++i) kept += a.row_count(i) > 0;
        Bits o = make(kept, a.cols);
        int64_t r = 0;
        for (int64_t i = 0; i < a.rows; ++i)
            if (a.row_count(i) > 0) {
                for (int64_t x = 0; x < a.words; ++x) o.row(r)[x] = a.row(i)[x];
                ++r;
            }
        return o;
    }
    case EstimOp::RemoveEmptyCols:
        // Dropping empty columns keeps every non-zero; the pattern's count is all that is reported.
        return eval(*n.inputs[0]);
    }
    throw std::invalid_argument("bitset estimator: unknown operator");
}

class BitsetEstimator : public SparsityEstimator {
public:
    const char *name() const override { return "bitset"; }
    double estimate_nnz(const EstimNode &n) const override {
        if (n.op == EstimOp::Leaf && !n.data) return static_cast<double>(n.leaf_nnz);
        return static_cast<double>(eval(n).count());
    }
};

} // namespace

std::unique_ptr<SparsityEstimator> make_bitset() {
    return std::make_unique<BitsetEstimator>();
}

} // namespace linea::estim
