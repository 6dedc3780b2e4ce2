#include "compiler/driver/engine_options.h"

#include "kernels/ops.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace linea {

const char *kEngineOptionsUsage =
    "[-stats [k]] [-explain [hops|runtime|recompile_hops|recompile_runtime|codegen]] [-seed n] [-threads n]\n"
    "             [-rewrites on|off|-name,+name,...] [-lineage "
    "[none|reuse_full|reuse_multilevel|reuse_partial|reuse_hybrid|dedup|policy_lru|policy_costnsize|"
    "policy_dagheight]]\n"
    "             [-lineage-budget bytes] [-lineage-spill auto|always|never] [-sparse auto|force]\n"
    "             [-codegen on|off|interpret]";

namespace {

bool is_flag(const std::string &s) {
    return s.size() > 1 && s[0] == '-' && !(s[1] >= '0' && s[1] <= '9') && s[1] != '.';
}

int64_t parse_int(const std::string &flag, const std::string &v) {
    char *end = nullptr;
    long long x = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || !end || *end != '\0')
        throw OptionError(flag + " expects an integer but got '" + v + "'");
    return x;
}

} // namespace

bool parse_engine_option(const std::vector<std::string> &args, size_t &i, EngineOptions &o) {
    const std::string &a = args[i];
    auto need = [&](const char *what) -> const std::string & {
        if (i + 1 >= args.size()) throw OptionError(a + " needs " + what);
        return args[++i];
    };
    auto has_value = [&] { return i + 1 < args.size() && !is_flag(args[i + 1]); };
    if (a == "-stats") {
        o.stats = true;
        if (has_value()) o.stats_k = static_cast<int>(parse_int(a, args[++i]));
    } else if (a == "-explain") {
        o.explain = has_value() ? args[++i] : "hops";
        if (o.explain != "hops" && o.explain != "runtime" && o.explain != "recompile_hops" &&
            o.explain != "recompile_runtime" && o.explain != "codegen")
            throw OptionError("unknown -explain type '" + o.explain + "'");
    } else if (a == "-seed") {
        o.seed = parse_int(a, need("a number"));
    } else if (a == "-sparse") {
        const std::string &v = need("auto or force");
        if (v != "auto" && v != "force")
            throw OptionError("-sparse expects auto or force but got '" + v + "'");
        o.force_sparse = v == "force";
    } else if (a == "-codegen") {
        const std::string &v = need("on, off or interpret");
        if (v == "on")
            o.codegen = fusion::CodegenMode::On;
        else if (v == "off")
            o.codegen = fusion::CodegenMode::Off;
        else if (v == "interpret")
            o.codegen = fusion::CodegenMode::Interpret;
        else
            throw OptionError("-codegen expects on, off or interpret but got '" + v + "'");
    } else if (a == "-threads") {
        o.threads = static_cast<int>(parse_int(a, need("a number")));
        if (o.threads < 1) throw OptionError("-threads expects a positive number");
    } else if (a == "-rewrites") {
        const std::string &v = need("on, off, or a comma-separated list of -name/+name entries");
        if (v == "on") {
            o.rewrites = true;
        } else if (v == "off") {
            o.rewrites = false;
        } else {
            const auto known = rewrites::rewrite_names();
            size_t p = 0;
            while (p <= v.size()) {
                size_t q = v.find(',', p);
                if (q == std::string::npos) q = v.size();
                std::string item = v.substr(p, q - p);
                if (item.size() < 2 || (item[0] != '-' && item[0] != '+'))
                    throw OptionError(
                        "-rewrites expects on, off or a list of -name (disable) and +name (enable)");
                const bool enable = item[0] == '+';
                item = item.substr(1);
                if (std::find(known.begin(), known.end(), item) == known.end())
                    throw OptionError("-rewrites: unknown rewrite '" + item + "'");
                (enable ? o.enabled_rewrites : o.disabled_rewrites).insert(item);
                p = q + 1;
            }
        }
    } else if (a == "-lineage") {
        o.lineage = true;
        while (has_value()) {
            const std::string &m = args[++i];
            if (m == "none")
                o.lineage = false;
            else if (m == "reuse_full" || m == "reuse")
                o.reuse = true;
            else if (m == "reuse_multilevel")
                o.reuse = o.multilevel = true;
            else if (m == "reuse_partial")
                o.reuse = o.partial = true;
            else if (m == "reuse_hybrid")
                o.reuse = o.multilevel = o.partial = true;
            else if (m == "policy_lru")
                o.policy = EngineOptions::Policy::Lru;
            else if (m == "policy_costnsize")
                o.policy = EngineOptions::Policy::CostNSize;
            else if (m == "policy_dagheight")
                o.policy = EngineOptions::Policy::DagHeight;
            else if (m == "dedup")
                o.dedup = true;
            else
                throw OptionError("-lineage: unknown option '" + m + "'");
        }
    } else if (a == "-lineage-budget") {
        o.lineage_budget = parse_int(a, need("a number of bytes"));
        if (o.lineage_budget < 0) throw OptionError("-lineage-budget expects a non-negative number of bytes");
    } else if (a == "-lineage-spill") {
        const std::string &v = need("auto, always or never");
        if (v == "auto")
            o.spill = lineage::SpillMode::Auto;
        else if (v == "always")
            o.spill = lineage::SpillMode::Always;
        else if (v == "never")
            o.spill = lineage::SpillMode::Never;
        else
            throw OptionError("-lineage-spill expects auto, always or never, but found '" + v + "'");
    } else {
        return false;
    }
    return true;
}

EngineOptions parse_engine_options(const std::string &text) {
    std::vector<std::string> args;
    std::istringstream is(text);
    for (std::string w; is >> w;) args.push_back(w);
    EngineOptions o;
    for (size_t i = 0; i < args.size(); ++i)
        if (!parse_engine_option(args, i, o)) throw OptionError("unknown option '" + args[i] + "'");
    return o;
}

CompileOptions compile_options(const EngineOptions &o) {
    CompileOptions co;
    co.rewrites.enabled = o.rewrites;
    co.rewrites.disabled = o.disabled_rewrites;
    co.rewrites.enabled_extra = o.enabled_rewrites;
    // Partial reuse with compiler assistance: Gram matrices of cbind-extended data in block form.
    if (o.lineage && o.reuse && o.partial && !o.disabled_rewrites.count("gram_of_cbind_blocks"))
        co.rewrites.enabled_extra.insert("gram_of_cbind_blocks");
    const char *verify = std::getenv("LINEA_VERIFY_DAGS");
    co.rewrites.verify = verify && *verify && std::string(verify) != "0";
    co.codegen = o.codegen;
    co.explain_codegen = o.explain == "codegen";
    return co;
}

rt::RuntimeOptions runtime_options(const EngineOptions &o) {
    rt::RuntimeOptions ro;
    ro.seed = o.seed;
    ro.threads = o.threads;
    ro.explain_recompile_hops = o.explain == "recompile_hops";
    ro.explain_recompile_runtime = o.explain == "recompile_runtime";
    ro.lineage = o.lineage;
    ro.dedup = o.lineage && o.dedup;
    ro.reuse = !(o.reuse && o.lineage) ? lineage::ReuseMode::None
               : o.multilevel          ? lineage::ReuseMode::MultiLevel
                                       : lineage::ReuseMode::Full;
    ro.partial_reuse = ro.reuse != lineage::ReuseMode::None && o.partial;
    return ro;
}

std::unique_ptr<lineage::Cache> make_cache(const EngineOptions &o) {
    if (!(o.reuse && o.lineage)) return nullptr;
    const size_t budget = o.lineage_budget >= 0 ? static_cast<size_t>(o.lineage_budget)
                                                : static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) *
                                                      static_cast<size_t>(sysconf(_SC_PAGE_SIZE)) / 20;
    const lineage::EvictionPolicy policy =
        o.policy == EngineOptions::Policy::Lru         ? lineage::EvictionPolicy::Lru
        : o.policy == EngineOptions::Policy::DagHeight ? lineage::EvictionPolicy::DagHeight
                                                       : lineage::EvictionPolicy::CostNSize;
    return std::make_unique<lineage::Cache>(budget, policy, o.spill);
}

} // namespace linea
