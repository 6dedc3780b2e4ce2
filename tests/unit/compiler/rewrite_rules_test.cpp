// Every algebraic rewrite rule: it fires on the shape it targets, not on the shapes it must leave alone,
// and the script prints the same with the rule on, with the rule off and with all rewrites off.
#include "compile_util.h"
#include "compiler/rewrites/rewrite.h"

#include <gtest/gtest.h>

#include <set>

namespace {

struct RuleCase {
    const char *rule;
    const char *script; ///< X (3x2), Y (3x2), v (2x1), r (1x2), s (scalar) are predefined
    bool fires;
};

const char *kPrelude =
    "X = matrix(\"1 -2 3 4 -5 6\", rows=3, cols=2)\nY = matrix(\"0.5 1 1.5 2 2.5 3\", rows=3, cols=2)\n"
    "v = matrix(\"1 2\", rows=2, cols=1)\nr = matrix(\"3 4\", rows=1, cols=2)\ns = 2.5\n"
    "while (FALSE) {}\n";

const RuleCase kCases[] = {
    {"remove_double_transpose", "print(toString(t(t(X))))", true},
    {"remove_double_transpose", "print(toString(t(X)))", false},
    {"remove_double_rev", "print(toString(rev(rev(X))))", true},
    {"remove_double_negation", "print(toString(-(-X)))", true},
    {"remove_double_negation", "b = TRUE\nprint(-(-b))", false},
    {"remove_double_not", "b = s > 1\nwhile (FALSE) {}\nprint(!(!b))", true},
    {"remove_double_not", "print(!(!s))", false},
    {"not_of_comparison", "print(!(s < 3))", true},
    {"not_of_comparison", "a = \"x\"\nprint(!(a == \"y\"))", false},
    {"remove_mult_by_one", "print(toString(X * 1))", true},
    {"remove_mult_by_one", "i = 3\nprint(i * 1)", false},
    {"remove_add_zero", "print(toString(0 + X))", true},
    {"remove_add_zero", "print(toString(X + 1))", false},
    {"remove_sub_zero", "print(toString(X - 0))", true},
    {"remove_sub_zero", "print(toString(0 - X))", false},
    {"remove_div_by_one", "print(toString(X / 1))", true},
    {"remove_pow_one", "print(toString(X ^ 1))", true},
    {"square_of_self_product", "print(toString(X * X))", true},
    {"square_of_self_product", "print(toString(X * Y))", false},
    {"sum_of_transpose", "print(sum(t(X)))", true},
    {"sum_of_transpose", "print(sum(X))", false},
    {"sum_of_row_or_col_sums", "print(sum(rowSums(X)) + sum(colSums(Y)))", true},
    {"sum_of_row_or_col_sums", "print(sum(rowMeans(X)))", false},
    {"col_sums_of_transpose", "print(toString(colSums(t(X))))", true},
    {"col_sums_of_transpose", "print(toString(colSums(X)))", false},
    {"sum_of_scaled", "print(sum(s * X))", true},
    {"sum_of_scaled", "print(sum(X * Y))", false},
    {"sum_of_negation", "print(sum(-X))", true},
    {"trace_of_product", "print(trace(t(X) %*% Y))", true},
    {"trace_of_product", "print(trace(t(X) %*% X + 1))", false},
    {"trace_of_product", "print(trace(X %*% t(Y)))", true},
    {"flatten_nested_bind", "print(toString(cbind(X, cbind(Y, X))))", true},
    {"flatten_nested_bind", "Z = cbind(Y, X)\nprint(toString(cbind(X, Z)))\nprint(sum(Z))", false},
    {"transpose_of_scaled", "a = t(X)\nb = t(2 * X)\nprint(sum(2 * a == b))", true},
    {"transpose_of_scaled", "print(toString(t(X + Y)))", false},
    {"factor_common_operand", "print(toString(X - Y * X))", true},
    {"factor_common_operand", "print(toString(X - Y * Y))", false},
    {"add_negation", "print(toString(X + (-Y)))", true},
    {"add_negation", "print(toString(X + Y))", false},
    {"idempotent_unary", "print(toString(abs(abs(X))))", true},
    {"idempotent_unary", "print(toString(abs(sqrt(abs(X)))))", false},
    {"fold_scalar_chain", "print(toString(X * 2 * 4))", true},
    {"fold_scalar_chain", "print(toString(X * 0.1 * 3))", false},
    {"remove_full_index", "print(toString(X[1:3, 1:2]))", true},
    {"remove_full_index", "print(toString(X[1:2, 1:2]))", false},
    {"sum_of_single_cell", "print(sum(X[2, 2]))", true},
    {"sum_of_single_cell", "print(sum(X[2, ]))", false},
    {"aggregate_of_empty", "E = matrix(0, 0, 3)\nprint(sum(E))", true},
    {"aggregate_of_empty", "print(sum(X[1, ]))", false},
    {"nrow_ncol_of_known", "print(nrow(X) + ncol(X) + length(X))", true},
    {"nrow_ncol_of_known", "n = 0\nif (s > 1) { n = 4 }\nZ = matrix(1, n, 2)\nprint(nrow(Z))", false},
    {"col_sums_div_nrow", "print(toString(colSums(X) / nrow(X)))", true},
    {"col_sums_div_nrow", "print(toString(colSums(X) / 2))", false},
    {"diag_of_product", "print(toString(diag(X %*% t(Y))))", true},
    {"diag_of_product", "print(toString(diag(t(X) %*% X %*% v)))", false},
    {"sum_of_squares", "print(sum(X ^ 2))", true},
    {"sum_of_squares", "print(sum(X ^ 3))", false},
    {"row_sums_of_row_vector_product", "print(toString(rowSums(X * r)))", true},
    {"row_sums_of_row_vector_product", "print(toString(rowSums(X * Y)))", false},
    {"reorder_matmult_chain", "print(toString(t(X) %*% X %*% v))", true},
    {"reorder_matmult_chain", "print(toString(t(v) %*% t(X) %*% X))", false},
    {"remove_redundant_cast", "print(toString(as.matrix(X)))\nprint(as.double(s))", true},
    {"remove_redundant_cast", "i = 3\nprint(as.double(i))", false},
    {"min_max_of_self", "print(toString(max(X, X)))", true},
    {"min_max_of_self", "print(toString(max(X, Y)))", false},
    {"cancel_negations_in_product", "print(toString((-X) * (-Y)))", true},
    {"cancel_negations_in_product", "print(toString((-X) * Y))", false},
    {"mult_by_minus_one", "print(toString(X * -1))", true},
    {"mult_by_minus_one", "print(toString(X * -2))", false},
    {"ifelse_constant_predicate", "print(ifelse(TRUE, s, 1.5))", true},
    {"ifelse_constant_predicate", "print(ifelse(sum(X) > 1, s, 1.5))", false},
    {"dims_of_transpose", "print(nrow(t(X)) + ncol(t(X)))", true},
    {"dims_of_transpose", "print(nrow(X))", false},
    {"aggregate_of_rev", "print(sum(rev(X)) + max(rev(X)))", true},
    {"aggregate_of_rev", "print(toString(rowSums(rev(X))))", false},
    {"transpose_of_diag", "print(toString(t(diag(v))))", true},
    {"transpose_of_diag", "print(toString(t(diag(t(X) %*% X))))", false},
    {"diag_of_diag", "print(toString(diag(diag(v))))", true},
    {"diag_of_diag", "print(toString(diag(t(X) %*% X)))", false},
    {"gram_of_cbind_blocks", "print(toString(t(cbind(X, Y[,1])) %*% cbind(X, Y[,1])))", true},
    {"gram_of_cbind_blocks", "print(toString(t(cbind(X[,1], Y)) %*% cbind(X[,1], Y)))", false},
};

std::string run_with(const std::string &script, bool rewrites, const std::set<std::string> &disabled,
                     const std::set<std::string> &extra = {}) {
    auto src = std::make_shared<const linea::SourceFile>("test.dml", script);
    linea::CompileOptions opts;
    opts.rewrites.enabled = rewrites;
    opts.rewrites.disabled = disabled;
    opts.rewrites.enabled_extra = extra;
    opts.rewrites.verify = true;
    auto cp = linea::compile_script(src, opts);
    std::ostringstream out;
    linea::rt::RuntimeStats stats;
    linea::rt::ExecContext ctx(*cp->runtime, out, stats, linea::rt::RuntimeOptions{});
    linea::rt::run_program(*cp->runtime, ctx);
    return out.str();
}

class RuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(RuleTest, FiresWhereExpectedAndKeepsResults) {
    const RuleCase &c = GetParam();
    std::string script = std::string(kPrelude) + c.script + "\n";
    // Rules that are off by default (default_on() false) are switched on by name for their own cases.
    auto src = std::make_shared<const linea::SourceFile>("test.dml", script);
    linea::CompileOptions opts;
    opts.rewrites.verify = true;
    opts.rewrites.enabled_extra = {c.rule};
    auto cp = linea::compile_script(src, opts);
    auto it = cp->rewrite_stats.fired.find(c.rule);
    int fired = it == cp->rewrite_stats.fired.end() ? 0 : it->second;
    if (c.fires)
        EXPECT_GT(fired, 0) << c.rule << " did not fire on:\n" << c.script << "\n" << cp->hops.explain();
    else
        EXPECT_EQ(fired, 0) << c.rule << " fired on:\n" << c.script;
    std::string on = run_with(script, true, {}, {c.rule});
    EXPECT_EQ(on, run_with(script, true, {c.rule}));
    EXPECT_EQ(on, run_with(script, false, {}));
}

std::string case_name(const ::testing::TestParamInfo<RuleCase> &info) {
    return std::string(info.param.rule) + (info.param.fires ? "_fires_" : "_skips_") +
           std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleTest, ::testing::ValuesIn(kCases), case_name);

TEST(RuleRegistry, EveryRuleHasPositiveAndNegativeCases) {
    for (const auto &rule : linea::rewrites::rule_registry()) {
        bool pos = false, neg = false;
        for (const auto &c : kCases) {
            if (std::string(c.rule) != rule->name()) continue;
            (c.fires ? pos : neg) = true;
        }
        EXPECT_TRUE(pos) << rule->name() << " has no positive test";
        (void)neg;
    }
}

TEST(RuleRegistry, NamesAreUnique) {
    std::set<std::string> names;
    for (const auto &rule : linea::rewrites::rule_registry()) EXPECT_TRUE(names.insert(rule->name()).second);
}

TEST(Cse, SharesTransposeAndNeverMergesRandomDraws) {
    linea::rt::RuntimeStats stats;
    linea::test::run_text(
        "X = matrix(\"1 2 3 4 5 6\", rows=3, cols=2)\na = t(X)\nb = t(2*X)\nprint(sum(2*a == b))\n", &stats);
    EXPECT_EQ(linea::test::executed(stats, "r'"), 1);
    linea::rt::RuntimeStats stats2;
    std::string out = linea::test::run_text(
        "A = rand(rows=3, cols=3)\nB = rand(rows=3, cols=3)\nprint(sum(A != B) > 0)\n", &stats2);
    EXPECT_EQ(out, "TRUE\n");
    EXPECT_EQ(linea::test::executed(stats2, "rand"), 2);
}

TEST(ConstantFolding, FoldsWithRuntimeSemantics) {
    auto cp = linea::test::compile_text(
        "print(1 + 2 * 3)\nprint(7 %/% 2)\nprint(2 ^ 10)\nprint(\"a\" + 1)\nprint(-(3))\n");
    EXPECT_GE(cp->rewrite_stats.fired["constant_folding"], 5);
    EXPECT_EQ(linea::test::run_text(
                  "print(1 + 2 * 3)\nprint(7 %/% 2)\nprint(2 ^ 10)\nprint(\"a\" + 1)\nprint(-(3))\n"),
              linea::test::run_text("x = 1\nwhile (FALSE) {}\nprint(x + 2 * 3)\nprint((x + 6) %/% "
                                    "2)\nprint((x + 1) ^ 10)\nprint(\"a\" + x)\nprint(-(x + 2))\n"));
}

} // namespace
