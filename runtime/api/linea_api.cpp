// The C API (include/linea/linea.h) over the compiler and runtime.
#include "linea/linea.h"

#include "compiler/compiler.h"
#include "compiler/driver/engine_options.h"
#include "kernels/ops.h"
#include "language/parser.h"
#include "runtime/io/arrival_hook.h"
#include "runtime/lineage/cache.h"
#include "runtime/program/context.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct linea_session {
    linea::EngineOptions options;
    std::unique_ptr<linea::lineage::Cache> cache;
    std::mutex mutex; // guards the fields below
    std::string last_error;
    std::string stats_text;
    linea::rt::RuntimeStats stats;
    int64_t executions = 0;
    double execute_seconds = 0;
    void fail(const std::string &msg) {
        std::lock_guard lock(mutex);
        last_error = msg;
    }
};

struct linea_script {
    linea_session *session = nullptr;
    std::unique_ptr<linea::CompiledProgram> program;
    std::vector<std::string> inputs, outputs;
    std::vector<linea::Value> bound;
    std::vector<linea::lineage::ItemPtr> items;
};

struct linea_result {
    std::map<std::string, linea::Value> values;
};

namespace {

/// Errors of linea_session_create (there is no session to hold them), per thread.
thread_local std::string create_error;

linea_status status_of(linea::ErrorKind k) {
    switch (k) {
    case linea::ErrorKind::Syntax:
        return LINEA_ERR_PARSE;
    case linea::ErrorKind::Validate:
    case linea::ErrorKind::NotSupported:
        return LINEA_ERR_VALIDATE;
    case linea::ErrorKind::Runtime:
        return LINEA_ERR_RUNTIME;
    case linea::ErrorKind::Internal:
        return LINEA_ERR_INTERNAL;
    }
    return LINEA_ERR_INTERNAL;
}

/// Runs fn, turning every exception into a status and the session's last error.
template <class F> linea_status guarded(linea_session *s, F &&fn) {
    try {
        return fn();
    } catch (const linea::DmlError &e) {
        if (s) s->fail(e.what());
        return status_of(e.kind());
    } catch (const linea::OptionError &e) {
        if (s) s->fail(e.what());
        return LINEA_ERR_ARGUMENT;
    } catch (const std::bad_alloc &) {
        if (s) s->fail("out of memory");
        return LINEA_ERR_RUNTIME;
    } catch (const std::exception &e) {
        if (s) s->fail(std::string("internal error: ") + e.what());
        return LINEA_ERR_INTERNAL;
    } catch (...) {
        if (s) s->fail("internal error: unknown exception");
        return LINEA_ERR_INTERNAL;
    }
}

std::vector<std::string> names(const char *const *list, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.emplace_back(list[i]);
    return out;
}

linea_status check_names(linea_session *s, const char *const *list, int n, const char *what) {
    if (n < 0 || (n > 0 && !list)) {
        s->fail(std::string("invalid ") + what + " list");
        return LINEA_ERR_ARGUMENT;
    }
    for (int i = 0; i < n; ++i)
        if (!list[i] || !*list[i]) {
            s->fail(std::string(what) + " name " + std::to_string(i) + " is empty");
            return LINEA_ERR_ARGUMENT;
        }
    return LINEA_OK;
}

linea_status compile(linea_session *s, std::shared_ptr<const linea::SourceFile> src,
                     const char *const *inputs, int n_inputs, const char *const *outputs, int n_outputs,
                     linea_script **out) {
    if (linea_status st = check_names(s, inputs, n_inputs, "input"); st != LINEA_OK) return st;
    if (linea_status st = check_names(s, outputs, n_outputs, "output"); st != LINEA_OK) return st;
    auto script = std::make_unique<linea_script>();
    script->session = s;
    script->inputs = names(inputs, n_inputs);
    script->outputs = names(outputs, n_outputs);
    linea::CompileOptions co = linea::compile_options(s->options);
    co.inputs = script->inputs;
    co.outputs = script->outputs;
    script->program = linea::compile_script(std::move(src), co);
    script->bound.resize(script->inputs.size());
    script->items.resize(script->inputs.size());
    *out = script.release();
    return LINEA_OK;
}

/// Content hash of bound data, so binding the same data again gives an equal lineage item.
uint64_t fnv1a(const void *data, size_t bytes, uint64_t h = 0xcbf29ce484222325ULL) {
    const auto *p = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

linea_status bind_input(linea_script *p, const char *name, linea::Value v, const std::string &content) {
    if (!p) return LINEA_ERR_ARGUMENT;
    if (!name) {
        p->session->fail("bind: the input name is NULL");
        return LINEA_ERR_ARGUMENT;
    }
    for (size_t i = 0; i < p->inputs.size(); ++i) {
        if (p->inputs[i] != name) continue;
        p->bound[i] = std::move(v);
        p->items[i] = std::make_shared<const linea::lineage::Item>("input", std::string(name) + " " + content,
                                                                   std::vector<linea::lineage::ItemPtr>{});
        return LINEA_OK;
    }
    p->session->fail(std::string("bind: '") + name + "' is not a declared input of this script");
    return LINEA_ERR_ARGUMENT;
}

} // namespace

extern "C" {

linea_status linea_session_create(const char *options, linea_session **out) {
    if (!out) return LINEA_ERR_ARGUMENT;
    *out = nullptr;
    auto s = std::make_unique<linea_session>();
    linea_status st = guarded(s.get(), [&] {
        s->options = linea::parse_engine_options(options ? options : "");
        if (s->options.threads > 0) linea::kernels::set_num_threads(s->options.threads);
        if (s->options.force_sparse) linea::kernels::set_sparse_policy(linea::kernels::SparsePolicy::Force);
        s->cache = linea::make_cache(s->options);
        return LINEA_OK;
    });
    if (st != LINEA_OK) {
        create_error = s->last_error; // no session to hold it: linea_last_error(NULL) returns it
        return st;
    }
    *out = s.release();
    return LINEA_OK;
}

void linea_session_destroy(linea_session *s) {
    delete s;
}

const char *linea_last_error(const linea_session *s) {
    if (!s) return create_error.c_str();
    return s->last_error.c_str();
}

const char *linea_session_stats(linea_session *s) {
    if (!s) return "";
    std::lock_guard lock(s->mutex);
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "linea Statistics:\nExecutions:\t\t%lld\nTotal execution time:\t\t%.3f sec.\n",
                  static_cast<long long>(s->executions), s->execute_seconds);
    s->stats_text = buf + s->stats.heavy_hitters(10) + s->stats.parfor_text();
    if (s->cache) s->stats_text += s->cache->stats().text();
    return s->stats_text.c_str();
}

linea_status linea_compile(linea_session *s, const char *dml_text, const char *const *inputs, int n_inputs,
                           const char *const *outputs, int n_outputs, linea_script **out) {
    if (!s || !out) return LINEA_ERR_ARGUMENT;
    *out = nullptr;
    if (!dml_text) {
        s->fail("linea_compile: the script text is NULL");
        return LINEA_ERR_ARGUMENT;
    }
    return guarded(s, [&] {
        return compile(s, std::make_shared<const linea::SourceFile>("<api>", dml_text), inputs, n_inputs,
                       outputs, n_outputs, out);
    });
}

linea_status linea_compile_file(linea_session *s, const char *path, const char *const *inputs, int n_inputs,
                                const char *const *outputs, int n_outputs, linea_script **out) {
    if (!s || !out) return LINEA_ERR_ARGUMENT;
    *out = nullptr;
    if (!path) {
        s->fail("linea_compile_file: the path is NULL");
        return LINEA_ERR_ARGUMENT;
    }
    return guarded(s, [&] {
        return compile(s, linea::load_source_file(path), inputs, n_inputs, outputs, n_outputs, out);
    });
}

void linea_script_destroy(linea_script *p) {
    delete p;
}

linea_status linea_bind_matrix(linea_script *p, const char *name, int64_t rows, int64_t cols,
                               const double *row_major) {
    if (!p) return LINEA_ERR_ARGUMENT;
    if (rows < 0 || cols < 0 || (rows * cols > 0 && !row_major)) {
        p->session->fail("linea_bind_matrix: invalid dimensions or NULL data");
        return LINEA_ERR_ARGUMENT;
    }
    return guarded(p->session, [&] {
        auto m = linea::kernels::MatrixBlock::uninitialized(rows, cols);
        if (rows * cols > 0)
            std::memcpy(m->mutable_data(), row_major, static_cast<size_t>(rows * cols) * sizeof(double));
        m->recompute_nnz();
        uint64_t h = fnv1a(row_major, static_cast<size_t>(rows * cols) * sizeof(double));
        std::string content =
            "matrix " + std::to_string(rows) + "x" + std::to_string(cols) + " #" + std::to_string(h);
        return bind_input(p, name, linea::Value(linea::io::notify_matrix_arrival(std::move(m))), content);
    });
}

linea_status linea_bind_double(linea_script *p, const char *name, double v) {
    return bind_input(p, name, linea::Value(v), "d:" + linea::kernels::format_double(v));
}

linea_status linea_bind_int(linea_script *p, const char *name, int64_t v) {
    return bind_input(p, name, linea::Value(v), "i:" + std::to_string(v));
}

linea_status linea_bind_bool(linea_script *p, const char *name, int v) {
    return bind_input(p, name, linea::Value(v != 0), v ? "b:TRUE" : "b:FALSE");
}

linea_status linea_bind_string(linea_script *p, const char *name, const char *v) {
    if (p && !v) {
        p->session->fail("linea_bind_string: the value is NULL");
        return LINEA_ERR_ARGUMENT;
    }
    return bind_input(p, name, linea::Value(std::string(v ? v : "")), std::string("s:") + (v ? v : ""));
}

linea_status linea_execute(linea_script *p, linea_result **out) {
    if (!p || !out) return LINEA_ERR_ARGUMENT;
    *out = nullptr;
    linea_session *s = p->session;
    for (size_t i = 0; i < p->inputs.size(); ++i)
        if (p->bound[i].is_empty()) {
            s->fail("linea_execute: input '" + p->inputs[i] + "' is not bound");
            return LINEA_ERR_ARGUMENT;
        }
    return guarded(s, [&] {
        linea::rt::RuntimeStats stats;
        stats.enabled = true;
        linea::rt::ExecContext ctx(*p->program->runtime, std::cout, stats,
                                   linea::runtime_options(s->options));
        ctx.set_cache(s->cache.get());
        std::vector<linea::lineage::ItemPtr> items = p->items;
        auto t0 = std::chrono::steady_clock::now();
        std::vector<linea::Value> values =
            ctx.call(*p->program->runtime->main, p->bound, p->program->runtime->main->loc, &items);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cout.flush();
        auto r = std::make_unique<linea_result>();
        for (size_t i = 0; i < p->outputs.size() && i < values.size(); ++i)
            // Hosts read results as row-major arrays: CSR results are stored densified.
            r->values[p->outputs[i]] = values[i].is_matrix() && values[i].matrix()->is_sparse()
                                           ? linea::Value(linea::kernels::to_dense(*values[i].matrix()))
                                           : values[i];
        {
            std::lock_guard lock(s->mutex);
            s->executions++;
            s->execute_seconds += dt;
            if (s->stats.per_opcode.size() < stats.per_opcode.size())
                s->stats.per_opcode.resize(stats.per_opcode.size());
            for (size_t i = 0; i < stats.per_opcode.size(); ++i) {
                s->stats.per_opcode[i].seconds += stats.per_opcode[i].seconds;
                s->stats.per_opcode[i].count += stats.per_opcode[i].count;
            }
        }
        *out = r.release();
        return LINEA_OK;
    });
}

linea_status linea_result_matrix(const linea_result *r, const char *name, int64_t *rows, int64_t *cols,
                                 const double **row_major) {
    if (!r || !name || !rows || !cols || !row_major) return LINEA_ERR_ARGUMENT;
    auto it = r->values.find(name);
    if (it == r->values.end() || !it->second.is_matrix()) return LINEA_ERR_ARGUMENT;
    const auto &m = it->second.matrix();
    *rows = m->rows();
    *cols = m->cols();
    *row_major = m->data(); // results are stored dense (see linea_execute)
    return LINEA_OK;
}

linea_status linea_result_double(const linea_result *r, const char *name, double *v) {
    if (!r || !name || !v) return LINEA_ERR_ARGUMENT;
    auto it = r->values.find(name);
    if (it == r->values.end()) return LINEA_ERR_ARGUMENT;
    const linea::Value &x = it->second;
    if (x.is_numeric_scalar()) {
        *v = x.to_double();
        return LINEA_OK;
    }
    if (x.is_matrix() && x.matrix()->rows() == 1 && x.matrix()->cols() == 1) {
        *v = x.matrix()->get(0, 0);
        return LINEA_OK;
    }
    return LINEA_ERR_ARGUMENT;
}

void linea_result_destroy(linea_result *r) {
    delete r;
}

} // extern "C"
