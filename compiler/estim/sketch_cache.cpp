#include "compiler/estim/sketch_cache.h"

#include "runtime/io/arrival_hook.h"

#include <atomic>
#include <map>
#include <mutex>

namespace linea::estim {

namespace {

struct Entry {
    std::weak_ptr<const kernels::MatrixBlock> block; ///< detects a freed block whose address is reused
    std::shared_ptr<const MncSketch> sketch;
};

std::mutex g_mutex;
std::map<const kernels::MatrixBlock *, Entry> g_cache;
std::atomic<int64_t> g_built{0};

/// Drops the entries of freed blocks (amortised: called when the cache doubled since the last sweep).
void sweep_locked() {
    static size_t next = 64;
    if (g_cache.size() < next) return;
    for (auto it = g_cache.begin(); it != g_cache.end();)
        it = it->second.block.expired() ? g_cache.erase(it) : std::next(it);
    next = std::max<size_t>(64, 2 * g_cache.size());
}

void on_arrival(const kernels::MatrixPtr &m) {
    if (m->is_sparse()) sketch_of(m); // dense blocks are not MNC leaves (see hops/infer.cpp)
}

} // namespace

std::shared_ptr<const MncSketch> sketch_of(const kernels::MatrixPtr &m) {
    {
        std::lock_guard lock(g_mutex);
        auto it = g_cache.find(m.get());
        if (it != g_cache.end()) {
            if (it->second.block.lock() == m) return it->second.sketch;
            g_cache.erase(it);
        }
    }
    auto s = std::make_shared<const MncSketch>(MncSketch::of(*m)); // O(nnz), outside the lock
    g_built.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(g_mutex);
    sweep_locked();
    return g_cache.insert_or_assign(m.get(), Entry{m, s}).first->second.sketch;
}

void sketch_arriving_data() {
    io::set_matrix_arrival_hook(&on_arrival);
}

int64_t sketches_built() {
    return g_built.load(std::memory_order_relaxed);
}

} // namespace linea::estim
