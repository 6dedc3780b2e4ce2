#include "runtime/lineage/item_pool.h"

#include <sys/mman.h>

#include <array>
#include <mutex>
#include <new>
#include <vector>

namespace linea::lineage {

namespace {
constexpr size_t kAlign = 16;
constexpr size_t kClasses = kMaxPooledBytes / kAlign;
constexpr size_t kChunkBytes = size_t{1} << 20;
constexpr size_t kBatch = 32; ///< blocks a thread takes at a time

struct FreeBlock {
    FreeBlock *next;
};

/// Blocks shared by all threads: chunks being carved and the free lists of exited threads (whole lists,
/// so that handing one over never walks it). Never destroyed (items held by static objects are released
/// during exit).
struct Shared {
    std::mutex mutex;
    std::array<std::vector<FreeBlock *>, kClasses> lists;
    char *bump = nullptr;
    size_t left = 0;

    /// A list of free blocks of class `cls` for a thread: one handed over, else a batch carved from the
    /// current chunk.
    FreeBlock *take(size_t cls) {
        std::lock_guard lock(mutex);
        if (!lists[cls].empty()) {
            FreeBlock *b = lists[cls].back();
            lists[cls].pop_back();
            return b;
        }
        const size_t bytes = (cls + 1) * kAlign;
        if (left < bytes) {
            void *chunk =
                mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (chunk == MAP_FAILED) throw std::bad_alloc();
            bump = static_cast<char *>(chunk);
            left = kChunkBytes;
        }
        FreeBlock *head = nullptr;
        for (size_t k = 0; k < kBatch && left >= bytes; ++k) {
            auto *b = reinterpret_cast<FreeBlock *>(bump);
            b->next = head;
            head = b;
            bump += bytes;
            left -= bytes;
        }
        return head;
    }
    /// Takes a null-terminated list of free blocks of class `cls`.
    void give(size_t cls, FreeBlock *head) {
        std::lock_guard lock(mutex);
        lists[cls].push_back(head);
    }
};

Shared &shared() {
    static Shared *s = new Shared;
    return *s;
}

/// A thread's free lists. Trivially destructible, so that blocks freed after the thread's exit guard ran
/// (thread_local objects destroyed later) still find it: they then go to the shared lists.
struct Local {
    std::array<FreeBlock *, kClasses> free;
    bool exited;
};
thread_local Local t_local{};

/// Hands a thread's free blocks to the shared lists when it exits.
struct ExitGuard {
    bool armed = false;
    ~ExitGuard() {
        for (size_t c = 0; c < kClasses; ++c) {
            FreeBlock *head = t_local.free[c];
            if (!head) continue;
            shared().give(c, head);
            t_local.free[c] = nullptr;
        }
        t_local.exited = true;
    }
};
thread_local ExitGuard t_guard;
} // namespace

void *pool_allocate(size_t bytes) {
    if (bytes == 0 || bytes > kMaxPooledBytes) return ::operator new(bytes);
    const size_t cls = (bytes - 1) / kAlign;
    if (t_local.exited) {
        FreeBlock *list = shared().take(cls);
        if (list->next) shared().give(cls, list->next);
        return list;
    }
    FreeBlock *b = t_local.free[cls];
    if (!b) {
        t_guard.armed = true; // this thread's exit guard exists before it holds blocks
        b = shared().take(cls);
    }
    t_local.free[cls] = b->next;
    return b;
}

void pool_deallocate(void *p, size_t bytes) noexcept {
    if (!p) return;
    if (bytes == 0 || bytes > kMaxPooledBytes) {
        ::operator delete(p);
        return;
    }
    const size_t cls = (bytes - 1) / kAlign;
    auto *b = static_cast<FreeBlock *>(p);
    if (t_local.exited) {
        b->next = nullptr;
        shared().give(cls, b);
        return;
    }
    t_guard.armed = true;
    b->next = t_local.free[cls];
    t_local.free[cls] = b;
}

} // namespace linea::lineage
