// An index of Gram-matrix items over cbinds by "all inputs but one", so a plan finds the cached Gram
// matrices that differ from a target in exactly one cbind input without scanning the whole cache.
#pragma once

#include "runtime/lineage/item.h"

#include <vector>

namespace linea::lineage::partial {

/// Records `item` (a `tsmm` over a cbind, which just missed the cache and is about to be computed and
/// cached) as a possible relative of later Gram matrices. Other items are ignored.
void note_gram_miss(const ItemPtr &item);

/// Items recorded by note_gram_miss whose cbind has the arity of `cbind` and may equal it in all inputs
/// but one (hash matches: callers check equality and look the values up in the cache, since an entry
/// may have been evicted or never admitted).
std::vector<ItemPtr> gram_siblings(const Item &cbind);

} // namespace linea::lineage::partial
