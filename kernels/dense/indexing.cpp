// Right and left indexing, cbind and rbind (0-based, half-open ranges).
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace linea::kernels {

namespace {

std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

void check_range(const MatrixBlock &a, int64_t r0, int64_t r1, int64_t c0, int64_t c1, const char *what) {
    if (r0 < 0 || r0 > r1 || r1 > a.rows() || c0 < 0 || c0 > c1 || c1 > a.cols())
        throw KernelError(std::string(what) + ": range [" + std::to_string(r0 + 1) + ":" +
                          std::to_string(r1) + ", " + std::to_string(c0 + 1) + ":" + std::to_string(c1) +
                          "] out of bounds for a " + shape(a) + " matrix");
}

void copy_block(const MatrixBlock &src, MatrixBlock &dst, int64_t r0, int64_t c0) {
    const size_t bytes = static_cast<size_t>(src.cols()) * sizeof(double);
    if (bytes == 0) return;
    for (int64_t i = 0; i < src.rows(); ++i) std::memcpy(dst.mutable_row(r0 + i) + c0, src.row(i), bytes);
}

} // namespace

MatrixPtr slice(const MatrixBlock &a_in, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    if (a_in.is_sparse()) {
        check_range(a_in, r0, r1, c0, c1, "right indexing");
        return sparse::slice(a_in, r0, r1, c0, c1);
    }
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    check_range(a, r0, r1, c0, c1, "right indexing");
    auto out = MatrixBlock::uninitialized(r1 - r0, c1 - c0);
    const size_t bytes = static_cast<size_t>(c1 - c0) * sizeof(double);
    if (bytes > 0)
        for (int64_t i = r0; i < r1; ++i) std::memcpy(out->mutable_row(i - r0), a.row(i) + c0, bytes);
    out->recompute_nnz();
    return out;
}

MatrixPtr left_index(const MatrixBlock &a_in, const MatrixBlock &b_in, int64_t r0, int64_t r1, int64_t c0,
                     int64_t c1) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const MatrixPtr b_dense = dense_input(b_in);
    const MatrixBlock &b = *b_dense;
    check_range(a, r0, r1, c0, c1, "left indexing");
    if (b.rows() != r1 - r0 || b.cols() != c1 - c0)
        throw KernelError("dimension mismatch in left indexing: target range is " + std::to_string(r1 - r0) +
                          "x" + std::to_string(c1 - c0) + " but the right-hand side is " + shape(b));
    auto out = std::make_shared<MatrixBlock>(a);
    copy_block(b, *out, r0, c0);
    out->recompute_nnz();
    return out;
}

MatrixPtr left_index_scalar(const MatrixBlock &a_in, double v, int64_t r0, int64_t r1, int64_t c0,
                            int64_t c1) {
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    check_range(a, r0, r1, c0, c1, "left indexing");
    auto out = std::make_shared<MatrixBlock>(a);
    for (int64_t i = r0; i < r1; ++i) std::fill(out->mutable_row(i) + c0, out->mutable_row(i) + c1, v);
    out->recompute_nnz();
    return out;
}

namespace {

/// The non-zeros of a concatenation: the sum of its parts' exact counts.
int64_t nnz_sum(const std::vector<const MatrixBlock *> &parts) {
    int64_t n = 0;
    for (const MatrixBlock *p : parts) n += p->nnz();
    return n;
}

} // namespace

MatrixPtr cbind(const std::vector<const MatrixBlock *> &parts_in) {
    {
        // CSR result when the parts are mostly sparse (checked after the shapes below, on the inputs).
        bool any_sparse = false, shapes_ok = !parts_in.empty();
        int64_t nnz = 0, total = 0;
        for (const MatrixBlock *p : parts_in) {
            any_sparse = any_sparse || p->is_sparse();
            shapes_ok = shapes_ok && p->rows() == parts_in[0]->rows();
            nnz += p->nnz();
            total += p->cols();
        }
        if (any_sparse && shapes_ok) {
            const int64_t rows = parts_in[0]->rows(), cols = total;
            if (prefer_sparse(rows, cols, nnz)) return sparse::cbind(parts_in, rows, cols);
        }
    }
    std::vector<MatrixPtr> held;
    std::vector<const MatrixBlock *> parts;
    for (const MatrixBlock *p : parts_in) {
        held.push_back(dense_input(*p));
        parts.push_back(held.back().get());
    }
    if (parts.empty()) return std::make_shared<MatrixBlock>(0, 0);
    const int64_t rows = parts[0]->rows();
    int64_t cols = 0;
    for (const MatrixBlock *p : parts) {
        if (p->rows() != rows)
            throw KernelError("dimension mismatch in cbind: " + shape(*parts[0]) + " and " + shape(*p) +
                              " have different numbers of rows");
        cols += p->cols();
    }
    auto out = MatrixBlock::uninitialized(rows, cols);
    // Row by row, each output row written once and in order (a part at a time would revisit every
    // cache line of the output once per part), rows in parallel.
    detail::parallel_range(rows, rows * cols, [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0; i < r1; ++i) {
            double *dst = out->mutable_row(i);
            for (const MatrixBlock *p : parts) {
                const int64_t w = p->cols();
                if (w == 1)
                    *dst = p->row(i)[0];
                else if (w > 0)
                    std::memcpy(dst, p->row(i), static_cast<size_t>(w) * sizeof(double));
                dst += w;
            }
        }
    });
    out->set_nnz(nnz_sum(parts)); // the parts' exact counts: no second pass over the result
    return out;
}

MatrixPtr rbind(const std::vector<const MatrixBlock *> &parts_in) {
    {
        // CSR result when the parts are mostly sparse (checked after the shapes below, on the inputs).
        bool any_sparse = false, shapes_ok = !parts_in.empty();
        int64_t nnz = 0, total = 0;
        for (const MatrixBlock *p : parts_in) {
            any_sparse = any_sparse || p->is_sparse();
            shapes_ok = shapes_ok && p->cols() == parts_in[0]->cols();
            nnz += p->nnz();
            total += p->rows();
        }
        if (any_sparse && shapes_ok) {
            const int64_t cols = parts_in[0]->cols(), rows = total;
            if (prefer_sparse(rows, cols, nnz)) return sparse::rbind(parts_in, rows, cols);
        }
    }
    std::vector<MatrixPtr> held;
    std::vector<const MatrixBlock *> parts;
    for (const MatrixBlock *p : parts_in) {
        held.push_back(dense_input(*p));
        parts.push_back(held.back().get());
    }
    if (parts.empty()) return std::make_shared<MatrixBlock>(0, 0);
    const int64_t cols = parts[0]->cols();
    int64_t rows = 0;
    for (const MatrixBlock *p : parts) {
        if (p->cols() != cols)
            throw KernelError("dimension mismatch in rbind: " + shape(*parts[0]) + " and " + shape(*p) +
                              " have different numbers of columns");
        rows += p->rows();
    }
    auto out = MatrixBlock::uninitialized(rows, cols);
    double *dst = out->mutable_data();
    for (const MatrixBlock *p : parts) {
        if (p->cells() > 0) std::memcpy(dst, p->data(), p->size_in_bytes());
        dst += p->cells();
    }
    out->set_nnz(nnz_sum(parts));
    return out;
}

} // namespace linea::kernels
