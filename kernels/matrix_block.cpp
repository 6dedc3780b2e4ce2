#include "kernels/matrix_block.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <new>
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
    void *take(size_t bytes) {
        if (bytes < kMinPooled) return nullptr;
        std::lock_guard lock(mutex_);
        auto it = free_.find(bytes);
        if (it == free_.end() || it->second.empty()) return nullptr;
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

MatrixBlock::MatrixBlock(const MatrixBlock &other)
    : rows_(other.rows_), cols_(other.cols_), nnz_(other.nnz_) {
    allocate();
    if (cells() > 0) std::memcpy(data_, other.data_, size_in_bytes());
}

MatrixBlock::~MatrixBlock() {
    if (!BufferPool::instance().give(data_, padded_bytes(rows_, cols_))) std::free(data_);
}

void MatrixBlock::recompute_nnz() {
    const int64_t total = cells();
    const double *d = data_;
    auto count = [d](int64_t b, int64_t e) {
        int64_t n = 0;
        for (int64_t i = b; i < e; ++i) n += (d[i] != 0.0);
        return n;
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
