// Sparsity estimators behind one interface: how many non-zeros will an expression's output have?
#pragma once

#include "compiler/estim/estim_node.h"

#include <memory>
#include <string>
#include <vector>

namespace linea::estim {

/// Estimates the nnz of an expression's output. Density means nnz / cells throughout.
class SparsityEstimator {
public:
    virtual ~SparsityEstimator() = default;
    /// Short name for tables and -explain ("meta_avg", "meta_worst", "bitset", "mnc").
    virtual const char *name() const = 0;
    /// Estimated nnz of `n`'s output (exact for leaves with data).
    virtual double estimate_nnz(const EstimNode &n) const = 0;
    /// Estimated density of `n`'s output (0 for an empty shape).
    double estimate_density(const EstimNode &n) const;
};

/// Metadata only, average case: independent uniformly placed non-zeros (e.g. for A %*% B with inner
/// dimension k, density 1 - (1 - dA * dB)^k).
std::unique_ptr<SparsityEstimator> make_meta_average();
/// Metadata only, worst case: an upper bound (e.g. A %*% B: min(1, dA*k) * min(1, dB*k)).
std::unique_ptr<SparsityEstimator> make_meta_worst();
/// Exact: materialises the non-zero pattern as bitsets (for tests and small inputs; throws
/// std::invalid_argument for leaves without data or more than kBitsetMaxCells cells).
std::unique_ptr<SparsityEstimator> make_bitset();
/// MNC sketches (Sommer et al., SIGMOD 2019): exact when the left side of a product has at most one
/// non-zero per row or the right side at most one per column, probabilistic otherwise; sketches are
/// propagated through every operator of EstimOp.
std::unique_ptr<SparsityEstimator> make_mnc();

/// MNC estimates of every sub-chain of a matrix-multiply chain: out[i][j] is the estimated nnz of
/// ops[i] %*% ... %*% ops[j] (left-deep propagation; each leaf is sketched once, O(nnz)).
std::vector<std::vector<double>> mnc_chain_nnz(const std::vector<EstimNodePtr> &ops);

/// Every estimator above, in the order of the accuracy tables.
std::vector<std::unique_ptr<SparsityEstimator>> all_estimators();

/// The largest intermediate the bitset estimator materialises.
constexpr int64_t kBitsetMaxCells = int64_t{1} << 32;

} // namespace linea::estim
