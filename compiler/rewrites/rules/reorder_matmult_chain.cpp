// (A%*%B)%*%C -> A%*%(B%*%C) etc.: the cheapest parenthesization of a matrix-multiply chain
// (dynamic programming over the known dimensions; rounding may differ in the last bits, as in SystemDS).
// When every operand's nnz is known or estimated and one is sparse, the cost is sparsity-aware: a product of
// m x k and k x n operands with densities dA and dB costs m*k*n*dA*dB multiply-adds plus its output
// (m*n cells, or its estimated nnz when sparse), and intermediate densities come from the
// metadata average-case estimator, or from MNC sketches of the live operands at dynamic recompilation
// (compiler/estim).
#include "compiler/estim/estimator.h"
#include "compiler/rewrites/rewrite.h"

#include "kernels/ops.h"

#include <cmath>
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

/// Cost model of one product: dimension-only (densities 1) or sparsity-aware.
struct Cost {
    double flops = 0;   ///< total cost of the (sub)tree
    double density = 1; ///< estimated density of its output
};

/// Density of the product of m x k and k x n operands (average case, as estim's meta_avg).
double product_density(double da, double db, double k) {
    return -std::expm1(k * std::log1p(-std::min(1.0, da * db)));
}

/// Estimated nnz of every sub-chain ops[i..j] (empty: use the average-case densities).
using SubChainNnz = std::vector<std::vector<double>>;

/// The cost of one product given its operands' costs and the dimensions m x k x n; `out_nnz` is the
/// sub-chain's estimate when known.
Cost product_cost(const Cost &a, const Cost &b, double m, double k, double n, bool sparse,
                  std::optional<double> out_nnz) {
    if (!sparse) return {a.flops + b.flops + m * k * n, 1.0};
    const double d =
        out_nnz && m * n > 0 ? std::min(1.0, *out_nnz / (m * n)) : product_density(a.density, b.density, k);
    const double out = kernels::prefer_sparse(static_cast<int64_t>(m), static_cast<int64_t>(n),
                                              static_cast<int64_t>(d * m * n))
                           ? d * m * n
                           : m * n;
    return {a.flops + b.flops + m * k * n * a.density * b.density + out, d};
}

/// Exact nnz when known, else the estimate (e.g. live data at dynamic recompilation).
std::optional<double> nnz_of(const Hop *h) {
    return h->nnz ? std::optional<double>(static_cast<double>(*h->nnz)) : h->est_nnz;
}

double density_of(const Hop *h) {
    const double cells = static_cast<double>(*h->rows) * static_cast<double>(*h->cols);
    return cells > 0 ? std::min(1.0, *nnz_of(h) / cells) : 1.0;
}

/// Cost of the current tree (same definition as the DP); `next` numbers the operands left to right.
Cost current_cost(const Hop *h, bool root, bool sparse, const SubChainNnz &sub, size_t &next) {
    if (!(chain_link(h) && (root || live_parents(h) == 1))) {
        ++next;
        return {0, sparse ? density_of(h) : 1.0};
    }
    const Hop *a = h->inputs[0], *b = h->inputs[1];
    const size_t first = next;
    const Cost ca = current_cost(a, false, sparse, sub, next), cb = current_cost(b, false, sparse, sub, next);
    return product_cost(ca, cb, static_cast<double>(*a->rows), static_cast<double>(*a->cols),
                        static_cast<double>(*b->cols), sparse,
                        sub.empty() ? std::nullopt : std::optional<double>(sub[first][next - 1]));
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
        // Sparsity-aware when every operand's nnz is known and at least one operand is sparse.
        bool sparse = true, any_sparse = false;
        for (const Hop *o : ops) {
            sparse = sparse && nnz_of(o).has_value();
            if (nnz_of(o)) any_sparse |= density_of(o) < 0.4;
        }
        sparse = sparse && any_sparse;
        // With every operand's live data at hand (dynamic recompilation), MNC sketches estimate the
        // sub-chains.
        SubChainNnz sub;
        bool all_live = sparse;
        for (const Hop *o : ops) all_live = all_live && o->live != nullptr;
        if (all_live) {
            std::vector<estim::EstimNodePtr> leaves;
            for (const Hop *o : ops) leaves.push_back(estim::leaf(o->live));
            sub = estim::mnc_chain_nnz(leaves);
        }
        // cost[i][j]: cheapest product of ops i..j; split[i][j]: where it splits.
        std::vector<std::vector<Cost>> cost(n, std::vector<Cost>(n));
        std::vector<std::vector<size_t>> split(n, std::vector<size_t>(n, 0));
        for (size_t i = 0; i < n; ++i) cost[i][i] = {0, sparse ? density_of(ops[i]) : 1.0};
        for (size_t len = 2; len <= n; ++len)
            for (size_t i = 0; i + len <= n; ++i) {
                size_t j = i + len - 1;
                cost[i][j].flops = std::numeric_limits<double>::infinity();
                for (size_t k = i; k < j; ++k) {
                    Cost c = product_cost(cost[i][k], cost[k + 1][j], d[i], d[k + 1], d[j + 1], sparse,
                                          sub.empty() ? std::nullopt : std::optional<double>(sub[i][j]));
                    if (c.flops < cost[i][j].flops) {
                        cost[i][j] = c;
                        split[i][j] = k;
                    }
                }
            }
        // Rebuild only when strictly cheaper than the tree as written (so the rule terminates).
        size_t next = 0;
        if (!(cost[0][n - 1].flops < current_cost(h, true, sparse, sub, next).flops * (1 - 1e-9)))
            return nullptr;
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
