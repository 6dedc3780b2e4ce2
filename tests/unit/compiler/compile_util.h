// Helpers for compiler tests: compile and run DML text in-process.
#pragma once

#include "compiler/compiler.h"
#include "runtime/program/context.h"

#include <memory>
#include <sstream>
#include <string>

namespace linea::test {

inline std::unique_ptr<CompiledProgram> compile_text(const std::string &text, bool rewrites = true) {
    auto src = std::make_shared<const SourceFile>("test.dml", text);
    CompileOptions opts;
    opts.builtin_dir = LINEA_SOURCE_DIR "/scripts/builtin";
    opts.rewrites.enabled = rewrites;
    opts.rewrites.verify = true;
    return compile_script(src, opts);
}

/// Compiles and runs `text` with the run-time options `ro` (explain flags, seed, ...); returns what it
/// printed (explain output included).
inline std::string run_text_with(const std::string &text, const rt::RuntimeOptions &ro, bool rewrites = true,
                                 rt::RuntimeStats *stats_out = nullptr) {
    auto cp = compile_text(text, rewrites);
    std::ostringstream out;
    rt::RuntimeStats stats;
    rt::ExecContext ctx(*cp->runtime, out, stats, ro);
    rt::run_program(*cp->runtime, ctx);
    if (stats_out) *stats_out = stats;
    return out.str();
}

/// Compiles and runs `text` (seed 7); returns what it printed.
inline std::string run_text(const std::string &text, rt::RuntimeStats *stats_out = nullptr,
                            bool rewrites = true) {
    rt::RuntimeOptions ro;
    ro.seed = 7;
    return run_text_with(text, ro, rewrites, stats_out);
}

/// Executed count of one opcode.
inline int64_t executed(const rt::RuntimeStats &s, const std::string &opcode) {
    int id = rt::intern_opcode(opcode);
    return static_cast<size_t>(id) < s.per_opcode.size() ? s.per_opcode[id].count : 0;
}

} // namespace linea::test
