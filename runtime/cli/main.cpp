// The `linea` command line (SystemDS-compatible flags; see shared DML.md "Command line").
#include "compiler/compiler.h"
#include "compiler/driver/engine_options.h"
#include "kernels/codegen/jit.h"
#include "kernels/ops.h"
#include "language/parser.h"
#include "runtime/lineage/item.h"
#include "runtime/program/context.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

struct CliOptions {
    std::string file;
    std::string inline_script;
    bool has_inline = false;
    std::map<std::string, std::string> args;
    bool positional_args = false, named_args = false;
    linea::EngineOptions engine;
};

void print_usage(std::ostream &os) {
    os << "usage: linea -f script.dml [-args a b ... | -nvargs k=v ...]\n             "
       << linea::kEngineOptionsUsage << "\n       linea -s \"print(1+1)\" [same options]\n";
}

[[noreturn]] void usage_error(const std::string &msg) {
    std::cerr << "linea: " << msg << "\n";
    print_usage(std::cerr);
    std::exit(2);
}

bool is_flag(const std::string &s) {
    return s.size() > 1 && s[0] == '-' && !(s[1] >= '0' && s[1] <= '9') && s[1] != '.';
}

CliOptions parse_cli(int argc, char **argv) {
    CliOptions o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto need = [&](const char *what) -> const std::string & {
            if (i + 1 >= args.size()) usage_error(a + " needs " + what);
            return args[++i];
        };
        try {
            if (linea::parse_engine_option(args, i, o.engine)) continue;
        } catch (const linea::OptionError &e) {
            usage_error(e.what());
        }
        if (a == "-f") {
            o.file = need("a script file");
        } else if (a == "-s") {
            o.inline_script = need("a script string");
            o.has_inline = true;
        } else if (a == "-args") {
            if (o.named_args) usage_error("-args and -nvargs cannot be used together");
            o.positional_args = true;
            int n = 1;
            while (i + 1 < args.size() && !is_flag(args[i + 1])) o.args[std::to_string(n++)] = args[++i];
        } else if (a == "-nvargs") {
            if (o.positional_args) usage_error("-args and -nvargs cannot be used together");
            o.named_args = true;
            while (i + 1 < args.size() && !is_flag(args[i + 1])) {
                const std::string &kv = args[++i];
                size_t eq = kv.find('=');
                if (eq == std::string::npos || eq == 0)
                    usage_error("-nvargs expects name=value but got '" + kv + "'");
                o.args[kv.substr(0, eq)] = kv.substr(eq + 1);
            }
        } else if (a == "-config") {
            usage_error("-config: configuration files are not supported yet");
        } else if (a == "-help" || a == "--help" || a == "-h") {
            print_usage(std::cout);
            std::exit(0);
        } else {
            usage_error("unknown option '" + a + "'");
        }
    }
    if (o.file.empty() && !o.has_inline) usage_error("no script given (use -f file or -s \"script\")");
    if (!o.file.empty() && o.has_inline) usage_error("-f and -s cannot be used together");
    return o;
}

} // namespace

int main(int argc, char **argv) {
    std::ios::sync_with_stdio(false);
    CliOptions cli = parse_cli(argc, argv);
    const linea::EngineOptions &eo = cli.engine;
    auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    try {
        if (eo.threads > 0) linea::kernels::set_num_threads(eo.threads);
        if (eo.force_sparse) linea::kernels::set_sparse_policy(linea::kernels::SparsePolicy::Force);
        std::shared_ptr<const linea::SourceFile> src =
            cli.has_inline ? std::make_shared<const linea::SourceFile>("<inline>", cli.inline_script)
                           : linea::load_source_file(cli.file);
        linea::CompileOptions co = linea::compile_options(eo);
        co.parse.args = cli.args;
        auto compiled = linea::compile_script(src, co);
        if (eo.explain == "hops" || eo.explain == "recompile_hops") std::cout << compiled->hops.explain();
        if (eo.explain == "runtime" || eo.explain == "recompile_runtime")
            std::cout << compiled->runtime->explain();
        if (eo.explain == "codegen") std::cout << compiled->codegen_explain;
        linea::rt::RuntimeStats stats;
        stats.enabled = eo.stats;
        std::unique_ptr<linea::lineage::Cache> cache = linea::make_cache(eo);
        linea::rt::ExecContext ctx(*compiled->runtime, std::cout, stats, linea::runtime_options(eo));
        ctx.set_cache(cache.get());
        auto t1 = std::chrono::steady_clock::now();
        try {
            linea::rt::run_program(*compiled->runtime, ctx);
        } catch (...) {
            std::cout.flush();
            throw;
        }
        auto t2 = std::chrono::steady_clock::now();
        std::cout.flush();
        if (eo.stats) {
            char buf[256];
            std::string s = "linea Statistics:\n";
            std::snprintf(buf, sizeof buf, "Total elapsed time:\t\t%.3f sec.\n",
                          std::chrono::duration<double>(t2 - t0).count());
            s += buf;
            std::snprintf(buf, sizeof buf, "Total compilation time:\t\t%.3f sec.\n",
                          compiled->compile_seconds);
            s += buf;
            std::snprintf(buf, sizeof buf, "Total execution time:\t\t%.3f sec.\n",
                          std::chrono::duration<double>(t2 - t1).count());
            s += buf;
            s += stats.heavy_hitters(eo.stats_k);
            s += stats.parfor_text();
            if (cache) s += cache->stats().text();
            const linea::kernels::codegen::JitStats js = linea::kernels::codegen::jit_stats();
            if (js.compiled > 0) {
                std::snprintf(
                    buf, sizeof buf,
                    "Codegen compiled (JIT):\t\t%lld operators, %.3f ms total, %.3f ms max, %lld cache hits "
                    "(LLVM set-up %.3f ms).\n",
                    static_cast<long long>(js.compiled), js.total_seconds * 1e3, js.max_seconds * 1e3,
                    static_cast<long long>(js.hits), js.init_seconds * 1e3);
                s += buf;
            }
            if (eo.lineage) s += linea::lineage::Item::memory_text();
            std::cout << s;
        }
    } catch (const linea::DmlError &e) {
        std::cout.flush();
        std::cerr << e.what() << "\n";
        status = 1;
    } catch (const std::bad_alloc &) {
        std::cout.flush();
        std::cerr << "linea: error: out of memory\n";
        status = 1;
    } catch (const std::exception &e) {
        std::cout.flush();
        std::cerr << "linea: internal error: " << e.what() << "\n";
        status = 3;
    }
    std::cout.flush();
    return status;
}
