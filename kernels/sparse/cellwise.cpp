// Cell-wise kernels on CSR inputs for operations that map zero to zero: only stored entries (or, with a
// dense operand, its row) are computed; every computed cell uses the same scalar function as the dense
// kernels, so results are identical.
#include "kernels/parallel.h"
#include "kernels/sparse/csr_builder.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>

namespace linea::kernels::sparse {

bool unary_keeps_zeros(UnaryOp op) {
    return apply_unary(op, 0.0) == 0.0;
}

bool scalar_keeps_zeros(BinaryOp op, double s, bool scalar_left) {
    return (scalar_left ? apply_binary(op, s, 0.0) : apply_binary(op, 0.0, s)) == 0.0;
}

MatrixPtr unary(UnaryOp op, const MatrixBlock &a) {
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    return with_chosen_format(build_rows(
        a.rows(), a.cols(), a.nnz(), [&](int64_t i) { return a.row_nnz(i); },
        [&](int64_t i, int32_t *oc, double *ov) {
            int64_t n = 0;
            for (int64_t k = rp[i]; k < rp[i + 1]; ++k) {
                const double v = apply_unary(op, cv[k]);
                if (v != 0.0) {
                    oc[n] = ci[k];
                    ov[n++] = v;
                }
            }
            return n;
        }));
}

MatrixPtr binary_scalar(BinaryOp op, const MatrixBlock &a, double s, bool scalar_left) {
    const int64_t *rp = a.row_ptr();
    const int32_t *ci = a.col_idx();
    const double *cv = a.values();
    auto run = [&](auto f) {
        return build_rows(
            a.rows(), a.cols(), a.nnz(), [&](int64_t i) { return a.row_nnz(i); },
            [&](int64_t i, int32_t *oc, double *ov) {
                int64_t n = 0;
                for (int64_t k = rp[i]; k < rp[i + 1]; ++k) {
                    const double v = f(cv[k]);
                    if (v != 0.0) {
                        oc[n] = ci[k];
                        ov[n++] = v;
                    }
                }
                return n;
            });
    };
    std::shared_ptr<MatrixBlock> out;
    if (op == BinaryOp::Mul)
        out = run([s](double x) { return x * s; });
    else if (op == BinaryOp::Div && !scalar_left)
        out = run([s](double x) { return x / s; });
    else if (scalar_left)
        out = run([op, s](double x) { return apply_binary(op, s, x); });
    else
        out = run([op, s](double x) { return apply_binary(op, x, s); });
    return with_chosen_format(out);
}

namespace {

/// One operand of a cell-wise op as seen from row i of the result: stored entries of a CSR row,
/// a dense row, or one value for the whole row (column vector / 1x1 broadcast).
struct RowView {
    enum Kind { Sparse, Dense, Const } kind = Const;
    const int32_t *idx = nullptr;
    const double *val = nullptr;
    int64_t n = 0;
    const double *dense = nullptr;
    double constant = 0.0;
    /// True when every column must be visited (values outside stored entries may be non-zero).
    bool full() const { return kind == Dense || (kind == Const && constant != 0.0); }
};

class OperandRows {
public:
    OperandRows(const MatrixBlock &m, int64_t rows, int64_t cols) : m_(&m) {
        // Broadcast vectors are small: read them densely.
        if (m.is_sparse() && !(m.rows() == rows && m.cols() == cols)) {
            held_ = dense_input(m);
            m_ = held_.get();
        }
        row_bcast_ = m_->rows() != rows; // a single row repeated
        col_bcast_ = m_->cols() != cols; // a single value per row
    }
    RowView row(int64_t i) const {
        const int64_t r = row_bcast_ ? 0 : i;
        RowView v;
        if (col_bcast_) {
            v.kind = RowView::Const;
            v.constant = m_->get(r, 0);
        } else if (m_->is_sparse()) {
            v.kind = RowView::Sparse;
            const int64_t b = m_->row_ptr()[r];
            v.idx = m_->col_idx() + b;
            v.val = m_->values() + b;
            v.n = m_->row_ptr()[r + 1] - b;
        } else {
            v.kind = RowView::Dense;
            v.dense = m_->row(r);
        }
        return v;
    }

private:
    const MatrixBlock *m_;
    MatrixPtr held_;
    bool row_bcast_ = false, col_bcast_ = false;
};

/// Value of column j in a view; `pos` walks the stored entries of a sparse view in column order.
inline double value_at(const RowView &v, int64_t j, int64_t &pos) {
    switch (v.kind) {
    case RowView::Dense:
        return v.dense[j];
    case RowView::Const:
        return v.constant;
    case RowView::Sparse:
        if (pos < v.n && v.idx[pos] == j) return v.val[pos++];
        return 0.0;
    }
    return 0.0;
}

} // namespace

MatrixPtr binary(BinaryOp op, const MatrixBlock &a, const MatrixBlock &b, int64_t rows, int64_t cols) {
    const OperandRows ra(a, rows, cols), rb(b, rows, cols);
    auto bound = [&](int64_t i) {
        const RowView va = ra.row(i), vb = rb.row(i);
        if (va.full() || vb.full()) return cols;
        return std::min<int64_t>(cols, va.n + vb.n);
    };
    auto fill = [&](int64_t i, int32_t *oc, double *ov) {
        const RowView va = ra.row(i), vb = rb.row(i);
        int64_t n = 0, pa = 0, pb = 0;
        auto emit = [&](int64_t j, double x, double y) {
            const double r = apply_binary(op, x, y);
            if (r != 0.0) {
                oc[n] = static_cast<int32_t>(j);
                ov[n++] = r;
            }
        };
        if (va.full() || vb.full()) {
            for (int64_t j = 0; j < cols; ++j) {
                const double x = value_at(va, j, pa);
                emit(j, x, value_at(vb, j, pb));
            }
            return n;
        }
        // Both rows hold only stored entries (or all zeros): merge the column lists.
        const int64_t na = va.kind == RowView::Sparse ? va.n : 0, nb = vb.kind == RowView::Sparse ? vb.n : 0;
        while (pa < na || pb < nb) {
            const int64_t ja = pa < na ? va.idx[pa] : cols, jb = pb < nb ? vb.idx[pb] : cols;
            if (ja == jb) {
                emit(ja, va.val[pa++], vb.val[pb++]);
            } else if (ja < jb) {
                emit(ja, va.val[pa++], 0.0);
            } else {
                emit(jb, 0.0, vb.val[pb++]);
            }
        }
        return n;
    };
    const int64_t work = std::max(a.is_sparse() ? a.nnz() : a.cells(), b.is_sparse() ? b.nnz() : b.cells());
    return with_chosen_format(build_rows(rows, cols, work, bound, fill));
}

} // namespace linea::kernels::sparse
