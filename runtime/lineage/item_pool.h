// Memory for lineage items: small fixed-size blocks carved from large mapped chunks.
#pragma once

#include <cstddef>

namespace linea::lineage {

/// Blocks up to this many bytes come from the pool; larger requests from operator new.
constexpr size_t kMaxPooledBytes = 256;

/// Allocates `bytes` for lineage items. Items are small and many live long (a loop's trace), while the
/// matrices computed between them are large and short-lived: in the malloc heap the items would sit in
/// the space freed by one matrix, so that the next one takes fresh memory (a mini-batch loop grew to 5x
/// the memory and spent its time faulting in pages). Pooled blocks come from chunks mapped apart from
/// the heap; freed blocks are kept per size class (per thread, handed to all threads when it exits).
void *pool_allocate(size_t bytes);
/// Returns a block of `bytes` (the size it was allocated with).
void pool_deallocate(void *p, size_t bytes) noexcept;

/// A standard allocator over the pool (for std::allocate_shared of items).
template <class T> struct PoolAllocator {
    using value_type = T;
    PoolAllocator() = default;
    template <class U> PoolAllocator(const PoolAllocator<U> &) noexcept {}
    T *allocate(size_t n) { return static_cast<T *>(pool_allocate(n * sizeof(T))); }
    void deallocate(T *p, size_t n) noexcept { pool_deallocate(p, n * sizeof(T)); }
    template <class U> bool operator==(const PoolAllocator<U> &) const noexcept { return true; }
};

} // namespace linea::lineage
