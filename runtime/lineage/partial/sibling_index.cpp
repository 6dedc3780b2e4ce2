// The sibling index of tsmm-over-cbind items: one key per (arity, left-out input, hashes of the others).
#include "runtime/lineage/partial/sibling_index.h"

#include "runtime/lineage/partial/rewrite.h"

#include <mutex>
#include <unordered_map>

namespace linea::lineage::partial {

namespace {
/// Items beyond this many are dropped all at once (a plan then finds no relative and the instruction
/// runs normally); the index only holds lineage items, not values.
constexpr size_t kMaxItems = size_t{1} << 14;

uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

/// The key of a cbind with input `skip` left out.
uint64_t key_without(const Item &cbind, size_t skip) {
    uint64_t h = mix(cbind.inputs().size(), skip);
    for (size_t i = 0; i < cbind.inputs().size(); ++i)
        if (i != skip) h = mix(h, cbind.inputs()[i]->hash());
    return h;
}

class SiblingIndex {
public:
    static SiblingIndex &instance() {
        static SiblingIndex *index = new SiblingIndex(); // never destroyed: items may outlive teardown
        return *index;
    }
    void add(const ItemPtr &item, const Item &cbind) {
        std::lock_guard lock(mutex_);
        if (count_ >= kMaxItems) {
            by_key_.clear();
            count_ = 0;
        }
        const size_t arity = cbind.inputs().size();
        for (size_t q = 0; q < arity; ++q) {
            std::vector<ItemPtr> &bucket = by_key_[key_without(cbind, q)];
            bool present = false;
            for (const ItemPtr &b : bucket)
                if (b == item || (b->hash() == item->hash() && Item::equal(*b, *item))) present = true;
            if (!present) {
                bucket.push_back(item);
                ++count_;
            }
        }
    }
    std::vector<ItemPtr> find(const Item &cbind) {
        std::vector<ItemPtr> out;
        std::lock_guard lock(mutex_);
        for (size_t q = 0; q < cbind.inputs().size(); ++q) {
            auto it = by_key_.find(key_without(cbind, q));
            if (it != by_key_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
        }
        return out;
    }

private:
    std::mutex mutex_;
    std::unordered_map<uint64_t, std::vector<ItemPtr>> by_key_;
    size_t count_ = 0;
};
} // namespace

void note_gram_miss(const ItemPtr &item) {
    if (const Item *cb = tsmm_over(*item, "cbind")) SiblingIndex::instance().add(item, *cb);
}

std::vector<ItemPtr> gram_siblings(const Item &cbind) {
    return SiblingIndex::instance().find(cbind);
}

} // namespace linea::lineage::partial
