// Kernel benchmarks against their baselines, measured in the same run:
//   matmult 2000x2000 vs direct cblas_dgemm; tsmm (t(X)%*%X, 100000x500) vs direct cblas_dsyrk;
//   cell-wise and aggregate kernels on 10M cells vs the STREAM triad bandwidth (bytes moved / second);
//   small products (X %*% v and t(X) %*% X, X 2000x20) with all threads vs one thread, and directly through
//   OpenBLAS with its own thread pool (how linea called them before the split BLAS calls);
//   cell-wise and aggregate kernels on one thread in L2 (compute throughput, GB/s).
// Direct BLAS baselines run with OpenBLAS's pool at all hardware threads; linea keeps it at one except for
// very large products (blas::kPoolFlops), which it runs as one call on that pool; the *_split rows force
// the older split TBB calls for those too, so both variants are measured side by side.
// benchmarks/micro/run_kernels.py turns the output into the ratio table in benchmarks/results/kernels.md.
#include "kernels/blas/tbb_blas.h"
#include "kernels/ops.h"

#include <benchmark/benchmark.h>
#include <cblas.h>
#include <tbb/parallel_for.h>

#include <memory>
#include <random>
#include <thread>

extern "C" void openblas_set_num_threads(int num_threads);

namespace {

using linea::kernels::MatrixBlock;
using linea::kernels::MatrixPtr;

/// OpenBLAS's own pool at all hardware threads while a direct baseline runs (linea keeps it at one).
struct OpenBlasThreads {
    OpenBlasThreads() { openblas_set_num_threads(static_cast<int>(std::thread::hardware_concurrency())); }
    ~OpenBlasThreads() { openblas_set_num_threads(1); }
};

std::shared_ptr<MatrixBlock> random_block(int64_t r, int64_t c, uint64_t seed) {
    auto m = MatrixBlock::uninitialized(r, c);
    std::mt19937_64 g(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int64_t i = 0; i < r * c; ++i) m->mutable_data()[i] = u(g);
    m->recompute_nnz();
    return m;
}

void BM_dgemm_direct(benchmark::State &st) {
    OpenBlasThreads pool;
    const int n = static_cast<int>(st.range(0));
    auto a = random_block(n, n, 1), b = random_block(n, n, 2);
    auto c = MatrixBlock::uninitialized(n, n);
    for (auto _ : st) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a->data(), n, b->data(), n, 0.0,
                    c->mutable_data(), n);
        benchmark::DoNotOptimize(c->data());
    }
    st.counters["GFLOPS"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

void BM_matmult_linea(benchmark::State &st) {
    const int n = static_cast<int>(st.range(0));
    auto a = random_block(n, n, 1), b = random_block(n, n, 2);
    for (auto _ : st) benchmark::DoNotOptimize(linea::kernels::matmult(*a, *b));
    st.counters["GFLOPS"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

/// Large products split into single-threaded calls on TBB tasks, as before blas::kPoolFlops existed.
struct SplitOnly {
    SplitOnly() { linea::kernels::blas::set_pool_flops(1e30); }
    ~SplitOnly() { linea::kernels::blas::set_pool_flops(0); }
};

void BM_matmult_linea_split(benchmark::State &st) {
    SplitOnly split;
    BM_matmult_linea(st);
}

void BM_dsyrk_direct(benchmark::State &st) {
    OpenBlasThreads pool;
    const int64_t r = st.range(0), c = st.range(1);
    auto x = random_block(r, c, 3);
    auto out = MatrixBlock::uninitialized(c, c);
    for (auto _ : st) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, static_cast<int>(c), static_cast<int>(r), 1.0,
                    x->data(), static_cast<int>(c), 0.0, out->mutable_data(), static_cast<int>(c));
        benchmark::DoNotOptimize(out->data());
    }
}

void BM_tsmm_linea(benchmark::State &st) {
    const int64_t r = st.range(0), c = st.range(1);
    auto x = random_block(r, c, 3);
    for (auto _ : st) benchmark::DoNotOptimize(linea::kernels::tsmm(*x, true));
}

void BM_tsmm_linea_split(benchmark::State &st) {
    SplitOnly split;
    BM_tsmm_linea(st);
}

/// X %*% v and t(X) %*% X on a 2000x20 X (the inner loop of steplm and lm grids); arg 0 = all threads, 1 =
/// one.
void BM_small_matmult(benchmark::State &st) {
    auto x = random_block(2000, 20, 8), v = random_block(20, 1, 9);
    linea::kernels::set_num_threads(static_cast<int>(st.range(0)));
    for (auto _ : st) {
        benchmark::DoNotOptimize(linea::kernels::matmult(*x, *v));
        benchmark::DoNotOptimize(linea::kernels::tsmm(*x, true));
    }
    linea::kernels::set_num_threads(0);
}

/// The same two products as direct dgemv + dsyrk calls with OpenBLAS's own pool at all hardware threads.
void BM_small_matmult_openblas_pool(benchmark::State &st) {
    auto x = random_block(2000, 20, 8), v = random_block(20, 1, 9);
    auto y = MatrixBlock::uninitialized(2000, 1), g = MatrixBlock::uninitialized(20, 20);
    OpenBlasThreads pool;
    for (auto _ : st) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, 2000, 20, 1.0, x->data(), 20, v->data(), 1, 0.0,
                    y->mutable_data(), 1);
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, 20, 2000, 1.0, x->data(), 20, 0.0,
                    g->mutable_data(), 20);
        benchmark::DoNotOptimize(y->data());
        benchmark::DoNotOptimize(g->data());
    }
}

constexpr int64_t kCells = 10'000'000;

/// STREAM triad a = b + s*c, parallel like our kernels: 3 arrays of 8-byte cells move per iteration.
void BM_stream_triad(benchmark::State &st) {
    auto a = MatrixBlock::uninitialized(kCells, 1);
    auto b = random_block(kCells, 1, 4), c = random_block(kCells, 1, 5);
    double *pa = a->mutable_data();
    const double *pb = b->data(), *pc = c->data();
    for (auto _ : st) {
        tbb::parallel_for(tbb::blocked_range<int64_t>(0, kCells, 1 << 16),
                          [&](const tbb::blocked_range<int64_t> &r) {
                              for (int64_t i = r.begin(); i < r.end(); ++i) pa[i] = pb[i] + 3.0 * pc[i];
                          });
        benchmark::DoNotOptimize(pa);
    }
    st.SetBytesProcessed(st.iterations() * kCells * 24);
}

template <typename F> void cellwise(benchmark::State &st, int arrays, F f) {
    auto x = random_block(kCells / 1000, 1000, 6), y = random_block(kCells / 1000, 1000, 7);
    for (auto _ : st) f(*x, *y);
    st.SetBytesProcessed(st.iterations() * kCells * 8 * arrays);
}

void BM_add(benchmark::State &st) {
    cellwise(st, 3, [](const MatrixBlock &x, const MatrixBlock &y) {
        benchmark::DoNotOptimize(linea::kernels::binary(linea::kernels::BinaryOp::Add, x, y));
    });
}
void BM_mul(benchmark::State &st) {
    cellwise(st, 3, [](const MatrixBlock &x, const MatrixBlock &y) {
        benchmark::DoNotOptimize(linea::kernels::binary(linea::kernels::BinaryOp::Mul, x, y));
    });
}
void BM_exp(benchmark::State &st) {
    cellwise(st, 2, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(linea::kernels::unary(linea::kernels::UnaryOp::Exp, x));
    });
}
void BM_sum(benchmark::State &st) {
    cellwise(st, 1, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(linea::kernels::aggregate_all(linea::kernels::AggOp::Sum, x));
    });
}
void BM_rowSums(benchmark::State &st) {
    cellwise(st, 1, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(
            linea::kernels::aggregate(linea::kernels::AggOp::Sum, linea::kernels::AggDir::Row, x));
    });
}
void BM_colSums(benchmark::State &st) {
    cellwise(st, 1, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(
            linea::kernels::aggregate(linea::kernels::AggOp::Sum, linea::kernels::AggDir::Col, x));
    });
}

/// Compute throughput on one thread with the operands in L2 (32x1000, 256 KB each): insensitive to the memory
/// bandwidth other processes take on a shared host, so kernel speed-ups show even under load.
template <typename F> void in_l2(benchmark::State &st, int arrays, F f) {
    linea::kernels::set_num_threads(1);
    auto x = random_block(32, 1000, 8), y = random_block(32, 1000, 9);
    for (auto _ : st) f(*x, *y);
    st.SetBytesProcessed(st.iterations() * 32000 * 8 * arrays);
    linea::kernels::set_num_threads(0);
}

void BM_l2_mul(benchmark::State &st) {
    in_l2(st, 3, [](const MatrixBlock &x, const MatrixBlock &y) {
        benchmark::DoNotOptimize(linea::kernels::binary(linea::kernels::BinaryOp::Mul, x, y));
    });
}
void BM_l2_exp(benchmark::State &st) {
    in_l2(st, 2, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(linea::kernels::unary(linea::kernels::UnaryOp::Exp, x));
    });
}
void BM_l2_sum(benchmark::State &st) {
    in_l2(st, 1, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(linea::kernels::aggregate_all(linea::kernels::AggOp::Sum, x));
    });
}
void BM_l2_rowSums(benchmark::State &st) {
    in_l2(st, 1, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(
            linea::kernels::aggregate(linea::kernels::AggOp::Sum, linea::kernels::AggDir::Row, x));
    });
}
void BM_l2_colSums(benchmark::State &st) {
    in_l2(st, 1, [](const MatrixBlock &x, const MatrixBlock &) {
        benchmark::DoNotOptimize(
            linea::kernels::aggregate(linea::kernels::AggOp::Sum, linea::kernels::AggDir::Col, x));
    });
}

BENCHMARK(BM_dgemm_direct)->Arg(2000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_matmult_linea)->Arg(2000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_matmult_linea_split)->Arg(2000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_dsyrk_direct)->Args({100000, 500})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_tsmm_linea)->Args({100000, 500})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_tsmm_linea_split)->Args({100000, 500})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_small_matmult)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_small_matmult_openblas_pool)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_stream_triad)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_add)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_mul)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_exp)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_sum)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_rowSums)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_colSums)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_l2_mul)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_l2_exp)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_l2_sum)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_l2_rowSums)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_l2_colSums)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
