// Metadata-only estimators (average and worst case): they see rows, cols and nnz of each input.
#include "compiler/estim/estimator.h"

#include <algorithm>
#include <cmath>

namespace linea::estim {

namespace {

double cells(const EstimNode &n) {
    return static_cast<double>(n.rows) * static_cast<double>(n.cols);
}

class MetadataEstimator : public SparsityEstimator {
public:
    explicit MetadataEstimator(bool worst) : worst_(worst) {}
    const char *name() const override { return worst_ ? "meta_worst" : "meta_avg"; }

    double estimate_nnz(const EstimNode &n) const override {
        std::vector<double> in;
        for (const auto &x : n.inputs) in.push_back(estimate_nnz(*x));
        const double m = cells(n);
        auto dens = [&](size_t k) {
            const double c = cells(*n.inputs[k]);
            return c > 0 ? in[k] / c : 0.0;
        };
        switch (n.op) {
        case EstimOp::Leaf:
            return static_cast<double>(n.leaf_nnz);
        case EstimOp::MatMult: {
            const double k = static_cast<double>(n.inputs[0]->cols), da = dens(0), db = dens(1);
            if (worst_) return std::min(1.0, da * k) * std::min(1.0, db * k) * m;
            // 1 - (1 - da*db)^k, stable for tiny densities.
            return -std::expm1(k * std::log1p(-std::min(1.0, da * db))) * m;
        }
        case EstimOp::Mult:
            return worst_ ? std::min(in[0], in[1]) : dens(0) * dens(1) * m;
        case EstimOp::Plus:
        case EstimOp::NotEqual:
            return worst_ ? std::min(m, in[0] + in[1]) : (dens(0) + dens(1) - dens(0) * dens(1)) * m;
        case EstimOp::Equal:
            return worst_ ? m : (1 - (dens(0) + dens(1) - dens(0) * dens(1))) * m;
        case EstimOp::Transpose:
        case EstimOp::Reshape:
        case EstimOp::RemoveEmptyRows:
        case EstimOp::RemoveEmptyCols:
            return in[0];
        case EstimOp::Cbind:
        case EstimOp::Rbind: {
            double s = 0;
            for (double v : in) s += v;
            return s;
        }
        case EstimOp::Slice:
            return worst_ ? std::min(m, in[0]) : dens(0) * m;
        case EstimOp::Diag:
            if (n.cols == n.rows && n.inputs[0]->cols == 1) return in[0];
            return worst_ ? std::min(m, in[0]) : dens(0) * m;
        case EstimOp::Table:
            // One entry per input row; duplicates of a (row, column) pair merge.
            return std::min(m, static_cast<double>(n.inputs[0]->rows));
        }
        return m;
    }

private:
    bool worst_;
};

} // namespace

double SparsityEstimator::estimate_density(const EstimNode &n) const {
    const double c = cells(n);
    return c > 0 ? estimate_nnz(n) / c : 0.0;
}

std::unique_ptr<SparsityEstimator> make_meta_average() {
    return std::make_unique<MetadataEstimator>(false);
}
std::unique_ptr<SparsityEstimator> make_meta_worst() {
    return std::make_unique<MetadataEstimator>(true);
}

std::vector<std::unique_ptr<SparsityEstimator>> all_estimators() {
    std::vector<std::unique_ptr<SparsityEstimator>> v;
    v.push_back(make_meta_average());
    v.push_back(make_meta_worst());
    v.push_back(make_mnc());
    v.push_back(make_bitset());
    return v;
}

} // namespace linea::estim
