// parfor: iterations split into tasks, run by k workers on TBB, each with its own copy of the variable
// frame; afterwards the cells the workers changed in the result variables are merged into the originals.
#include "kernels/ops.h"
#include "runtime/program/context.h"
#include "runtime/program/program.h"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <string>
#include <vector>

namespace linea::rt {

namespace {

/// An output stream buffer that hands only whole lines to the shared stream, under a lock, so that the
/// prints of concurrent workers may interleave but never split a line.
class LineSink : public std::streambuf {
public:
    LineSink(std::ostream &target, std::mutex &mutex) : target_(target), mutex_(mutex) {}
    /// Writes what is left of an unfinished line.
    void finish() {
        if (buf_.empty()) return;
        std::lock_guard lock(mutex_);
        target_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        buf_.clear();
    }

protected:
    int_type overflow(int_type ch) override {
        if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
        buf_.push_back(traits_type::to_char_type(ch));
        if (ch == '\n') emit_lines();
        return ch;
    }
    std::streamsize xsputn(const char *s, std::streamsize n) override {
        buf_.append(s, static_cast<size_t>(n));
        if (std::memchr(s, '\n', static_cast<size_t>(n))) emit_lines();
        return n;
    }

private:
    void emit_lines() {
        const size_t end = buf_.rfind('\n') + 1;
        std::lock_guard lock(mutex_);
        target_.write(buf_.data(), static_cast<std::streamsize>(end));
        buf_.erase(0, end);
    }
    std::ostream &target_;
    std::mutex &mutex_;
    std::string buf_;
};

struct Task {
    int64_t begin, end; ///< iteration indices [begin, end)
};

/// Splits n iterations into tasks for k workers.
/// FIXED: tasks of `tasksize` iterations; NAIVE: one iteration each; STATIC: one task per worker;
/// FACTORING (default): waves of k equal tasks, each wave covering half of what remains
/// (FACTORING_CMIN / _CMAX bound the task size from below / above by `tasksize`).
std::vector<Task> make_tasks(const std::string &kind, int64_t n, int64_t k, int64_t tasksize) {
    std::vector<Task> tasks;
    auto fixed = [&](int64_t size) {
        for (int64_t b = 0; b < n; b += size) tasks.push_back({b, std::min(n, b + size)});
    };
    if (kind == "FIXED") {
        fixed(tasksize);
    } else if (kind == "NAIVE") {
        fixed(1);
    } else if (kind == "STATIC") {
        fixed(std::max<int64_t>(1, (n + k - 1) / k));
    } else {
        int64_t b = 0;
        while (b < n) {
            int64_t size = std::max<int64_t>(1, (n - b + 2 * k - 1) / (2 * k));
            if (kind == "FACTORING_CMIN") size = std::max(size, tasksize);
            if (kind == "FACTORING_CMAX") size = std::min(size, tasksize);
            for (int64_t w = 0; w < k && b < n; ++w) {
                tasks.push_back({b, std::min(n, b + size)});
                b += size;
            }
        }
    }
    return tasks;
}

int64_t positive_option(ExecContext &ctx, const Operand &op, const SourceLoc &loc, const char *name) {
    const Value &v = ctx.get(op, loc);
    double d = 0;
    if (v.is_numeric_scalar()) d = v.to_double();
    if (!v.is_numeric_scalar() || !(d >= 1) || d != std::floor(d) || d > 1e9)
        throw DmlError(ErrorKind::Runtime, loc,
                       std::string("parfor option '") + name + "' must be a positive integer, but is " +
                           (v.is_scalar() ? v.to_print_string() : v.describe()));
    return static_cast<int64_t>(d);
}

uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

bool same_scalar(const Value &a, const Value &b) {
    if (a.data_type() != b.data_type() || a.value_type() != b.value_type()) return false;
    if (a.is_double()) {
        const double x = a.as_double_unchecked(), y = b.as_double_unchecked();
        return std::memcmp(&x, &y, sizeof x) == 0;
    }
    if (a.is_int()) return a.as_int_unchecked() == b.as_int_unchecked();
    if (a.is_bool()) return a.as_bool_unchecked() == b.as_bool_unchecked();
    if (a.is_string()) return a.as_string_unchecked() == b.as_string_unchecked();
    return false;
}

/// Whether a worker left the value as it was (same block/list, or an equal scalar).
bool unchanged(const Value &orig, const Value &now) {
    if (orig.is_empty() || now.is_empty()) return orig.is_empty() && now.is_empty();
    if (orig.is_matrix() && now.is_matrix()) return orig.matrix() == now.matrix();
    if (orig.is_list() && now.is_list()) return orig.list() == now.list();
    return same_scalar(orig, now);
}

[[noreturn]] void shape_changed(const std::string &name, const Value &orig, const Value &now,
                                const SourceLoc &loc) {
    throw DmlError(ErrorKind::Runtime, loc,
                   "parfor result variable '" + name + "' was a " + orig.describe() +
                       " before the loop but an iteration made it a " + now.describe() +
                       "; iterations may only change its cells");
}

/// The original value with every cell (or list element) that some worker changed taken from that worker.
Value merge_result(const std::string &name, const Value &orig, const std::vector<const Value *> &finals,
                   const SourceLoc &loc) {
    if (orig.is_matrix()) {
        // Compare and merge on dense views (either side may be CSR); the result's format is chosen when
        // it is bound.
        const MatrixPtr op = kernels::dense_input(*orig.matrix());
        const MatrixBlock &o = *op;
        std::shared_ptr<MatrixBlock> out;
        for (const Value *f : finals) {
            if (!f->is_matrix() || f->matrix()->rows() != o.rows() || f->matrix()->cols() != o.cols())
                shape_changed(name, orig, *f, loc);
            if (!out) out = std::make_shared<MatrixBlock>(o);
            const MatrixPtr fp = kernels::dense_input(*f->matrix());
            const double *src = fp->data();
            const double *base = o.data();
            double *dst = out->mutable_data();
            for (int64_t c = 0; c < o.cells(); ++c)
                if (std::memcmp(src + c, base + c, sizeof(double)) != 0) dst[c] = src[c];
        }
        out->recompute_nnz();
        return Value(MatrixPtr(std::move(out)));
    }
    if (orig.is_list()) {
        const ListValue &o = *orig.list();
        auto out = std::make_shared<ListValue>(o);
        for (const Value *f : finals) {
            if (!f->is_list() || f->list()->items.size() != o.items.size())
                shape_changed(name, orig, *f, loc);
            for (size_t i = 0; i < o.items.size(); ++i)
                if (!unchanged(o.items[i], f->list()->items[i])) out->items[i] = f->list()->items[i];
        }
        return Value(ListPtr(std::move(out)));
    }
    // A scalar result variable (check=0 only): the last worker that changed it wins.
    return *finals.back();
}

bool supported_opt(const std::string &opt) {
    return opt.empty() || opt == "NONE" || opt == "RULEBASED";
}

} // namespace

void run_parfor(const ForBlock &loop, const IterationSpace &it, ExecContext &ctx) {
    const ParforSpec &spec = *loop.parfor_spec;
    if ((spec.mode != "LOCAL" || !supported_opt(spec.opt)) && !spec.noted.exchange(true)) {
        std::string what = spec.mode != "LOCAL" ? "mode=" + spec.mode : "";
        if (!supported_opt(spec.opt)) what += (what.empty() ? "opt=" : " and opt=") + spec.opt;
        std::cerr << "linea: note: parfor " << what
                  << (what.find(" and ") != std::string::npos ? " are" : " is")
                  << " not supported; the loop at "
                  << (loop.loc.file ? loop.loc.file->path() : std::string("?")) << ":" << loop.loc.line
                  << " runs locally\n";
    }
    const int64_t n = it.n;
    int64_t k = spec.has_par ? positive_option(ctx, spec.par, loop.loc, "par") : kernels::num_threads();
    const int64_t tasksize =
        spec.has_tasksize ? positive_option(ctx, spec.tasksize, loop.loc, "tasksize") : 1;
    // A parfor inside a worker runs on that worker alone (the outer loop already uses the cores).
    if (ctx.parfor_depth() > 0) k = 1;
    const std::vector<Task> tasks = make_tasks(spec.partitioner, n, std::max<int64_t>(1, k), tasksize);
    // No more workers than tasks, nor than TBB may run at once (-threads): more would only time-slice.
    const auto allowed =
        static_cast<int64_t>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    k = std::max<int64_t>(1, std::min({k, static_cast<int64_t>(tasks.size()), allowed}));

    const bool trace = ctx.tracing();
    const uint64_t seed_base = ctx.next_seed();
    std::mutex out_mutex;
    std::vector<std::vector<Value>> frames(static_cast<size_t>(k), ctx.frame());
    std::vector<std::vector<lineage::ItemPtr>> lframes;
    if (trace) lframes.assign(static_cast<size_t>(k), ctx.lineage_frame());
    std::vector<RuntimeStats> stats(static_cast<size_t>(k));
    for (auto &s : stats) s.enabled = ctx.stats().enabled;

    std::atomic<size_t> next_task{0};
    std::atomic<bool> stop{false};
    std::mutex error_mutex;
    std::exception_ptr error;
    int64_t error_iteration = -1;

    auto worker = [&](size_t w) {
        LineSink sink(ctx.out(), out_mutex);
        std::ostream out(&sink);
        ExecContext wctx(ctx, out, stats[w], frames[w], trace ? &lframes[w] : nullptr);
        int64_t current = -1;
        try {
            while (!stop.load(std::memory_order_relaxed)) {
                const size_t t = next_task.fetch_add(1);
                if (t >= tasks.size()) break;
                for (int64_t i = tasks[t].begin; i < tasks[t].end && !stop.load(std::memory_order_relaxed);
                     ++i) {
                    current = i;
                    wctx.set(loop.var_slot, it.value(i));
                    if (trace) wctx.set_item(loop.var_slot, lineage::Item::literal(it.lineage_text(i)));
                    wctx.reseed(mix(seed_base + static_cast<uint64_t>(i)));
                    execute_blocks(loop.body, wctx);
                }
            }
        } catch (...) {
            stop = true;
            std::lock_guard lock(error_mutex);
            if (!error || current < error_iteration) {
                error = std::current_exception();
                error_iteration = current;
            }
        }
        out.flush();
        sink.finish();
    };

    if (k == 1) {
        worker(0);
    } else {
        tbb::task_arena arena(static_cast<int>(k));
        arena.execute([&] {
            tbb::task_group group;
            auto capped = [&](size_t w) {
                // Kernels called by this worker see a one-thread arena: the loop itself is the parallelism.
                tbb::task_arena one(1);
                one.execute([&] { worker(w); });
            };
            for (size_t w = 1; w < static_cast<size_t>(k); ++w) group.run([&capped, w] { capped(w); });
            capped(0);
            group.wait();
        });
    }

    RuntimeStats &parent_stats = ctx.stats();
    for (const auto &s : stats) parent_stats.merge(s);
    parent_stats.parfor_loops += 1;
    parent_stats.parfor_workers += k;
    parent_stats.parfor_tasks += static_cast<int64_t>(tasks.size());
    if (error) std::rethrow_exception(error);
    parent_stats.parfor_iterations += n;

    for (const auto &[name, slot] : spec.results) {
        const Value &orig = ctx.frame()[static_cast<size_t>(slot)];
        std::vector<const Value *> changed;
        std::vector<lineage::ItemPtr> items;
        if (trace) items.push_back(ctx.item_of(Operand::of_slot(slot)));
        for (size_t w = 0; w < frames.size(); ++w) {
            const Value &now = frames[w][static_cast<size_t>(slot)];
            if (unchanged(orig, now) || now.is_empty()) continue;
            changed.push_back(&now);
            if (trace) {
                lineage::ItemPtr item = lframes[w][static_cast<size_t>(slot)];
                items.push_back(
                    item ? item : lineage::Item::literal("parfor #" + std::to_string(ctx.next_unique())));
            }
        }
        if (changed.empty()) continue;
        if (orig.is_empty()) {
            // Not defined before the loop (check=0): take the last worker's value.
            ctx.set(slot, *changed.back());
        } else {
            ctx.set(slot, merge_result(name, orig, changed, loop.loc));
        }
        if (trace)
            ctx.set_item(slot, std::make_shared<const lineage::Item>("parformerge", name, std::move(items)));
    }
}

} // namespace linea::rt
