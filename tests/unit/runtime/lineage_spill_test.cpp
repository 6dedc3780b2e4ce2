// Spilling of the lineage cache: evicted entries written to disk, reloaded on a hit, files removed.
#include "../compiler/compile_util.h"
#include "kernels/ops.h"
#include "runtime/lineage/cache.h"
#include "runtime/lineage/item.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using linea::lineage::Cache;
using linea::lineage::EvictionPolicy;
using linea::lineage::Item;
using linea::lineage::ItemPtr;
using linea::lineage::SpillMode;

ItemPtr key(const std::string &name) {
    return std::make_shared<const Item>(name, "", std::vector<ItemPtr>{});
}

/// A fresh empty directory under the system temp directory (the parent of the cache's spill directory),
/// removed at the end of the test.
struct Scratch {
    std::string path;
    explicit Scratch(const std::string &name)
        : path((fs::temp_directory_path() / ("linea_spill_" + name + "_" + std::to_string(getpid())))
                   .string()) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() { fs::remove_all(path); }
};

size_t files_under(const std::string &dir) {
    size_t n = 0;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) n++;
    return n;
}

/// A dense 10x10 block with awkward cells (-0.0, NaN, infinities, denormals) that must survive bit for bit.
linea::MatrixPtr awkward(double base) {
    auto m = linea::kernels::MatrixBlock::uninitialized(10, 10);
    double *d = m->mutable_data();
    for (int i = 0; i < 100; ++i) d[i] = base + std::sin(i) * 1e-3 * i;
    d[1] = -0.0;
    d[2] = std::numeric_limits<double>::quiet_NaN();
    d[3] = std::numeric_limits<double>::infinity();
    d[4] = -std::numeric_limits<double>::infinity();
    d[5] = std::numeric_limits<double>::denorm_min();
    m->recompute_nnz();
    return m;
}

bool bit_identical(const linea::kernels::MatrixBlock &a, const linea::kernels::MatrixBlock &b) {
    if (a.rows() != b.rows() || a.cols() != b.cols() || a.is_sparse() != b.is_sparse() || a.nnz() != b.nnz())
        return false;
    if (!a.is_sparse()) return std::memcmp(a.data(), b.data(), a.size_in_bytes()) == 0;
    return std::memcmp(a.row_ptr(), b.row_ptr(), static_cast<size_t>(a.rows() + 1) * 8) == 0 &&
           std::memcmp(a.col_idx(), b.col_idx(), static_cast<size_t>(a.nnz()) * 4) == 0 &&
           std::memcmp(a.values(), b.values(), static_cast<size_t>(a.nnz()) * 8) == 0;
}

constexpr size_t kEntry = 8 * 100 + 64; // the cache's size of a 10x10 dense block

TEST(LineageSpill, EvictedEntriesAreReloadedBitIdentical) {
    const Scratch dir("reload");
    const std::string &parent = dir.path;
    linea::MatrixPtr a = awkward(1), b = awkward(2);
    {
        Cache cache(kEntry, EvictionPolicy::Lru, SpillMode::Always, parent);
        cache.put(key("a"), linea::Value(a), 1e-6);
        cache.put(key("b"), linea::Value(b), 1e-6); // evicts a: spilled
        auto s = cache.stats();
        EXPECT_EQ(s.writes_fs, 1);
        EXPECT_EQ(cache.spilled(), 1u);
        EXPECT_EQ(files_under(parent), 1u);
        std::optional<linea::Value> hit = cache.probe(key("a")); // read back; b goes to disk instead
        ASSERT_TRUE(hit.has_value());
        EXPECT_TRUE(bit_identical(*hit->matrix(), *a));
        EXPECT_NE(hit->matrix().get(), a.get()); // really from the file
        hit = cache.probe(key("b"));
        ASSERT_TRUE(hit.has_value());
        EXPECT_TRUE(bit_identical(*hit->matrix(), *b));
        s = cache.stats();
        EXPECT_EQ(s.hits_fs, 2);
        EXPECT_EQ(s.hits_mem, 0);
        EXPECT_EQ(s.ml_ins, 2);
        EXPECT_EQ(s.writes_fs, 3);
        EXPECT_GE(s.fs_write_s, 0.0);
        EXPECT_GT(s.fs_read_s, 0.0);
        EXPECT_EQ(files_under(parent), 1u); // reloaded files are removed: only a's latest spill is there
        EXPECT_TRUE(cache.contains(key("a")) && cache.contains(key("b")));
    }
    EXPECT_EQ(files_under(parent), 0u);                          // removed with the cache
    EXPECT_TRUE(fs::is_empty(parent)) << "spill directory left"; // and its directory
}

TEST(LineageSpill, SparseBlocksRoundTrip) {
    const Scratch dir("sparse");
    const std::string &parent = dir.path;
    linea::MatrixPtr s = linea::kernels::rand(200, 300, -1, 1, 0.02, linea::kernels::RandPdf::Uniform, 0, 9);
    ASSERT_TRUE(s->is_sparse());
    const size_t budget = s->size_in_bytes() + 64;
    Cache cache(budget, EvictionPolicy::Lru, SpillMode::Always, parent);
    cache.put(key("s"), linea::Value(s), 1.0); // expensive: admitted at once (not delayed)
    cache.put(key("t"), linea::Value(linea::kernels::fill(2, 2, 1.0)), 1e-6); // evicts s
    EXPECT_EQ(cache.spilled(), 1u);
    std::optional<linea::Value> hit = cache.probe(key("s"));
    ASSERT_TRUE(hit.has_value());
    EXPECT_TRUE(bit_identical(*hit->matrix(), *s));
}

TEST(LineageSpill, AutoSpillsOnlyWhatIsSlowerToRecomputeThanTheDiskRoundTrip) {
    const Scratch dir("auto");
    const std::string &parent = dir.path;
    Cache cache(2 * kEntry, EvictionPolicy::Lru, SpillMode::Auto, parent);
    cache.put(key("costly"), linea::Value(awkward(1)), 10.0); // 10 s to compute 864 bytes: spill
    cache.put(key("cheap"), linea::Value(awkward(2)), 1e-9);  // 1 ns: dropping is cheaper
    cache.put(key("c"), linea::Value(awkward(3)), 1e-9);
    cache.put(key("d"), linea::Value(awkward(4)), 1e-9);
    auto s = cache.stats();
    EXPECT_EQ(s.writes_fs, 1);
    EXPECT_EQ(s.writes_del, 1);
    EXPECT_TRUE(cache.probe(key("costly")).has_value());
    EXPECT_FALSE(cache.probe(key("cheap")).has_value());
    s = cache.stats();
    EXPECT_EQ(s.hits_fs, 1);
    EXPECT_EQ(s.hits_del, 1);
    // Never: nothing goes to disk.
    Cache never(kEntry, EvictionPolicy::Lru, SpillMode::Never, parent);
    never.put(key("costly"), linea::Value(awkward(1)), 10.0);
    never.put(key("other"), linea::Value(awkward(2)), 10.0);
    EXPECT_EQ(never.stats().writes_fs, 0);
    EXPECT_EQ(never.spill_directory(), "");
}

TEST(LineageSpill, AValueInUseStaysValidWhenItsEntryIsSpilled) {
    // Entries hold shared immutable blocks: eviction drops only the cache's reference, so a value that a
    // running instruction obtained from the cache is never freed or changed under it.
    const Scratch dir("inuse");
    const std::string &parent = dir.path;
    Cache cache(kEntry, EvictionPolicy::Lru, SpillMode::Always, parent);
    linea::MatrixPtr a = awkward(5);
    const linea::kernels::MatrixBlock copy(*a);
    cache.put(key("a"), linea::Value(a), 1.0);
    std::optional<linea::Value> held = cache.probe(key("a"));
    a.reset();
    cache.put(key("b"), linea::Value(awkward(6)), 1.0); // spills a while `held` uses it
    EXPECT_EQ(cache.spilled(), 1u);
    EXPECT_TRUE(bit_identical(*held->matrix(), copy));
}

TEST(LineageSpill, FilesAreRemovedWhenTheProgramStopsWithAnError) {
    const Scratch dir("error");
    const std::string &parent = dir.path;
    // Three 20x20 products (3264 bytes each) under a 4000-byte budget: each evicts (spills) the previous.
    auto cp = linea::test::compile_text("X = rand(rows=20, cols=20, seed=1)\nA = t(X) %*% X\nB = X %*% X\n"
                                        "C = X %*% A\nprint(sum(A) + sum(B) + sum(C))\n"
                                        "stop(\"failed on purpose\")\n");
    std::ostringstream out;
    linea::rt::RuntimeStats stats;
    linea::rt::RuntimeOptions ro;
    ro.lineage = true;
    ro.reuse = linea::lineage::ReuseMode::Full;
    bool threw = false;
    size_t during = 0;
    try {
        Cache cache(4000, EvictionPolicy::CostNSize, SpillMode::Always, parent);
        linea::rt::ExecContext ctx(*cp->runtime, out, stats, ro);
        ctx.set_cache(&cache);
        struct Count {
            Cache &c;
            size_t &n;
            ~Count() { n = c.spilled(); }
        } count{cache, during};
        linea::rt::run_program(*cp->runtime, ctx);
    } catch (const std::exception &) {
        threw = true;
    }
    EXPECT_TRUE(threw);
    EXPECT_GT(during, 0u); // something was spilled before the error
    EXPECT_EQ(files_under(parent), 0u);
    EXPECT_TRUE(fs::is_empty(parent));
}

} // namespace

namespace {

TEST(LineageSpill, MultiOutputGroupsSpillAndReloadWhole) {
    const Scratch dir("group");
    const std::string &parent = dir.path;
    linea::MatrixPtr a = awkward(1), b = awkward(2), c = awkward(3);
    {
        Cache cache(2 * kEntry, EvictionPolicy::Lru, SpillMode::Always, parent);
        cache.put_group(key("g"), {linea::Value(a), linea::Value(b)}, 1e-6);
        cache.put(key("c"), linea::Value(c), 1e-6); // evicts the whole group: two files, one entry
        EXPECT_EQ(cache.spilled(), 1u);
        EXPECT_EQ(files_under(parent), 2u);
        EXPECT_EQ(cache.stats().writes_fs, 1);
        std::optional<std::vector<linea::Value>> hit = cache.acquire_group(key("g"), 2);
        ASSERT_TRUE(hit.has_value());
        ASSERT_EQ(hit->size(), 2u);
        EXPECT_TRUE(bit_identical(*(*hit)[0].matrix(), *a));
        EXPECT_TRUE(bit_identical(*(*hit)[1].matrix(), *b));
        EXPECT_EQ(cache.stats().hits_fs, 1);
        EXPECT_EQ(files_under(parent), 1u); // the group's files are removed; c went to disk instead
        EXPECT_EQ(cache.pending(), 0u);
    }
    EXPECT_TRUE(fs::is_empty(parent));
}

TEST(LineageSpill, AGroupWithAMissingFileIsGoneWhole) {
    const Scratch dir("group_missing");
    Cache cache(2 * kEntry, EvictionPolicy::Lru, SpillMode::Always, dir.path);
    cache.put_group(key("g"), {linea::Value(awkward(1)), linea::Value(awkward(2))}, 1e-6);
    cache.put(key("c"), linea::Value(awkward(3)), 1e-6);
    ASSERT_EQ(files_under(dir.path), 2u);
    // Remove one of the group's files: the group must not come back partially.
    for (const auto &e : fs::recursive_directory_iterator(dir.path))
        if (e.is_regular_file()) {
            fs::remove(e.path());
            break;
        }
    EXPECT_FALSE(cache.acquire_group(key("g"), 2).has_value());
    cache.abandon(key("g"));
    EXPECT_EQ(files_under(dir.path), 0u); // the other file is removed too
    EXPECT_EQ(cache.spilled(), 0u);
}

} // namespace
