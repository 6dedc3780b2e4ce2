// A matrix block: the unit of data every kernel consumes and produces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace linea::kernels {

/// Thrown by kernels for invalid arguments (shape mismatch, bad index, singular matrix, ...).
/// The runtime wraps it with the script position of the failing instruction.
class KernelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace detail {
/// Large-buffer reuse shared by dense cells and CSR arrays (matrix_block.cpp): nullptr / false when the
/// pool has no buffer of exactly `bytes` / does not keep this one.
void *pool_take(size_t bytes);
bool pool_give(void *p, size_t bytes);
/// Buffers of at least this size are 2 MiB aligned and backed by transparent huge pages when available
/// (one page fault per 2 MiB instead of per 4 KiB).
constexpr size_t kHugeBytes = size_t{2} << 20;
/// A fresh 64-byte (2 MiB for large sizes) aligned buffer, or nullptr.
void *fresh_buffer(size_t bytes);

/// Allocator of the CSR arrays: 64-byte aligned, large buffers recycled through the pool (a fresh
/// allocation costs a page fault per 4 KiB on first touch), and elements default-initialised (no
/// zeroing pass; builders write every element).
template <class T> struct CsrAllocator {
    using value_type = T;
    CsrAllocator() noexcept = default;
    template <class U> CsrAllocator(const CsrAllocator<U> &) noexcept {}
    static size_t bytes_of(size_t n) {
        const size_t b = (n * sizeof(T) + 63) / 64 * 64 + 64;
        return b >= kHugeBytes ? (b + kHugeBytes - 1) / kHugeBytes * kHugeBytes : b;
    }
    T *allocate(size_t n) {
        const size_t bytes = bytes_of(n);
        void *p = pool_take(bytes);
        if (!p) p = fresh_buffer(bytes);
        if (!p) throw std::bad_alloc();
        return static_cast<T *>(p);
    }
    void deallocate(T *p, size_t n) noexcept {
        if (!pool_give(p, bytes_of(n))) std::free(p);
    }
    template <class U> void construct(U *p) noexcept { ::new (static_cast<void *>(p)) U; }
    template <class U, class... A> void construct(U *p, A &&...args) {
        ::new (static_cast<void *>(p)) U(std::forward<A>(args)...);
    }
    template <class U> bool operator==(const CsrAllocator<U> &) const noexcept { return true; }
};
} // namespace detail

/// Storage of the CSR arrays.
template <class T> using CsrVector = std::vector<T, detail::CsrAllocator<T>>;

class MatrixBlock;
/// Blocks are immutable once published: shared read-only by variables and (later) the lineage cache.
using MatrixPtr = std::shared_ptr<const MatrixBlock>;

/// A matrix of doubles, dense or sparse.
/// - Dense: row-major, 64-byte aligned cells (`data()`, `row()`, `mutable_data()`).
/// - Sparse: CSR (`row_ptr()` with rows+1 offsets, `col_idx()` and `values()` with one entry per
///   non-zero cell, columns strictly increasing within a row, no stored zeros), so nnz is exact.
/// The dense accessors must not be used on a sparse block (they throw an internal error); kernels
/// that are not sparse-aware take `dense_input()` (sparse/convert.h) at entry.
class MatrixBlock {
public:
    /// A rows x cols dense block, every cell set to `init`.
    MatrixBlock(int64_t rows, int64_t cols, double init = 0.0);
    /// A rows x cols dense block whose cells are left uninitialised (callers fill every cell).
    static std::shared_ptr<MatrixBlock> uninitialized(int64_t rows, int64_t cols);
    /// A rows x cols sparse block taking ownership of its CSR arrays. Checks the structure
    /// (offsets, sorted in-range columns; throws an internal error otherwise) and drops stored zeros.
    static std::shared_ptr<MatrixBlock> sparse(int64_t rows, int64_t cols, CsrVector<int64_t> row_ptr,
                                               CsrVector<int32_t> col_idx, CsrVector<double> values);

    /// The same without checks, for kernels that build valid CSR by construction (no stored zeros,
    /// sorted columns, consistent offsets).
    static std::shared_ptr<MatrixBlock> sparse_trusted(int64_t rows, int64_t cols, CsrVector<int64_t> row_ptr,
                                                       CsrVector<int32_t> col_idx, CsrVector<double> values);

    /// A rows x cols dense block over cells owned by someone else (e.g. a private mapping of a binary
    /// file): `data` must be 64-byte aligned, hold rows*cols doubles and stay valid and private to this
    /// block while `owner` lives. Writes through mutable_data() must not reach shared storage (a
    /// MAP_PRIVATE mapping copies on write). Counts the non-zeros.
    static std::shared_ptr<MatrixBlock> dense_over(int64_t rows, int64_t cols, double *data,
                                                   std::shared_ptr<void> owner);

    MatrixBlock(const MatrixBlock &other);
    MatrixBlock &operator=(const MatrixBlock &) = delete;
    ~MatrixBlock();

    int64_t rows() const { return rows_; }
    int64_t cols() const { return cols_; }
    int64_t cells() const { return rows_ * cols_; }
    bool empty() const { return rows_ == 0 || cols_ == 0; }
    bool is_sparse() const { return sparse_; }
    /// nnz / cells (0 for a block without cells).
    double density() const {
        return cells() == 0 ? 0.0 : static_cast<double>(nnz_) / static_cast<double>(cells());
    }

    /// Exact number of non-zero cells (NaN counts as non-zero). Cached; call recompute_nnz()
    /// after writing through mutable_data().
    int64_t nnz() const { return nnz_; }
    void recompute_nnz();
    /// Sets the cached nnz of a dense block, for kernels that count the non-zeros they write (saves the
    /// second pass of recompute_nnz). `nnz` must be exact.
    void set_nnz(int64_t nnz) { nnz_ = nnz; }

    // ---- dense access (dense blocks only)
    const double *data() const {
        if (sparse_) dense_access_error();
        return data_;
    }
    double *mutable_data() {
        if (sparse_) dense_access_error();
        return data_;
    }
    const double *row(int64_t i) const {
        if (sparse_) dense_access_error();
        return data_ + i * cols_;
    }
    double *mutable_row(int64_t i) {
        if (sparse_) dense_access_error();
        return data_ + i * cols_;
    }
    void set(int64_t i, int64_t j, double v) {
        if (sparse_) dense_access_error();
        data_[i * cols_ + j] = v;
    }
    /// Cell (i, j) of either format (a binary search within the row for a sparse block).
    double get(int64_t i, int64_t j) const { return sparse_ ? sparse_get(i, j) : data_[i * cols_ + j]; }

    // ---- sparse access (sparse blocks only)
    const int64_t *row_ptr() const { return row_ptr_.data(); }
    const int32_t *col_idx() const { return col_idx_.data(); }
    const double *values() const { return values_.data(); }
    /// Stored entries of row i: [row_ptr()[i], row_ptr()[i+1]).
    int64_t row_nnz(int64_t i) const { return row_ptr_[i + 1] - row_ptr_[i]; }

    /// Bytes held by the cell storage (dense cells, or the three CSR arrays).
    size_t size_in_bytes() const {
        return sparse_ ? sparse_bytes(rows_, nnz_) : static_cast<size_t>(cells()) * sizeof(double);
    }
    /// Bytes of a CSR block with `rows` rows and `nnz` entries.
    static size_t sparse_bytes(int64_t rows, int64_t nnz) {
        return static_cast<size_t>(rows + 1) * sizeof(int64_t) +
               static_cast<size_t>(nnz) * (sizeof(int32_t) + sizeof(double));
    }

private:
    struct Uninit {};
    struct Sparse {};
    MatrixBlock(int64_t rows, int64_t cols, Uninit);
    MatrixBlock(int64_t rows, int64_t cols, Sparse);
    void allocate();
    double sparse_get(int64_t i, int64_t j) const;
    [[noreturn]] static void dense_access_error();

    int64_t rows_ = 0;
    int64_t cols_ = 0;
    int64_t nnz_ = 0;
    bool sparse_ = false;
    double *data_ = nullptr;
    std::shared_ptr<void> owner_; // set when data_ is not ours to free (dense_over)
    CsrVector<int64_t> row_ptr_;
    CsrVector<int32_t> col_idx_;
    CsrVector<double> values_;
};

} // namespace linea::kernels
