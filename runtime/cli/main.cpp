// The `linea` command line (SystemDS-compatible flags; see shared DML.md "Command line").
#include "compiler/compiler.h"
#include "kernels/ops.h"
#include "language/parser.h"
#include "runtime/program/context.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

const char *kUsage =
    "usage: linea -f script.dml [-args a b ... | -nvargs k=v ...] [-stats [k]]\n"
    "             [-explain [hops|runtime|recompile_hops|recompile_runtime]] [-seed n] [-threads n]\n"
    "             [-rewrites on|off|-name,+name,...] [-lineage "
    "[none|reuse_full|reuse_multilevel|policy_lru|policy_costnsize]]\n"
    "             [-lineage-budget bytes]\n"
    "       linea -s \"print(1+1)\" [same options]\n";

struct CliOptions {
    std::string file;
    std::string inline_script;
    bool has_inline = false;
    std::map<std::string, std::string> args;
    bool positional_args = false, named_args = false;
    bool stats = false;
    int stats_k = 10;
    std::string explain;
    int64_t seed = -1;
    int threads = 0;
    bool rewrites = true;
    std::set<std::string> disabled_rewrites;
    std::set<std::string> enabled_rewrites;
    bool lineage = false;
    bool reuse = false;
    bool multilevel = false;
    bool lru = false;
    int64_t lineage_budget = -1; ///< bytes; -1 = 5% of physical memory
};

[[noreturn]] void usage_error(const std::string &msg) {
    std::cerr << "linea: " << msg << "\n" << kUsage;
    std::exit(2);
}

bool is_flag(const char *s) {
    return s[0] == '-' && s[1] != '\0' && !(s[1] >= '0' && s[1] <= '9') && s[1] != '.';
}

int64_t parse_int(const std::string &flag, const char *v) {
    char *end = nullptr;
    long long x = std::strtoll(v, &end, 10);
    if (!end || *end != '\0') usage_error(flag + " expects an integer but got '" + v + "'");
    return x;
}

CliOptions parse_cli(int argc, char **argv) {
    CliOptions o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto need = [&](const char *what) -> const char * {
            if (i + 1 >= argc) usage_error(a + " needs " + what);
            return argv[++i];
        };
        if (a == "-f") {
            o.file = need("a script file");
        } else if (a == "-s") {
            o.inline_script = need("a script string");
            o.has_inline = true;
        } else if (a == "-args") {
            if (o.named_args) usage_error("-args and -nvargs cannot be used together");
            o.positional_args = true;
            int n = 1;
            while (i + 1 < argc && !is_flag(argv[i + 1])) o.args[std::to_string(n++)] = argv[++i];
        } else if (a == "-nvargs") {
            if (o.positional_args) usage_error("-args and -nvargs cannot be used together");
            o.named_args = true;
            while (i + 1 < argc && !is_flag(argv[i + 1])) {
                std::string kv = argv[++i];
                size_t eq = kv.find('=');
                if (eq == std::string::npos || eq == 0)
                    usage_error("-nvargs expects name=value but got '" + kv + "'");
                o.args[kv.substr(0, eq)] = kv.substr(eq + 1);
            }
        } else if (a == "-stats") {
            o.stats = true;
            if (i + 1 < argc && !is_flag(argv[i + 1])) o.stats_k = static_cast<int>(parse_int(a, argv[++i]));
        } else if (a == "-explain") {
            o.explain = "hops";
            if (i + 1 < argc && !is_flag(argv[i + 1])) o.explain = argv[++i];
            if (o.explain != "hops" && o.explain != "runtime" && o.explain != "recompile_hops" &&
                o.explain != "recompile_runtime")
                usage_error("unknown -explain type '" + o.explain + "'");
        } else if (a == "-seed") {
            o.seed = parse_int(a, need("a number"));
        } else if (a == "-threads") {
            o.threads = static_cast<int>(parse_int(a, need("a number")));
            if (o.threads < 1) usage_error("-threads expects a positive number");
        } else if (a == "-rewrites") {
            std::string v = need("on, off, or a comma-separated list of -name entries");
            if (v == "on")
                o.rewrites = true;
            else if (v == "off")
                o.rewrites = false;
            else {
                const auto known = linea::rewrites::rewrite_names();
                size_t p = 0;
                while (p <= v.size()) {
                    size_t q = v.find(',', p);
                    if (q == std::string::npos) q = v.size();
                    std::string item = v.substr(p, q - p);
                    if (item.size() < 2 || (item[0] != '-' && item[0] != '+'))
                        usage_error(
                            "-rewrites expects on, off or a list of -name (disable) and +name (enable)");
                    const bool enable = item[0] == '+';
                    item = item.substr(1);
                    if (std::find(known.begin(), known.end(), item) == known.end())
                        usage_error("-rewrites: unknown rewrite '" + item + "'");
                    (enable ? o.enabled_rewrites : o.disabled_rewrites).insert(item);
                    p = q + 1;
                }
            }
        } else if (a == "-lineage") {
            o.lineage = true;
            while (i + 1 < argc && !is_flag(argv[i + 1])) {
                std::string m = argv[++i];
                if (m == "none")
                    o.lineage = false;
                else if (m == "reuse_full" || m == "reuse")
                    o.reuse = true;
                else if (m == "reuse_multilevel")
                    o.reuse = o.multilevel = true;
                else if (m == "policy_lru")
                    o.lru = true;
                else if (m == "policy_costnsize")
                    o.lru = false;
                else if (m == "reuse_partial" || m == "reuse_hybrid" || m == "dedup" ||
                         m == "policy_dagheight")
                    usage_error("-lineage " + m +
                                " is not supported yet (supported: none, reuse_full, reuse, "
                                "reuse_multilevel, policy_lru, policy_costnsize)");
                else
                    usage_error("-lineage: unknown option '" + m + "'");
            }
        } else if (a == "-lineage-budget") {
            o.lineage_budget = parse_int(a, need("a number of bytes"));
            if (o.lineage_budget < 0) usage_error("-lineage-budget expects a non-negative number of bytes");
        } else if (a == "-config") {
            usage_error("-config: configuration files are not supported yet");
        } else if (a == "-help" || a == "--help" || a == "-h") {
            std::cout << kUsage;
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
    auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    try {
        if (cli.threads > 0) linea::kernels::set_num_threads(cli.threads);
        std::shared_ptr<const linea::SourceFile> src =
            cli.has_inline ? std::make_shared<const linea::SourceFile>("<inline>", cli.inline_script)
                           : linea::load_source_file(cli.file);
        linea::CompileOptions co;
        co.parse.args = cli.args;
        co.rewrites.enabled = cli.rewrites;
        co.rewrites.disabled = cli.disabled_rewrites;
        co.rewrites.enabled_extra = cli.enabled_rewrites;
        const char *verify = std::getenv("LINEA_VERIFY_DAGS");
        co.rewrites.verify = verify && *verify && std::string(verify) != "0";
        auto compiled = linea::compile_script(src, co);
        if (cli.explain == "hops" || cli.explain == "recompile_hops") std::cout << compiled->hops.explain();
        if (cli.explain == "runtime" || cli.explain == "recompile_runtime")
            std::cout << compiled->runtime->explain();
        linea::rt::RuntimeStats stats;
        stats.enabled = cli.stats;
        linea::rt::RuntimeOptions ro;
        ro.seed = cli.seed;
        ro.threads = cli.threads;
        ro.explain_recompile_hops = cli.explain == "recompile_hops";
        ro.explain_recompile_runtime = cli.explain == "recompile_runtime";
        ro.lineage = cli.lineage;
        ro.reuse = !(cli.reuse && cli.lineage) ? linea::lineage::ReuseMode::None
                   : cli.multilevel            ? linea::lineage::ReuseMode::MultiLevel
                                               : linea::lineage::ReuseMode::Full;
        std::unique_ptr<linea::lineage::Cache> cache;
        if (ro.reuse != linea::lineage::ReuseMode::None) {
            size_t budget = cli.lineage_budget >= 0 ? static_cast<size_t>(cli.lineage_budget)
                                                    : static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) *
                                                          static_cast<size_t>(sysconf(_SC_PAGE_SIZE)) / 20;
            cache = std::make_unique<linea::lineage::Cache>(
                budget,
                cli.lru ? linea::lineage::EvictionPolicy::Lru : linea::lineage::EvictionPolicy::CostNSize);
        }
        linea::rt::ExecContext ctx(*compiled->runtime, std::cout, stats, ro);
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
        if (cli.stats) {
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
            s += stats.heavy_hitters(cli.stats_k);
            if (cache) s += cache->stats().text();
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
