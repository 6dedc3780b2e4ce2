// MNC sketches built when data enters a program (read, C API bind) and reused by later estimates.
#include "compiler/estim/estim_node.h"
#include "compiler/estim/estimator.h"
#include "compiler/estim/sketch_cache.h"
#include "kernels/ops.h"
#include "runtime/io/arrival_hook.h"
#include "runtime/io/matrix_io.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

namespace es = linea::estim;
namespace k = linea::kernels;
namespace fs = std::filesystem;

/// A rows x cols dense block with one non-zero every `step` cells.
std::shared_ptr<k::MatrixBlock> every(int64_t rows, int64_t cols, int64_t step) {
    auto m = k::MatrixBlock::uninitialized(rows, cols);
    for (int64_t c = 0; c < rows * cols; ++c) m->mutable_data()[c] = c % step == 0 ? 1.0 + c % 5 : 0.0;
    m->recompute_nnz();
    return m;
}

std::string temp_path(const std::string &name) {
    return (fs::temp_directory_path() / ("linea_sketch_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(SketchCache, BuiltOncePerBlockAndReused) {
    const k::MatrixPtr m = k::to_sparse(*every(50, 40, 37));
    const int64_t before = es::sketches_built();
    const auto s1 = es::sketch_of(m);
    const auto s2 = es::sketch_of(m);
    EXPECT_EQ(s1, s2);
    EXPECT_EQ(es::sketches_built(), before + 1);
    EXPECT_EQ(s1->nnz, m->nnz());
    EXPECT_EQ(s1->row_nnz, es::MncSketch::of(*m).row_nnz);
    // An MNC estimate over the block uses the cached sketch.
    const auto e = es::make_mnc()->estimate_nnz(*es::matmult(es::leaf(m), es::transpose(es::leaf(m))));
    EXPECT_GE(e, 0.0);
    EXPECT_EQ(es::sketches_built(), before + 1);
}

TEST(SketchCache, ReadSketchesSparseData) {
    es::sketch_arriving_data();
    const std::string sparse_path = temp_path("sparse.txt"), dense_path = temp_path("dense.txt");
    linea::io::WriteOptions w;
    linea::io::write_matrix(sparse_path, *every(200, 100, 53), w); // density ~2%: read as CSR
    linea::io::write_matrix(dense_path, *every(20, 10, 1), w);     // dense: not an MNC leaf
    const int64_t before = es::sketches_built();
    const k::MatrixPtr dense = linea::io::read_matrix(dense_path, {});
    EXPECT_FALSE(dense->is_sparse());
    EXPECT_EQ(es::sketches_built(), before);
    const k::MatrixPtr sp = linea::io::read_matrix(sparse_path, {});
    ASSERT_TRUE(sp->is_sparse());
    EXPECT_EQ(es::sketches_built(), before + 1);
    // A later estimate (e.g. at dynamic recompilation) finds it.
    EXPECT_EQ(es::sketch_of(sp)->nnz, sp->nnz());
    EXPECT_EQ(es::sketches_built(), before + 1);
    for (const auto &p : {sparse_path, dense_path}) {
        fs::remove(p);
        fs::remove(p + ".mtd");
    }
}

TEST(SketchCache, ArrivalPicksTheChosenFormat) {
    es::sketch_arriving_data();
    const int64_t before = es::sketches_built();
    // A dense buffer of a sparse matrix (as the C API binds it) arrives as CSR, sketched.
    const k::MatrixPtr m = linea::io::notify_matrix_arrival(every(300, 100, 61));
    EXPECT_TRUE(m->is_sparse());
    EXPECT_EQ(es::sketches_built(), before + 1);
    EXPECT_EQ(es::sketch_of(m)->nnz, m->nnz());
    EXPECT_EQ(es::sketches_built(), before + 1);
}

} // namespace
