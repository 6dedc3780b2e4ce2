#include "compiler/estim/estim_node.h"

#include <stdexcept>
#include <string>

namespace linea::estim {

namespace {

std::string dims(const EstimNodePtr &n) {
    return std::to_string(n->rows) + "x" + std::to_string(n->cols);
}

EstimNodePtr node(EstimOp op, std::vector<EstimNodePtr> in, int64_t rows, int64_t cols) {
    auto n = std::make_shared<EstimNode>();
    n->op = op;
    n->inputs = std::move(in);
    n->rows = rows;
    n->cols = cols;
    return n;
}

EstimNodePtr cellwise(EstimOp op, EstimNodePtr a, EstimNodePtr b) {
    if (a->rows != b->rows || a->cols != b->cols)
        throw std::invalid_argument(std::string(to_string(op)) + ": shapes differ, " + dims(a) + " and " +
                                    dims(b));
    const int64_t r = a->rows, c = a->cols;
    return node(op, {std::move(a), std::move(b)}, r, c);
}

} // namespace

const char *to_string(EstimOp op) {
    switch (op) {
    case EstimOp::Leaf:
        return "leaf";
    case EstimOp::MatMult:
        return "%*%";
    case EstimOp::Mult:
        return "*";
    case EstimOp::Plus:
        return "+";
    case EstimOp::NotEqual:
        return "!=";
    case EstimOp::Equal:
        return "==";
    case EstimOp::Transpose:
        return "t";
    case EstimOp::Reshape:
        return "matrix";
    case EstimOp::Cbind:
        return "cbind";
    case EstimOp::Rbind:
        return "rbind";
    case EstimOp::Slice:
        return "rightIndex";
    case EstimOp::Diag:
        return "diag";
    case EstimOp::Table:
        return "table";
    case EstimOp::RemoveEmptyRows:
        return "removeEmpty(rows)";
    case EstimOp::RemoveEmptyCols:
        return "removeEmpty(cols)";
    }
    return "?";
}

EstimNodePtr leaf(kernels::MatrixPtr m) {
    if (!m) throw std::invalid_argument("leaf: no matrix");
    auto n = std::make_shared<EstimNode>();
    n->rows = m->rows();
    n->cols = m->cols();
    n->leaf_nnz = m->nnz();
    n->data = std::move(m);
    return n;
}

EstimNodePtr meta_leaf(int64_t rows, int64_t cols, int64_t nnz) {
    if (rows < 0 || cols < 0 || nnz < 0 || nnz > rows * cols)
        throw std::invalid_argument("meta_leaf: invalid metadata");
    auto n = std::make_shared<EstimNode>();
    n->rows = rows;
    n->cols = cols;
    n->leaf_nnz = nnz;
    return n;
}

EstimNodePtr matmult(EstimNodePtr a, EstimNodePtr b) {
    if (a->cols != b->rows)
        throw std::invalid_argument("%*%: inner dimensions differ, " + dims(a) + " and " + dims(b));
    const int64_t r = a->rows, c = b->cols;
    return node(EstimOp::MatMult, {std::move(a), std::move(b)}, r, c);
}
EstimNodePtr mult(EstimNodePtr a, EstimNodePtr b) {
    return cellwise(EstimOp::Mult, std::move(a), std::move(b));
}
EstimNodePtr plus(EstimNodePtr a, EstimNodePtr b) {
    return cellwise(EstimOp::Plus, std::move(a), std::move(b));
}
EstimNodePtr not_equal(EstimNodePtr a, EstimNodePtr b) {
    return cellwise(EstimOp::NotEqual, std::move(a), std::move(b));
}
EstimNodePtr equal(EstimNodePtr a, EstimNodePtr b) {
    return cellwise(EstimOp::Equal, std::move(a), std::move(b));
}

EstimNodePtr transpose(EstimNodePtr a) {
    const int64_t r = a->cols, c = a->rows;
    return node(EstimOp::Transpose, {std::move(a)}, r, c);
}

EstimNodePtr reshape(EstimNodePtr a, int64_t rows, int64_t cols) {
    if (rows < 0 || cols < 0 || rows * cols != a->rows * a->cols)
        throw std::invalid_argument("matrix: cannot reshape " + dims(a) + " into " + std::to_string(rows) +
                                    "x" + std::to_string(cols));
    return node(EstimOp::Reshape, {std::move(a)}, rows, cols);
}

EstimNodePtr cbind(std::vector<EstimNodePtr> parts) {
    if (parts.empty()) throw std::invalid_argument("cbind: no inputs");
    int64_t c = 0;
    for (const auto &p : parts) {
        if (p->rows != parts[0]->rows) throw std::invalid_argument("cbind: row counts differ");
        c += p->cols;
    }
    const int64_t r = parts[0]->rows;
    return node(EstimOp::Cbind, std::move(parts), r, c);
}

EstimNodePtr rbind(std::vector<EstimNodePtr> parts) {
    if (parts.empty()) throw std::invalid_argument("rbind: no inputs");
    int64_t r = 0;
    for (const auto &p : parts) {
        if (p->cols != parts[0]->cols) throw std::invalid_argument("rbind: column counts differ");
        r += p->rows;
    }
    const int64_t c = parts[0]->cols;
    return node(EstimOp::Rbind, std::move(parts), r, c);
}

EstimNodePtr slice(EstimNodePtr a, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    if (r0 < 0 || r1 < r0 || r1 > a->rows || c0 < 0 || c1 < c0 || c1 > a->cols)
        throw std::invalid_argument("rightIndex: bounds out of range of " + dims(a));
    auto n = std::make_shared<EstimNode>();
    n->op = EstimOp::Slice;
    n->inputs = {std::move(a)};
    n->rows = r1 - r0;
    n->cols = c1 - c0;
    n->r0 = r0;
    n->r1 = r1;
    n->c0 = c0;
    n->c1 = c1;
    return n;
}

EstimNodePtr diag(EstimNodePtr a) {
    if (a->cols == 1) {
        const int64_t n = a->rows;
        return node(EstimOp::Diag, {std::move(a)}, n, n);
    }
    if (a->rows != a->cols) throw std::invalid_argument("diag: needs a column vector or a square matrix");
    const int64_t n = a->rows;
    return node(EstimOp::Diag, {std::move(a)}, n, 1);
}

EstimNodePtr table(kernels::MatrixPtr a, kernels::MatrixPtr b, int64_t rows, int64_t cols) {
    auto va = leaf(std::move(a)), vb = leaf(std::move(b));
    if (va->cols != 1 || vb->cols != 1 || va->rows != vb->rows)
        throw std::invalid_argument("table: needs two column vectors of equal length");
    return node(EstimOp::Table, {std::move(va), std::move(vb)}, rows, cols);
}

EstimNodePtr remove_empty(EstimNodePtr a, bool rows) {
    // The output shape depends on the data; the estimators report it through the nnz only, so the
    // node keeps the input's shape as an upper bound.
    const int64_t r = a->rows, c = a->cols;
    return node(rows ? EstimOp::RemoveEmptyRows : EstimOp::RemoveEmptyCols, {std::move(a)}, r, c);
}

EstimNodePtr chain(const std::vector<EstimNodePtr> &ops) {
    if (ops.empty()) throw std::invalid_argument("chain: no operands");
    EstimNodePtr acc = ops[0];
    for (size_t i = 1; i < ops.size(); ++i) acc = matmult(acc, ops[i]);
    return acc;
}

} // namespace linea::estim
