#include "runtime/lineage/cache.h"

#include <algorithm>
#include <cstdio>
#include <unordered_set>

namespace linea::lineage {

std::string CacheStats::text() const {
    char buf[1024];
    std::snprintf(buf, sizeof buf,
                  "LinCache hits (Mem/FS/Del): \t%lld/%lld/%lld.\n"
                  "LinCache MultiLevel (Ins/SB/Fn):%lld/%lld/%lld.\n"
                  "LinCache writes (Mem/FS/Del): \t%lld/%lld/%lld.\n"
                  "LinCache FStimes (Rd/Wr): \t%.3f/%.3f sec.\n"
                  "LinCache Computetime (S/M/P): \t%.3f/%.3f/%.3f sec.\n"
                  "LinCache Rewrites:    \t\t%lld.\n"
                  "LinCache Binds not run:\t\t%lld.\n"
                  "LinCache entries (count/bytes): \t%lld/%lld.\n",
                  static_cast<long long>(hits_mem), static_cast<long long>(hits_fs),
                  static_cast<long long>(hits_del), static_cast<long long>(ml_ins),
                  static_cast<long long>(ml_sb), static_cast<long long>(ml_fn),
                  static_cast<long long>(writes_mem), static_cast<long long>(writes_fs),
                  static_cast<long long>(writes_del), fs_read_s, fs_write_s, saved_s, missed_s, probe_s,
                  static_cast<long long>(rewrites), static_cast<long long>(binds_skipped),
                  static_cast<long long>(entries), static_cast<long long>(bytes));
    return buf;
}

Cache::Cache(size_t budget_bytes, EvictionPolicy policy, SpillMode spill, std::string spill_parent)
    : spill_mode_(spill), spill_(std::move(spill_parent)), budget_(budget_bytes), policy_(policy) {}

// The SpillStore member removes the spill directory with every file in it.
Cache::~Cache() = default;

size_t Cache::size_of(const Value &v) {
    if (v.is_matrix()) return v.matrix()->size_in_bytes() + 64;
    return 32;
}

Cache::Entry *Cache::find(const ItemPtr &item) {
    auto it = map_.find(item->hash());
    if (it == map_.end()) return nullptr;
    for (Entry &e : it->second)
        if (e.item == item || Item::equal(*e.item, *item)) return &e;
    return nullptr;
}

bool Cache::is_spilled(const ItemPtr &item) const {
    auto it = spilled_.find(item->hash());
    if (it == spilled_.end()) return false;
    for (const Spilled &s : it->second)
        if (s.item == item || Item::equal(*s.item, *item)) return true;
    return false;
}

Cache::Entry *Cache::reload(const ItemPtr &item) {
    auto it = spilled_.find(item->hash());
    if (it == spilled_.end()) return nullptr;
    auto &list = it->second;
    size_t i = 0;
    while (i < list.size() && list[i].item != item && !Item::equal(*list[i].item, *item)) ++i;
    if (i == list.size()) return nullptr;
    Spilled s = std::move(list[i]);
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
    if (list.empty()) spilled_.erase(it);
    // A group comes back whole or not at all: after an unreadable file the remaining ones are removed.
    std::vector<Value> values;
    for (size_t k = 0; k <= s.rest_paths.size(); ++k) {
        const std::string &path = k == 0 ? s.path : s.rest_paths[k - 1];
        if (values.size() < k) {
            spill_.remove(path);
            continue;
        }
        double seconds = 0;
        MatrixPtr m = spill_.read(path, seconds);
        stats_.fs_read_s += seconds;
        if (m) values.emplace_back(std::move(m));
    }
    if (values.size() != s.rest_paths.size() + 1) {
        evicted_[item->hash()]++; // unreadable (removed or corrupt): now simply gone
        return nullptr;
    }
    // Back in memory: room is made by policy (possibly spilling others; this entry is not a victim yet).
    evict_for(s.bytes);
    auto &entries = map_[s.item->hash()];
    Value first = std::move(values.front());
    values.erase(values.begin());
    entries.push_back(
        Entry{s.item, std::move(first), s.compute_s, s.bytes, s.hits, ++clock_, s.bound, std::move(values)});
    used_ += s.bytes;
    stats_.entries++;
    return &entries.back();
}

void Cache::evict(Entry &&victim, uint64_t hash) {
    used_ -= victim.bytes;
    stats_.entries--;
    bool matrix = victim.value.is_matrix();
    for (const Value &v : victim.rest) matrix = matrix && v.is_matrix();
    const bool pays =
        spill_mode_ == SpillMode::Always ||
        (spill_mode_ == SpillMode::Auto && victim.compute_s > spill_.round_trip_seconds(victim.bytes));
    if (matrix && pays && spill_mode_ != SpillMode::Never) {
        // A group is spilled whole (one file per output) or dropped whole.
        std::vector<std::string> paths;
        for (size_t k = 0; k <= victim.rest.size(); ++k) {
            const Value &v = k == 0 ? victim.value : victim.rest[k - 1];
            double seconds = 0;
            std::optional<std::string> path = spill_.write(*v.matrix(), seconds);
            stats_.fs_write_s += seconds;
            if (!path) break;
            paths.push_back(std::move(*path));
        }
        if (paths.size() == victim.rest.size() + 1) {
            const std::string first = paths.front();
            paths.erase(paths.begin());
            spilled_[hash].push_back(Spilled{victim.item, first, victim.compute_s, victim.bytes, victim.hits,
                                             victim.bound, std::move(paths)});
            stats_.writes_fs++;
            return;
        }
        for (const std::string &p : paths) spill_.remove(p);
    }
    evicted_[hash]++;
    stats_.writes_del++;
}

bool Cache::contains(const ItemPtr &item) {
    std::lock_guard lock(mutex_);
    return find(item) != nullptr || is_spilled(item);
}

void Cache::note_function_hit() {
    std::lock_guard lock(mutex_);
    stats_.ml_fn++;
}

void Cache::note_block_hit() {
    std::lock_guard lock(mutex_);
    stats_.ml_sb++;
}

void Cache::count_hit(Entry &e, Level level, bool from_disk) {
    e.hits++;
    e.last_use = ++clock_;
    (from_disk ? stats_.hits_fs : stats_.hits_mem)++;
    if (level == Level::Instruction) stats_.ml_ins++;
    stats_.saved_s += e.compute_s;
}

std::optional<Value> Cache::probe(const ItemPtr &item, Level level) {
    std::lock_guard lock(mutex_);
    if (Entry *e = find(item)) {
        count_hit(*e, level);
        return e->value;
    }
    if (Entry *e = reload(item)) {
        count_hit(*e, level, true);
        return e->value;
    }
    if (evicted_.count(item->hash())) stats_.hits_del++;
    return std::nullopt;
}

std::optional<std::pair<Value, ItemPtr>> Cache::probe_bound(const ItemPtr &item, Level level) {
    std::lock_guard lock(mutex_);
    Entry *e = find(item);
    const bool from_disk = !e;
    if (!e) e = reload(item);
    if (!e) {
        if (evicted_.count(item->hash())) stats_.hits_del++;
        return std::nullopt;
    }
    count_hit(*e, level, from_disk);
    return std::make_pair(e->value, e->bound ? e->bound : e->item);
}

std::shared_ptr<Cache::Pending> Cache::find_pending(const ItemPtr &item, bool take) {
    auto it = pending_.find(item->hash());
    if (it == pending_.end()) return nullptr;
    auto &list = it->second;
    for (size_t i = 0; i < list.size(); ++i) {
        if (list[i]->item != item && !Item::equal(*list[i]->item, *item)) continue;
        std::shared_ptr<Pending> p = list[i];
        if (take) {
            list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
            if (list.empty()) pending_.erase(it);
        }
        return p;
    }
    return nullptr;
}

std::optional<Value> Cache::acquire(const ItemPtr &item, Level level) {
    std::unique_lock lock(mutex_);
    while (true) {
        if (Entry *e = find(item)) {
            count_hit(*e, level);
            return e->value;
        }
        if (Entry *e = reload(item)) {
            count_hit(*e, level, true);
            return e->value;
        }
        std::shared_ptr<Pending> p = find_pending(item, false);
        if (!p) {
            if (evicted_.count(item->hash())) stats_.hits_del++;
            auto own = std::make_shared<Pending>();
            own->item = item;
            pending_[item->hash()].push_back(std::move(own));
            return std::nullopt; // the caller computes it
        }
        cv_.wait(lock, [&] { return p->done || p->failed; });
        if (p->done) {
            stats_.hits_mem++;
            if (level == Level::Instruction) stats_.ml_ins++;
            return p->value;
        }
        // The computation failed: try again (this thread may become the one computing it).
    }
}

std::optional<std::vector<Value>> Cache::acquire_group(const ItemPtr &item, size_t n, Level level) {
    std::unique_lock lock(mutex_);
    auto whole = [n](const Value &first,
                     const std::vector<Value> &rest) -> std::optional<std::vector<Value>> {
        if (rest.size() + 1 != n) return std::nullopt;
        std::vector<Value> out;
        out.reserve(n);
        out.push_back(first);
        out.insert(out.end(), rest.begin(), rest.end());
        return out;
    };
    while (true) {
        Entry *e = find(item);
        const bool from_disk = !e;
        if (!e) e = reload(item);
        if (e) {
            std::optional<std::vector<Value>> out = whole(e->value, e->rest);
            if (out) count_hit(*e, level, from_disk);
            return out; // an entry of another shape (never a partial hit): the caller computes, no
                        // placeholder
        }
        std::shared_ptr<Pending> p = find_pending(item, false);
        if (!p) {
            if (evicted_.count(item->hash())) stats_.hits_del++;
            auto own = std::make_shared<Pending>();
            own->item = item;
            pending_[item->hash()].push_back(std::move(own));
            return std::nullopt; // the caller computes it
        }
        cv_.wait(lock, [&] { return p->done || p->failed; });
        if (p->done) {
            std::optional<std::vector<Value>> out = whole(p->value, p->rest);
            if (out) {
                stats_.hits_mem++;
                if (level == Level::Instruction) stats_.ml_ins++;
            }
            return out;
        }
    }
}

void Cache::put_group(const ItemPtr &item, std::vector<Value> values, double compute_seconds) {
    if (values.empty()) return;
    size_t bytes = 0;
    for (const Value &v : values) bytes += size_of(v);
    Value first = values.front();
    values.erase(values.begin());
    std::lock_guard lock(mutex_);
    if (std::shared_ptr<Pending> p = find_pending(item, true)) {
        p->value = first;
        p->rest = values;
        p->done = true;
        cv_.notify_all();
    }
    if (bytes > budget_) return; // larger than the whole budget: never cached
    if (find(item) || is_spilled(item)) return;
    if (!admit(*item, bytes, compute_seconds)) return;
    evict_for(bytes);
    map_[item->hash()].push_back(
        Entry{item, std::move(first), compute_seconds, bytes, 0, ++clock_, nullptr, std::move(values)});
    used_ += bytes;
    stats_.writes_mem++;
    stats_.entries++;
}

void Cache::abandon(const ItemPtr &item) {
    std::lock_guard lock(mutex_);
    if (std::shared_ptr<Pending> p = find_pending(item, true)) {
        p->failed = true;
        cv_.notify_all();
    }
}

size_t Cache::pending() const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto &[h, list] : pending_) n += list.size();
    return n;
}

double Cache::score(const Entry &e) const {
    if (policy_ == EvictionPolicy::Lru) return static_cast<double>(e.last_use);
    if (policy_ == EvictionPolicy::DagHeight)
        return -static_cast<double>(e.item->height()) * 1e12 + static_cast<double>(e.last_use);
    // cost & size: compute time per byte, boosted by hits; recency breaks ties.
    return (e.compute_s * (1.0 + static_cast<double>(e.hits))) /
               static_cast<double>(std::max<size_t>(e.bytes, 1)) +
           1e-18 * static_cast<double>(e.last_use);
}

void Cache::evict_for(size_t bytes) {
    if (used_ + bytes <= budget_) return;
    // One scoring pass per eviction round, victims in policy order. With many entries the round also frees
    // a tenth of the budget, so the following puts do not rescan the cache (a scan per put made a full
    // cache of many small entries quadratic).
    const size_t headroom = stats_.entries > 64 ? budget_ / 10 : 0;
    const size_t limit = budget_ > headroom + bytes ? budget_ - headroom - bytes : 0;
    struct Victim {
        double score;
        uint64_t hash;
        const Item *item;
    };
    std::vector<Victim> order;
    order.reserve(static_cast<size_t>(std::max<int64_t>(stats_.entries, 0)));
    for (auto &[h, entries] : map_)
        for (const Entry &e : entries) order.push_back(Victim{score(e), h, e.item.get()});
    std::stable_sort(order.begin(), order.end(),
                     [](const Victim &a, const Victim &b) { return a.score < b.score; });
    for (const Victim &v : order) {
        if (used_ <= limit) break;
        auto it = map_.find(v.hash);
        if (it == map_.end()) continue;
        auto &entries = it->second;
        for (size_t i = 0; i < entries.size(); ++i) {
            if (entries[i].item.get() != v.item) continue;
            Entry victim = std::move(entries[i]);
            entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
            if (entries.empty()) map_.erase(it);
            evict(std::move(victim), v.hash);
            break;
        }
    }
}

bool Cache::admit(const Item &item, size_t bytes, double compute_seconds) {
    // A large value produced faster than kCheapBytesPerSecond (page faults on fresh memory included)
    // (cell-wise ops, slices, cbind) costs more to keep (memory that later results cannot reuse) than to
    // recompute once: it is cached only when its lineage comes around a second time, so loop intermediates
    // that never repeat are never stored.
    constexpr double kCheapBytesPerSecond = 2.5e8;
    constexpr size_t kSmallBytes = 4096;
    if (bytes < kSmallBytes || compute_seconds * kCheapBytesPerSecond >= static_cast<double>(bytes))
        return true;
    if (seen_.size() > (1u << 20)) seen_.clear(); // bounded memory; forgetting only delays caching
    if (seen_.insert(item.hash()).second) {
        stats_.delayed++;
        return false;
    }
    return true;
}

void Cache::put(const ItemPtr &item, const Value &value, double compute_seconds, ItemPtr bound) {
    const size_t bytes = size_of(value);
    std::lock_guard lock(mutex_);
    if (std::shared_ptr<Pending> p = find_pending(item, true)) {
        p->value = value;
        p->done = true;
        cv_.notify_all();
    }
    if (bytes > budget_) return; // larger than the whole budget: never cached
    if (find(item) || is_spilled(item)) return;
    if (!admit(*item, bytes, compute_seconds)) return;
    evict_for(bytes);
    map_[item->hash()].push_back(
        Entry{item, value, compute_seconds, bytes, 0, ++clock_, std::move(bound), {}});
    used_ += bytes;
    stats_.writes_mem++;
    stats_.entries++;
}

void Cache::note_probe_time(double s) {
    std::lock_guard lock(mutex_);
    stats_.probe_s += s;
}

std::optional<Value> Cache::peek(const ItemPtr &item) {
    std::lock_guard lock(mutex_);
    Entry *e = find(item);
    if (!e) e = reload(item);
    if (e) {
        e->last_use = ++clock_;
        return e->value;
    }
    return std::nullopt;
}

std::vector<ItemPtr> Cache::items_where(const std::function<bool(const Item &)> &pred) const {
    std::lock_guard lock(mutex_);
    std::vector<ItemPtr> out;
    for (const auto &[h, entries] : map_)
        for (const Entry &e : entries)
            if (pred(*e.item)) out.push_back(e.item);
    for (const auto &[h, list] : spilled_)
        for (const Spilled &s : list)
            if (pred(*s.item)) out.push_back(s.item);
    return out;
}

void Cache::note_rewrite() {
    std::lock_guard lock(mutex_);
    stats_.rewrites++;
}

void Cache::note_skipped_bind() {
    std::lock_guard lock(mutex_);
    stats_.binds_skipped++;
}

size_t Cache::spilled() const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto &[h, list] : spilled_) n += list.size();
    return n;
}

std::string Cache::spill_directory() const {
    std::lock_guard lock(mutex_);
    return spill_.directory();
}

CacheStats Cache::stats() const {
    std::lock_guard lock(mutex_);
    CacheStats s = stats_;
    s.bytes = static_cast<int64_t>(used_);
    return s;
}

bool reusable_opcode(const std::string &opcode) {
    // Deterministic compute opcodes whose results are worth keeping (SystemDS spelling).
    static const std::unordered_set<std::string> ops = {
        "ba+*",     "tsmm",    "mmchain", "r'",      "rev",      "rdiag",   "solve",      "inv",
        "cholesky", "det",     "eigen",   "lu",      "qr",       "svd",     "uak+",       "uark+",
        "uack+",    "uasqk+",  "uamean",  "uarmean", "uacmean",  "uamax",   "uamin",      "uarmax",
        "uarmin",   "uacmax",  "uacmin",  "uavar",   "uarvar",   "uacvar",  "uasd",       "uarsd",
        "uacsd",    "ua*",     "uar*",    "uac*",    "uaktrace", "uarimax", "uarimin",    "+",
        "-",        "*",       "/",       "^",       "%/%",      "%%",      "min",        "max",
        "nmin",     "nmax",    "<",       "<=",      ">",        ">=",      "==",         "!=",
        "&&",       "||",      "u-",      "!",       "exp",      "log",     "sqrt",       "abs",
        "round",    "floor",   "ceil",    "sign",    "sin",      "cos",     "tan",        "asin",
        "acos",     "atan",    "sinh",    "cosh",    "tanh",     "sigmoid", "rightIndex", "cbind",
        "rbind",    "ucumk+",  "ucum*",   "ucummin", "ucummax",  "ctable",  "groupedagg", "sort",
        "rmempty",  "replace", "qsort",   "qpick",   "median",   "cm",      "cov",        "outer",
        "xor",      "read"};
    return ops.count(opcode) > 0;
}

} // namespace linea::lineage
