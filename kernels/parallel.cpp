// Thread cap shared by TBB (our loops, split BLAS calls) and OpenBLAS (LAPACK only; blas/tbb_blas.cpp).
#include "kernels/ops.h"

#include <tbb/global_control.h>
#include <tbb/info.h>

#include <memory>
#include <mutex>

namespace linea::kernels {

namespace {
std::mutex g_mutex;
std::unique_ptr<tbb::global_control> g_control;
int g_threads = 0; // 0 = not capped

int hardware_threads() {
    return std::max(1, tbb::info::default_concurrency());
}
} // namespace

void set_num_threads(int n) {
    std::lock_guard<std::mutex> lock(g_mutex);
    const int effective = n <= 0 ? hardware_threads() : n;
    g_control.reset(); // at most one active cap, so the new one is not shadowed by a smaller old one
    g_control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      static_cast<size_t>(effective));
    g_threads = n <= 0 ? 0 : n;
}

int num_threads() {
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_threads == 0 ? hardware_threads() : g_threads;
}

} // namespace linea::kernels
