// A matrix block: the unit of data every kernel consumes and produces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace linea::kernels {

/// Thrown by kernels for invalid arguments (shape mismatch, bad index, singular matrix, ...).
/// The runtime wraps it with the script position of the failing instruction.
class KernelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class MatrixBlock;
/// Blocks are immutable once published: shared read-only by variables and (later) the lineage cache.
using MatrixPtr = std::shared_ptr<const MatrixBlock>;

/// A matrix of doubles. Currently always dense, row-major, 64-byte aligned; the sparse (CSR)
/// representation arrives with the kernels issue and will live behind the same interface.
class MatrixBlock {
public:
    /// A rows x cols block, every cell set to `init`.
    MatrixBlock(int64_t rows, int64_t cols, double init = 0.0);
    /// A rows x cols block whose cells are left uninitialised (callers fill every cell).
    static std::shared_ptr<MatrixBlock> uninitialized(int64_t rows, int64_t cols);

    MatrixBlock(const MatrixBlock &other);
    MatrixBlock &operator=(const MatrixBlock &) = delete;
    ~MatrixBlock();

    int64_t rows() const { return rows_; }
    int64_t cols() const { return cols_; }
    int64_t cells() const { return rows_ * cols_; }
    bool empty() const { return rows_ == 0 || cols_ == 0; }
    bool is_sparse() const { return false; }

    /// Exact number of non-zero cells (NaN counts as non-zero). Cached; call recompute_nnz()
    /// after writing through mutable_data().
    int64_t nnz() const { return nnz_; }
    void recompute_nnz();

    const double *data() const { return data_; }
    double *mutable_data() { return data_; }
    double get(int64_t i, int64_t j) const { return data_[i * cols_ + j]; }
    void set(int64_t i, int64_t j, double v) { data_[i * cols_ + j] = v; }
    const double *row(int64_t i) const { return data_ + i * cols_; }
    double *mutable_row(int64_t i) { return data_ + i * cols_; }

    /// Bytes held by the cell storage.
    size_t size_in_bytes() const { return static_cast<size_t>(cells()) * sizeof(double); }

private:
    struct Uninit {};
    MatrixBlock(int64_t rows, int64_t cols, Uninit);
    void allocate();

    int64_t rows_ = 0;
    int64_t cols_ = 0;
    int64_t nnz_ = 0;
    double *data_ = nullptr;
};

} // namespace linea::kernels
