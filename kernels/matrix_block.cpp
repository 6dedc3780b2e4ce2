#include "kernels/matrix_block.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace linea::kernels {

namespace {
constexpr size_t kAlignment = 64;
constexpr int64_t kMaxCells = int64_t{1} << 40;
} // namespace

void MatrixBlock::allocate() {
    if (rows_ < 0 || cols_ < 0) throw KernelError("invalid matrix dimensions " + std::to_string(rows_) + "x" +
                                                  std::to_string(cols_));
    if (rows_ != 0 && cols_ > kMaxCells / rows_)
        throw KernelError("matrix of " + std::to_string(rows_) + "x" + std::to_string(cols_) + " is too large");
    size_t bytes = static_cast<size_t>(rows_ * cols_) * sizeof(double);
    bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    if (bytes == 0) bytes = kAlignment;
    data_ = static_cast<double *>(std::aligned_alloc(kAlignment, bytes));
    if (!data_) throw KernelError("out of memory allocating a " + std::to_string(rows_) + "x" +
                                  std::to_string(cols_) + " matrix");
}

MatrixBlock::MatrixBlock(int64_t rows, int64_t cols, double init) : rows_(rows), cols_(cols) {
    allocate();
    std::fill(data_, data_ + cells(), init);
    nnz_ = (init != 0.0) ? cells() : 0;
}

MatrixBlock::MatrixBlock(int64_t rows, int64_t cols, Uninit) : rows_(rows), cols_(cols) { allocate(); }

std::shared_ptr<MatrixBlock> MatrixBlock::uninitialized(int64_t rows, int64_t cols) {
    return std::shared_ptr<MatrixBlock>(new MatrixBlock(rows, cols, Uninit{}));
}

MatrixBlock::MatrixBlock(const MatrixBlock &other) : rows_(other.rows_), cols_(other.cols_), nnz_(other.nnz_) {
    allocate();
    if (cells() > 0) std::memcpy(data_, other.data_, size_in_bytes());
}

MatrixBlock::~MatrixBlock() { std::free(data_); }

void MatrixBlock::recompute_nnz() {
    int64_t n = 0;
    const int64_t total = cells();
    for (int64_t i = 0; i < total; ++i) n += (data_[i] != 0.0);
    nnz_ = n;
}

} // namespace linea::kernels
