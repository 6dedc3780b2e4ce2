#include "compiler/compiler.h"

#include "compiler/hops/hop_builder.h"
#include "compiler/ipa/ipa.h"
#include "compiler/lops/lowering.h"
#include "compiler/lops/physical.h"
#include "runtime/util/paths.h"

#include <chrono>

namespace linea {

std::unique_ptr<CompiledProgram> compile_script(std::shared_ptr<const SourceFile> file,
                                                const CompileOptions &opts) {
    auto t0 = std::chrono::steady_clock::now();
    auto cp = std::make_unique<CompiledProgram>();
    cp->ast = parse_program(std::move(file), opts.parse);
    ValidateOptions vo;
    vo.parse = opts.parse;
    vo.builtin_dir = opts.builtin_dir.empty() ? find_builtin_dir() : opts.builtin_dir;
    vo.predefined = opts.inputs;
    validate_program(cp->ast, vo);
    cp->hops = hops::build_hop_program(cp->ast);
    ipa::IpaOptions io;
    io.remove_unused = opts.rewrites.enabled && !opts.rewrites.disabled.count("remove_unused_functions");
    io.inline_functions = opts.rewrites.enabled && !opts.rewrites.disabled.count("inline_functions");
    io.propagate_constants =
        opts.rewrites.enabled && !opts.rewrites.disabled.count("ipa_constant_propagation");
    ipa::IpaStats is = ipa::run_ipa(cp->hops, io);
    if (is.removed_functions) cp->rewrite_stats.fired["remove_unused_functions"] += is.removed_functions;
    if (is.inlined_calls) cp->rewrite_stats.fired["inline_functions"] += is.inlined_calls;
    if (is.propagated_constants)
        cp->rewrite_stats.fired["ipa_constant_propagation"] += is.propagated_constants;
    if (is.sized_functions) cp->rewrite_stats.fired["ipa_size_propagation"] += is.sized_functions;
    rewrites::optimize(cp->hops, opts.rewrites, &cp->rewrite_stats);
    const bool physical = opts.rewrites.enabled && !opts.rewrites.disabled.count("physical_operators");
    lops::LoweringOptions lo;
    lo.rewrites = opts.rewrites;
    lo.physical_operators = physical;
    lo.dynamic_recompilation =
        opts.rewrites.enabled && !opts.rewrites.disabled.count("dynamic_recompilation");
    lo.main_inputs = opts.inputs;
    lo.main_outputs = opts.outputs;
    lo.codegen = opts.codegen;
    lo.explain_codegen = opts.explain_codegen;
    lo.codegen_report = &cp->codegen_explain;
    cp->runtime = lops::lower_program(cp->hops, lo);
    cp->compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return cp;
}

} // namespace linea
