#include "runtime/io/arrival_hook.h"

#include "kernels/ops.h"

#include <atomic>

namespace linea::io {

namespace {
std::atomic<MatrixArrivalHook> g_hook{nullptr};
}

void set_matrix_arrival_hook(MatrixArrivalHook hook) {
    g_hook.store(hook, std::memory_order_release);
}

kernels::MatrixPtr notify_matrix_arrival(kernels::MatrixPtr m) {
    const MatrixArrivalHook hook = g_hook.load(std::memory_order_acquire);
    if (!hook || !m) return m;
    // The format the runtime would choose anyway when binding it (ExecContext::set), so the block the
    // hook sees is the one the program keeps.
    m = kernels::with_chosen_format(std::move(m));
    hook(m);
    return m;
}

} // namespace linea::io
