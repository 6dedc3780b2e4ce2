// The rewrite framework: algebraic rules over HOP DAGs, one rule per file, registered in one list.
#pragma once

#include "compiler/hops/hop.h"
#include "compiler/hops/infer.h"

#include <memory>
#include <string>
#include <vector>

namespace linea::rewrites {

using hops::Hop;
using hops::HopDag;
using hops::HopKind;

/// Builds replacement nodes inside the DAG being rewritten.
class RewriteContext {
public:
    explicit RewriteContext(HopDag &dag) : dag_(dag) {}
    HopDag &dag() { return dag_; }

    Hop *literal(Value v, const SourceLoc &loc);
    Hop *unary(kernels::UnaryOp op, const char *opcode, Hop *a, const SourceLoc &loc);
    Hop *binary(kernels::BinaryOp op, const char *opcode, Hop *a, Hop *b, const SourceLoc &loc);
    Hop *aggregate(kernels::AggOp op, kernels::AggDir dir, const char *opcode, Hop *a, const SourceLoc &loc);
    Hop *transpose(Hop *a, const SourceLoc &loc);
    Hop *matmult(Hop *a, Hop *b, const SourceLoc &loc);

private:
    HopDag &dag_;
};

/// One algebraic rewrite rule. `apply` inspects `h` and returns its replacement (built with ctx) or
/// nullptr when the rule does not match. It must never change the result (beyond the last bits of
/// floating-point rounding where stated in the rule's comment).
class HopRewrite {
public:
    virtual ~HopRewrite() = default;
    /// Stable name used by `-rewrites -name` and -explain.
    virtual const char *name() const = 0;
    /// Size-dependent rules run after the static ones, once dimensions are propagated.
    virtual bool dynamic() const { return false; }
    /// Rules that are off by default run only when named in RewriteOptions::enabled_extra (`-rewrites +name`,
    /// or implied by an option such as -lineage reuse_partial).
    virtual bool default_on() const { return true; }
    virtual Hop *apply(Hop *h, RewriteContext &ctx) const = 0;
};

/// All rules in the order they are tried.
const std::vector<std::unique_ptr<HopRewrite>> &rule_registry();

// ---- matching helpers used by the rules
bool is_literal(const Hop *h);
/// A numeric scalar literal equal to v.
bool is_literal_value(const Hop *h, double v);
bool is_binary(const Hop *h, kernels::BinaryOp op);
bool is_unary(const Hop *h, kernels::UnaryOp op);
bool is_transpose(const Hop *h);
bool is_agg(const Hop *h, kernels::AggOp op, kernels::AggDir dir);
bool is_builtin(const Hop *h, std::string_view name);
/// A matrix, or a double scalar (where x*1 -> x keeps the value type).
bool is_matrix_or_double(const Hop *h);
bool known_dims(const Hop *h);
/// For h = a op b: the other operand when one side is the literal `identity` (only the right side when
/// `right_only`) and dropping it keeps the value and its type (a matrix, or a double operand with a
/// double literal); else nullptr. Shared by the x*1, x+0, x-0, x/1, x^1 rules.
Hop *drop_identity_operand(Hop *h, kernels::BinaryOp op, double identity, bool right_only);
/// Number of consumers of h that are still part of the DAG.
size_t live_parents(const Hop *h);

// Factories for the rule classes; each lives in its own file.
#define LINEA_RULE(Factory) std::unique_ptr<HopRewrite> Factory();
#include "compiler/rewrites/rule_list.inc"
#undef LINEA_RULE

} // namespace linea::rewrites
