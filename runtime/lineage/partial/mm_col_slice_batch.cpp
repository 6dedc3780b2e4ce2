// A %*% B[,j] -> (A %*% B[,b0:b1])[,j-b0+1], the batch product computed once in a loop over j and cached
#include "kernels/blas/chain.h"
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace linea::lineage::partial {

// A loop that picks one column of a loop-invariant B per iteration (the steplm sweep's t(X) %*% Z[,i]) makes
// one memory-bound pass over A per iteration; A %*% B[, batch] is one compute-bound product for all of
// them. Batches are the whole of B up to 2 * kBatchColumns columns, else aligned runs of kBatchColumns
// (a loop that uses one column of a batch pays at most kBatchColumns single products, as one GEMM).
namespace {
constexpr int64_t kBatchColumns = 64;
/// The batch product's size limit (cells): it must stay cached to pay off.
constexpr int64_t kMaxBatchCells = int64_t{1} << 22;

/// Per batch product (by hash): the last targets that asked for one of its slices, and the cache that did
/// not keep it. A batch is computed on a request when an earlier, different target of the same batch is
/// cached: a sweep is under way (the first request runs as it is; a loop in which B changes each
/// iteration asks for a new batch every time and never batches). A batch the cache did not keep (too
/// large for its budget, or delayed) is not computed again for that cache: recomputing it in each
/// iteration would multiply the work. Process-wide and bounded; the cache decides what is there.
class BatchLog {
public:
    static BatchLog &instance() {
        static BatchLog *log = new BatchLog(); // never destroyed: used until exit
        return *log;
    }
    /// Records `target` as a request of batch `h`; returns the earlier requests.
    std::vector<ItemPtr> request(uint64_t h, const ItemPtr &target) {
        std::lock_guard lock(mutex_);
        if (log_.size() > kMaxBatches) log_.clear();
        Entry &e = log_[h];
        std::vector<ItemPtr> earlier = e.requests;
        if (e.requests.size() >= kRequests) e.requests.erase(e.requests.begin());
        e.requests.push_back(target);
        return earlier;
    }
    bool declined(uint64_t h, const Cache &cache) {
        std::lock_guard lock(mutex_);
        auto it = log_.find(h);
        return it != log_.end() && it->second.declined_by == &cache;
    }
    void decline(uint64_t h, const Cache &cache) {
        std::lock_guard lock(mutex_);
        log_[h].declined_by = &cache;
    }

private:
    static constexpr size_t kMaxBatches = 4096, kRequests = 4;
    struct Entry {
        std::vector<ItemPtr> requests;
        const Cache *declined_by = nullptr;
    };
    std::mutex mutex_;
    std::unordered_map<uint64_t, Entry> log_;
};

/// Whether an earlier request of the batch, other than the target itself, is in the cache.
bool sweep_under_way(const Target &t, const std::vector<ItemPtr> &earlier) {
    for (const ItemPtr &e : earlier)
        if (!Item::equal(*e, t.item()) && t.cached(e)) return true;
    return false;
}

ItemPtr literal_index(int64_t v) {
    return Item::literal("i:" + std::to_string(v));
}
} // namespace

MatrixPtr batched_slice_product(const Target &t, const ItemPtr &left, const MatrixBlock &a, const Item &slice,
                                bool trans_left) {
    auto range = column_range(slice);
    if (!range) return nullptr;
    MatrixPtr b = t.value_of(range->source);
    if (!b || range->hi > b->cols() || b->rows() != (trans_left ? a.rows() : a.cols())) return nullptr;
    // The batch holding [lo, hi] (1-based, inclusive).
    const int64_t kb = b->cols();
    int64_t b0 = 1, b1 = kb;
    if (kb > 2 * kBatchColumns) {
        b0 = (range->lo - 1) / kBatchColumns * kBatchColumns + 1;
        b1 = std::min(kb, ((range->hi - 1) / kBatchColumns + 1) * kBatchColumns);
    }
    const ItemPtr source =
        b0 == 1 && b1 == kb ? range->source
                            : std::make_shared<const Item>(
                                  "rightIndex", "2racr",
                                  std::vector<ItemPtr>{range->source, literal_index(b0), literal_index(b1)});
    const ItemPtr batch_item =
        trans_left ? matmult_trans_left_item(left, source) : matmult_item(left, source);
    const int64_t out_rows = trans_left ? a.cols() : a.rows();
    MatrixPtr batch = t.cached(batch_item);
    if (!batch) {
        // Only where later iterations will ask for other columns of the same batch: the target follows
        // the loop variable while B and the left operand stay (loop-invariant live variables).
        // The first request of a batch runs as it is (it may be the only one).
        BatchLog &log = BatchLog::instance();
        if (!t.loop_dependent() || b1 - b0 <= range->hi - range->lo ||
            out_rows * (b1 - b0 + 1) > kMaxBatchCells || !t.loop_invariant(range->source) ||
            !t.loop_invariant(left) || log.declined(batch_item->hash(), t.cache()))
            return nullptr;
        if (!sweep_under_way(t, log.request(batch_item->hash(), t.item_ptr()))) return nullptr;
        const auto t0 = std::chrono::steady_clock::now();
        MatrixPtr part = b0 == 1 && b1 == kb ? b : columns(*b, b0 - 1, b1);
        batch = trans_left ? kernels::matmult_trans_left(a, *part) : kernels::matmult(a, *part);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        t.cache().put(batch_item, Value(batch), dt);
        if (!t.cached(batch_item)) log.decline(batch_item->hash(), t.cache());
    }
    if (batch->rows() != out_rows || batch->cols() != b1 - b0 + 1) return nullptr;
    return columns(*batch, range->lo - b0, range->hi - b0 + 1);
}

MatrixPtr mm_col_slice_batch(const Target &t) {
    const Item &it = t.item();
    const bool trans_left = is_op(it, "ba+*", "3") && it.inputs().size() == 2;
    if (!trans_left && !is_plain_matmult(it)) return nullptr;
    MatrixPtr a = t.operand(0);
    return a ? batched_slice_product(t, t.input(0), *a, *t.input(1), trans_left) : nullptr;
}

} // namespace linea::lineage::partial
