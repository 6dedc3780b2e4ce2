// Helper for lineage tests: run DML text with tracing and measure the trace it built.
#pragma once

#include "../compiler/compile_util.h"
#include "runtime/lineage/cache.h"
#include "runtime/lineage/item.h"

#include <sstream>
#include <string>

namespace linea::test {

/// What a traced run printed and how much lineage it made.
struct TracedRun {
    std::string out;
    int64_t created = 0;    ///< items created
    int64_t peak_items = 0; ///< peak live items above those alive before the run
    int64_t peak_bytes = 0; ///< peak live trace bytes above those alive before the run
    int64_t ops = 0;        ///< traced instructions
    std::string explain;    ///< the runtime program after the run (recompiled blocks included)
};

/// Runs `script` (seed 5) with lineage tracing, loop deduplication when `dedup`, and full reuse into a
/// 64 MB cache when `reuse`.
inline TracedRun traced_run(const std::string &script, bool dedup, bool reuse = false) {
    auto cp = compile_text(script);
    std::ostringstream out;
    rt::RuntimeStats stats;
    rt::RuntimeOptions ro;
    ro.seed = 5;
    ro.lineage = true;
    ro.dedup = dedup;
    ro.reuse = reuse ? lineage::ReuseMode::Full : lineage::ReuseMode::None;
    lineage::Cache cache(size_t{1} << 26);
    rt::ExecContext ctx(*cp->runtime, out, stats, ro);
    if (reuse) ctx.set_cache(&cache);
    using lineage::Item;
    const int64_t created = Item::created_count(), items = Item::live_count(), bytes = Item::live_bytes(),
                  ops = Item::traced_ops();
    Item::reset_peak();
    rt::run_program(*cp->runtime, ctx);
    TracedRun r;
    r.out = out.str();
    r.created = Item::created_count() - created;
    r.peak_items = Item::peak_count() - items;
    r.peak_bytes = Item::peak_bytes() - bytes;
    r.ops = Item::traced_ops() - ops;
    r.explain = cp->runtime->explain();
    return r;
}

} // namespace linea::test
