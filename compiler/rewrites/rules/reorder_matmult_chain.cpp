// (A%*%B)%*%C -> A%*%(B%*%C) etc.: the cheapest parenthesization of a matrix-multiply chain
// (dynamic programming over the known dimensions; rounding may differ in the last bits, as in SystemDS).
#include "compiler/rewrites/rewrite.h"

#include <limits>

namespace linea::rewrites {

namespace {

bool chain_link(const Hop *h) {
    return h->kind == HopKind::MatMult && h->mm_method == hops::MatMultMethod::Default;
}

/// Collects the operands of the chain rooted at h (inner links must have no other consumer).
void collect(Hop *h, bool root, std::vector<Hop *> &ops) {
    if (chain_link(h) && (root || live_parents(h) == 1)) {
        collect(h->inputs[0], false, ops);
        collect(h->inputs[1], false, ops);
    } else {
        ops.push_back(h);
    }
}

/// Flops of the current tree (same definition as the DP).
double current_cost(const Hop *h, bool root) {
    if (!(chain_link(h) && (root || live_parents(h) == 1))) return 0;
    const Hop *a = h->inputs[0], *b = h->inputs[1];
    return current_cost(a, false) + current_cost(b, false) +
           static_cast<double>(*a->rows) * static_cast<double>(*a->cols) * static_cast<double>(*b->cols);
}

class ReorderMatMultChain : public HopRewrite {
public:
    const char *name() const override { return "reorder_matmult_chain"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!chain_link(h)) return nullptr;
        // Only the top of a chain.
        for (const Hop *p : h->parents)
            if (chain_link(p) && live_parents(h) == 1) return nullptr;
        std::vector<Hop *> ops;
        collect(h, true, ops);
        const size_t n = ops.size();
        if (n < 3) return nullptr;
        std::vector<double> d(n + 1);
        for (size_t i = 0; i < n; ++i) {
            if (!known_dims(ops[i])) return nullptr;
            if (i > 0 && *ops[i - 1]->cols != *ops[i]->rows)
                return nullptr; // a shape error, reported at run time
            d[i] = static_cast<double>(*ops[i]->rows);
        }
        d[n] = static_cast<double>(*ops[n - 1]->cols);
        // cost[i][j]: cheapest product of ops i..j; split[i][j]: where it splits.
        std::vector<std::vector<double>> cost(n, std::vector<double>(n, 0));
        std::vector<std::vector<size_t>> split(n, std::vector<size_t>(n, 0));
        for (size_t len = 2; len <= n; ++len)
            for (size_t i = 0; i + len <= n; ++i) {
                size_t j = i + len - 1;
                cost[i][j] = std::numeric_limits<double>::infinity();
                for (size_t k = i; k < j; ++k) {
                    double c = cost[i][k] + cost[k + 1][j] + d[i] * d[k + 1] * d[j + 1];
                    if (c < cost[i][j]) {
                        cost[i][j] = c;
                        split[i][j] = k;
                    }
                }
            }
        // Rebuild only when strictly cheaper than the tree as written (so the rule terminates).
        if (!(cost[0][n - 1] < current_cost(h, true) * (1 - 1e-9))) return nullptr;
        struct Builder {
            RewriteContext &ctx;
            const std::vector<Hop *> &ops;
            const std::vector<std::vector<size_t>> &split;
            const SourceLoc &loc;
            Hop *build(size_t i, size_t j) {
                if (i == j) return ops[i];
                size_t k = split[i][j];
                return ctx.matmult(build(i, k), build(k + 1, j), loc);
            }
        } b{ctx, ops, split, h->loc};
        return b.build(0, n - 1);
    }
};

} // namespace

std::unique_ptr<HopRewrite> make_reorder_matmult_chain() {
    return std::make_unique<ReorderMatMultChain>();
}

} // namespace linea::rewrites
