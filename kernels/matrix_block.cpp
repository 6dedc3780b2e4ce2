#include "kernels/matrix_block.h"

#include "kernels/parallel.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <sys/mman.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <new>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace linea::kernels {

namespace {
constexpr size_t kAlignment = 64;
constexpr int64_t kMaxCells = int64_t{1} << 40;

/// Keeps freed large cell buffers for reuse by the next block of the same size. ML loops recompute
/// same-sized intermediates, and a fresh large allocation costs a page fault per 4 KiB on first touch,
/// which dominates memory-bound kernels.
class BufferPool {
public:
    static BufferPool &instance() {
        static BufferPool *pool = new BufferPool(); // never destroyed: blocks may outlive static teardown
        return *pool;
    }
    /// A kept buffer of exactly `bytes`, or nullptr. On a miss, kept buffers of other sizes (largest first)
    /// go back to the system until `bytes` are returned: the caller's fresh allocation then reuses those
    /// pages, which are already backed, instead of growing the footprint with never-touched memory (the
    /// kernel's first-touch zeroing of new pages dominated kernels such as a sparse transpose, and costs up
    /// to 10x more per byte on a VM whose host has not backed them yet).
    void *take(size_t bytes) {
        if (bytes < kMinPooled) return nullptr;
        std::lock_guard lock(mutex_);
        auto it = free_.find(bytes);
        if (it == free_.end() || it->second.empty()) {
            release_locked(bytes);
            return nullptr;
        }
        void *p = it->second.back();
        it->second.pop_back();
        cached_ -= bytes;
        return p;
    }
    /// Returns true when the pool kept the buffer.
    bool give(void *p, size_t bytes) {
        if (bytes < kMinPooled) return false;
        std::lock_guard lock(mutex_);
        if (cached_ + bytes > kMaxCached) return false;
        free_[bytes].push_back(p);
        cached_ += bytes;
        return true;
    }

private:
    void release_locked(size_t bytes) {
        size_t released = 0;
        while (released < bytes && cached_ > 0) {
            auto largest = free_.end();
            for (auto f = free_.begin(); f != free_.end(); ++f)
                if (!f->second.empty() && (largest == free_.end() || f->first > largest->first)) largest = f;
            if (largest == free_.end()) break;
            std::free(largest->second.back());
            largest->second.pop_back();
            cached_ -= largest->first;
            released += largest->first;
        }
    }

    static constexpr size_t kMinPooled = size_t{1} << 20;
    static constexpr size_t kMaxCached = size_t{1} << 30;
    std::mutex mutex_;
    std::unordered_map<size_t, std::vector<void *>> free_;
    size_t cached_ = 0;
};

size_t padded_bytes(int64_t rows, int64_t cols) {
    size_t bytes = static_cast<size_t>(rows * cols) * sizeof(double);
    bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    return bytes == 0 ? kAlignment : bytes;
}
} // namespace

void *detail::pool_take(size_t bytes) {
    return BufferPool::instance().take(bytes);
}

void *detail::fresh_buffer(size_t bytes) {
    if (bytes < kHugeBytes) return std::aligned_alloc(kAlignment, bytes);
    void *p = std::aligned_alloc(kHugeBytes, bytes);
    if (p) madvise(p, bytes, MADV_HUGEPAGE); // advisory: failure only costs the speed-up
    return p;
}

bool detail::pool_give(void *p, size_t bytes) {
    return BufferPool::instance().give(p, bytes);
}

void MatrixBlock::allocate() {
    if (rows_ < 0 || cols_ < 0)
        throw KernelError("invalid matrix dimensions " + std::to_string(rows_) + "x" + std::to_string(cols_));
    if (rows_ != 0 && cols_ > kMaxCells / rows_)
        throw KernelError("matrix of " + std::to_string(rows_) + "x" + std::to_string(cols_) +
                          " is too large");
    const size_t bytes = padded_bytes(rows_, cols_);
    data_ = static_cast<double *>(BufferPool::instance().take(bytes));
    if (!data_) data_ = static_cast<double *>(std::aligned_alloc(kAlignment, bytes));
    if (!data_)
        throw KernelError("out of memory allocating a " + std::to_string(rows_) + "x" +
                          std::to_string(cols_) + " matrix");
}

MatrixBlock::MatrixBlock(int64_t rows, int64_t cols, double init) : rows_(rows), cols_(cols) {
    allocate();
    std::fill(data_, data_ + cells(), init);
    nnz_ = (init != 0.0) ? cells() : 0;
}

MatrixBlock::MatrixBlock(int64_t rows, int64_t cols, Uninit) : rows_(rows), cols_(cols) {
    allocate();
}

std::shared_ptr<MatrixBlock> MatrixBlock::uninitialized(int64_t rows, int64_t cols) {
    return std::shared_ptr<MatrixBlock>(new MatrixBlock(rows, cols, Uninit{}));
}

MatrixBlock::MatrixBlock(int64_t rows, int64_t cols, Sparse) : rows_(rows), cols_(cols), sparse_(true) {}

std::shared_ptr<MatrixBlock> MatrixBlock::sparse(int64_t rows, int64_t cols, CsrVector<int64_t> row_ptr,
                                                 CsrVector<int32_t> col_idx, CsrVector<double> values) {
    if (rows < 0 || cols < 0 || cols > INT32_MAX)
        throw std::logic_error("internal error: invalid sparse matrix dimensions " + std::to_string(rows) +
                               "x" + std::to_string(cols));
    if (static_cast<int64_t>(row_ptr.size()) != rows + 1 || row_ptr[0] != 0 ||
        row_ptr.back() != static_cast<int64_t>(values.size()) || col_idx.size() != values.size())
        throw std::logic_error("internal error: inconsistent CSR arrays");
    std::shared_ptr<MatrixBlock> m(new MatrixBlock(rows, cols, Sparse{}));
    // Validate ordering and drop stored zeros in one pass (compacting in place).
    int64_t w = 0;
    for (int64_t i = 0; i < rows; ++i) {
        const int64_t b = row_ptr[i], e = row_ptr[i + 1];
        if (e < b) throw std::logic_error("internal error: decreasing CSR row offsets");
        int64_t prev = -1;
        row_ptr[i] = w;
        for (int64_t k = b; k < e; ++k) {
            const int64_t c = col_idx[k];
            if (c <= prev || c >= cols)
                throw std::logic_error("internal error: unsorted or out-of-range CSR column");
            prev = c;
            if (values[k] == 0.0) continue;
            col_idx[w] = col_idx[k];
            values[w] = values[k];
            ++w;
        }
    }
    row_ptr[rows] = w;
    col_idx.resize(w);
    values.resize(w);
    m->row_ptr_ = std::move(row_ptr);
    m->col_idx_ = std::move(col_idx);
    m->values_ = std::move(values);
    m->nnz_ = w;
    return m;
}

std::shared_ptr<MatrixBlock> MatrixBlock::sparse_trusted(int64_t rows, int64_t cols,
                                                         CsrVector<int64_t> row_ptr,
                                                         CsrVector<int32_t> col_idx,
                                                         CsrVector<double> values) {
    std::shared_ptr<MatrixBlock> m(new MatrixBlock(rows, cols, Sparse{}));
    m->nnz_ = static_cast<int64_t>(values.size());
    m->row_ptr_ = std::move(row_ptr);
    m->col_idx_ = std::move(col_idx);
    m->values_ = std::move(values);
    return m;
}

MatrixBlock::MatrixBlock(const MatrixBlock &other)
    : rows_(other.rows_), cols_(other.cols_), nnz_(other.nnz_), sparse_(other.sparse_) {
    if (sparse_) {
        row_ptr_ = other.row_ptr_;
        col_idx_ = other.col_idx_;
        values_ = other.values_;
        return;
    }
    allocate();
    if (cells() > 0) std::memcpy(data_, other.data_, size_in_bytes());
}

std::shared_ptr<MatrixBlock> MatrixBlock::dense_over(int64_t rows, int64_t cols, double *data,
                                                     std::shared_ptr<void> owner) {
    if (rows < 0 || cols < 0 || reinterpret_cast<uintptr_t>(data) % kAlignment != 0 || !owner)
        throw std::logic_error("internal error: dense_over needs valid dimensions and aligned, owned cells");
    std::shared_ptr<MatrixBlock> m(new MatrixBlock(rows, cols, Sparse{}));
    m->sparse_ = false;
    m->data_ = data;
    m->owner_ = std::move(owner);
    m->recompute_nnz();
    return m;
}

MatrixBlock::~MatrixBlock() {
    if (sparse_ || owner_) return;
    if (!BufferPool::instance().give(data_, padded_bytes(rows_, cols_))) std::free(data_);
}

double MatrixBlock::sparse_get(int64_t i, int64_t j) const {
    const int32_t *b = col_idx_.data() + row_ptr_[i];
    const int32_t *e = col_idx_.data() + row_ptr_[i + 1];
    const int32_t *p = std::lower_bound(b, e, static_cast<int32_t>(j));
    return (p != e && *p == j) ? values_[static_cast<size_t>(p - col_idx_.data())] : 0.0;
}

void MatrixBlock::dense_access_error() {
    throw std::logic_error("internal error: dense cell access to a sparse (CSR) matrix block");
}

void MatrixBlock::recompute_nnz() {
    if (sparse_) {
        nnz_ = static_cast<int64_t>(values_.size());
        return;
    }
    const int64_t total = cells();
    const double *d = data_;
    auto count = [d](int64_t b, int64_t e) {
        uint64_t n = 0;
        for (int64_t i = b; i < e; ++i) n += detail::nonzero(d[i]);
        return static_cast<int64_t>(n);
    };
    if (total < (int64_t{1} << 18)) {
        nnz_ = count(0, total);
        return;
    }
    // Integer counts add exactly, so the parallel result equals the sequential one.
    nnz_ = tbb::parallel_reduce(
        tbb::blocked_range<int64_t>(0, total, int64_t{1} << 16), int64_t{0},
        [&](const tbb::blocked_range<int64_t> &r, int64_t acc) { return acc + count(r.begin(), r.end()); },
        std::plus<int64_t>());
}

} // namespace linea::kernels
