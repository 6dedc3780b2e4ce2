// The lineage cache: intermediates keyed by their lineage, with a memory budget and eviction.
#pragma once

#include "runtime/data/value.h"
#include "runtime/lineage/item.h"
#include "runtime/lineage/spill.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace linea::lineage {

/// None: no reuse. Full: instruction-level reuse. MultiLevel: also whole function calls.
enum class ReuseMode { None, Full, MultiLevel };
/// CostNSize: evict the lowest compute time per byte (boosted by hits) first. Lru: least recently used
/// first. DagHeight: the deepest lineage first (items near the leaves, like t(X)%*%X of an input, are the
/// ones later computations share), ties least recently used first.
enum class EvictionPolicy { CostNSize, Lru, DagHeight };

struct CacheStats {
    int64_t hits_mem = 0, hits_fs = 0, hits_del = 0;
    int64_t ml_ins = 0, ml_sb = 0, ml_fn = 0;
    int64_t writes_mem = 0, writes_fs = 0, writes_del = 0;
    double fs_read_s = 0, fs_write_s = 0;
    double saved_s = 0, missed_s = 0, probe_s = 0;
    int64_t rewrites = 0;
    int64_t binds_skipped = 0; ///< cbind/rbind outputs never formed: their reader was served by a plan
    int64_t entries = 0;
    int64_t delayed = 0; ///< cheap values not stored on their first occurrence
    int64_t bytes = 0;
    /// The SystemDS-style `LinCache ...` lines of -stats.
    std::string text() const;
};

/// Thread-safe cache of immutable values by lineage item.
class Cache {
public:
    /// `spill_parent`: where the private spill directory is created ("" = $TMPDIR, else /tmp).
    explicit Cache(size_t budget_bytes, EvictionPolicy policy = EvictionPolicy::CostNSize,
                   SpillMode spill = SpillMode::Auto, std::string spill_parent = "");
    /// Removes the spill files (also when the program stopped with an error: the owner unwinds).
    ~Cache();
    Cache(const Cache &) = delete;
    Cache &operator=(const Cache &) = delete;

    /// The cached value for an equal item, if any (counts a hit and the compute time it saves).
    /// `level` says which MultiLevel counter a hit goes to: instruction hits count one each; function and
    /// statement-block hits are counted once per skipped call or block (note_function_hit/note_block_hit).
    enum class Level { Instruction, Function, Block };
    std::optional<Value> probe(const ItemPtr &item, Level level = Level::Instruction);
    /// probe() that also returns the lineage item to bind to the value: the one given to put() as
    /// `bound`, else the key itself.
    std::optional<std::pair<Value, ItemPtr>> probe_bound(const ItemPtr &item, Level level);
    /// Like probe() but counts nothing (used to check all outputs of a call before reusing any).
    bool contains(const ItemPtr &item);
    /// Counts one reuse of a whole function call.
    void note_function_hit();
    /// Counts one reuse of a whole statement block.
    void note_block_hit();
    /// Offers a freshly computed value; kept if it fits the budget (evicting others by policy). Also
    /// completes a placeholder for `item`: threads waiting in acquire() receive the value (even when it
    /// is too large to be cached).
    /// `bound`: the lineage a hit gives the value (statement-block outputs keep their instruction-level
    /// trace); nullptr = the key.
    void put(const ItemPtr &item, const Value &value, double compute_seconds, ItemPtr bound = nullptr);

    /// probe() for concurrent workers: a cached value is returned as a hit; if another thread holds a
    /// placeholder for an equal item (it is computing it), waits for its result and returns that (a
    /// hit). Otherwise inserts a placeholder and returns nullopt: the caller computes the value and must
    /// then call put() (success) or abandon() (failure, e.g. an exception) exactly once for this item.
    /// Waiters of an abandoned placeholder retry (one of them computes). Never waits on its own
    /// placeholder... as long as a thread does not acquire an item it is itself computing.
    std::optional<Value> acquire(const ItemPtr &item, Level level = Level::Instruction);
    /// acquire() for an instruction with `n` outputs (eigen, lu, qr, svd): the group is keyed by the first
    /// output's item and stored, evicted, spilled and reloaded as one entry, so a hit returns all `n`
    /// values (in output order) and there is never a partial hit. A hit counts once. On nullopt the
    /// caller holds the placeholder of `item` and must put_group() or abandon() it.
    std::optional<std::vector<Value>> acquire_group(const ItemPtr &item, size_t n,
                                                    Level level = Level::Instruction);
    /// put() for a group: all outputs of one instruction (all matrices), under the first output's item.
    void put_group(const ItemPtr &item, std::vector<Value> values, double compute_seconds);
    /// Releases the placeholder of `item` without a value (waiters retry).
    void abandon(const ItemPtr &item);
    /// Placeholders currently held (computations in flight).
    size_t pending() const;
    /// Entries currently spilled to disk, and the spill directory ("" if nothing was ever spilled).
    size_t spilled() const;
    std::string spill_directory() const;

    CacheStats stats() const;
    void note_probe_time(double s);

    // ---- for partial reuse (runtime/lineage/partial/)
    /// The cached value for an equal item without counting a hit (a cached relative used by a
    /// compensation plan, or an operand looked up by lineage); refreshes its recency.
    std::optional<Value> peek(const ItemPtr &item);
    /// The cached items for which `pred` holds (pred runs under the cache lock: it must not call the cache).
    std::vector<ItemPtr> items_where(const std::function<bool(const Item &)> &pred) const;
    /// Counts one result computed by a compensation plan (`LinCache Rewrites`).
    void note_rewrite();
    /// Counts one cbind/rbind that did not run: a compensation plan served its only reader from its parts.
    void note_skipped_bind();

private:
    struct Entry {
        ItemPtr item;
        Value value;
        double compute_s = 0;
        size_t bytes = 0;
        int64_t hits = 0;
        uint64_t last_use = 0;
        ItemPtr bound;           ///< lineage bound to the value on a hit (nullptr: item)
        std::vector<Value> rest; ///< the further outputs of a group entry (acquire_group), in order
    };
    /// A computation in flight: waiters block on `cv_` until done or failed.
    struct Pending {
        ItemPtr item;
        bool done = false, failed = false;
        Value value;
        std::vector<Value> rest; ///< further outputs of a group (put_group)
    };
    /// An evicted entry whose value waits in a spill file.
    struct Spilled {
        ItemPtr item;
        std::string path;
        double compute_s = 0;
        size_t bytes = 0;
        int64_t hits = 0;
        ItemPtr bound;
        std::vector<std::string> rest_paths; ///< the files of a group's further outputs
    };
    /// The entry equal to `item`, or nullptr (the caller holds the mutex).
    Entry *find(const ItemPtr &item);
    /// The spilled entry equal to `item` read back into memory (an entry again, its file removed), or
    /// nullptr when there is none or its file cannot be read (the mutex is held).
    Entry *reload(const ItemPtr &item);
    /// Whether the spilled record equal to `item` exists (mutex held).
    bool is_spilled(const ItemPtr &item) const;
    /// Removes `victim` from memory: spilled to disk when that pays (SpillMode), else dropped.
    void evict(Entry &&victim, uint64_t hash);
    /// The placeholder equal to `item` (removed from the table if `take`), or nullptr (mutex held).
    std::shared_ptr<Pending> find_pending(const ItemPtr &item, bool take);
    void count_hit(Entry &e, Level level, bool from_disk = false);
    static size_t size_of(const Value &v);
    void evict_for(size_t bytes);
    /// Whether a computed value is stored now (expensive or small) or only on its lineage's next
    /// occurrence (large and cheap to recompute).
    bool admit(const Item &item, size_t bytes, double compute_seconds);
    double score(const Entry &e) const;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::unordered_map<uint64_t, std::vector<std::shared_ptr<Pending>>> pending_;
    std::unordered_map<uint64_t, std::vector<Entry>> map_;
    std::unordered_set<uint64_t> seen_;         ///< hashes of cheap values offered once (delayed caching)
    std::unordered_map<uint64_t, int> evicted_; ///< hashes of dropped entries, for Del hits
    std::unordered_map<uint64_t, std::vector<Spilled>> spilled_;
    SpillMode spill_mode_;
    SpillStore spill_;
    size_t budget_;
    size_t used_ = 0;
    uint64_t clock_ = 0;
    EvictionPolicy policy_;
    CacheStats stats_;
};

/// Whether instructions with this opcode may be reused from the cache (deterministic compute opcodes).
bool reusable_opcode(const std::string &opcode);

} // namespace linea::lineage
