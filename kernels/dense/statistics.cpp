// Order statistics and moments of column vectors: moment, cov, quantile, median.
#include "kernels/ops.h"
#include "kernels/parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace linea::kernels {

namespace {

std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

void check_vector(const MatrixBlock &x, const char *fn, const char *what) {
    if (x.cols() != 1)
        throw KernelError(std::string(fn) + ": " + what + " must be a column vector, got " + shape(x));
}

void check_weights(const MatrixBlock &x, const MatrixBlock *w, const char *fn) {
    if (w && (w->cols() != 1 || w->rows() != x.rows()))
        throw KernelError(std::string(fn) + ": the weights must be a " + std::to_string(x.rows()) +
                          "x1 vector, got " + shape(*w));
}

double weight(const MatrixBlock *w, int64_t i) {
    return w ? w->get(i, 0) : 1.0;
}

/// Java's Double.compare order: NaN after +Inf.
bool less_nan_last(double a, double b) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return a < b;
}

/// Sorted values with their cumulative weights: value_at(k) is the smallest value whose cumulative
/// weight reaches k.
struct Sorted {
    std::vector<double> values, cum;
    Sorted(const MatrixBlock &x, const MatrixBlock *w) {
        const int64_t n = x.rows();
        std::vector<int64_t> ix(static_cast<size_t>(n));
        std::iota(ix.begin(), ix.end(), int64_t{0});
        std::stable_sort(ix.begin(), ix.end(),
                         [&](int64_t a, int64_t b) { return less_nan_last(x.get(a, 0), x.get(b, 0)); });
        double c = 0;
        for (int64_t i : ix) {
            const double wi = weight(w, i);
            if (wi <= 0) continue;
            c += wi;
            values.push_back(x.get(i, 0));
            cum.push_back(c);
        }
    }
    double total() const { return cum.empty() ? 0.0 : cum.back(); }
    double value_at(double k) const {
        auto it = std::lower_bound(cum.begin(), cum.end(), k);
        if (it == cum.end()) --it;
        return values[static_cast<size_t>(it - cum.begin())];
    }
};

} // namespace

double central_moment(const MatrixBlock &x_in, const MatrixBlock *w_in, int order) {
    const MatrixPtr x_dense = dense_input(x_in);
    const MatrixBlock &x = *x_dense;
    const MatrixPtr w_dense = w_in ? dense_input(*w_in) : nullptr;
    const MatrixBlock *w = w_dense.get();
    check_vector(x, "moment", "the input");
    check_weights(x, w, "moment");
    if (order < 2 || order > 4)
        throw KernelError("moment: the order must be 2, 3 or 4, got " + std::to_string(order));
    const int64_t n = x.rows();
    detail::Kahan ws, wx;
    for (int64_t i = 0; i < n; ++i) {
        ws.add(weight(w, i));
        wx.add(weight(w, i) * x.get(i, 0));
    }
    if (n == 0 || ws.sum == 0.0) return std::numeric_limits<double>::quiet_NaN();
    const double mean = wx.sum / ws.sum;
    detail::Kahan acc;
    for (int64_t i = 0; i < n; ++i) {
        const double d = x.get(i, 0) - mean;
        acc.add(weight(w, i) * std::pow(d, order));
    }
    return acc.sum / ws.sum;
}

double covariance(const MatrixBlock &x_in, const MatrixBlock &y_in, const MatrixBlock *w_in) {
    const MatrixPtr x_dense = dense_input(x_in);
    const MatrixBlock &x = *x_dense;
    const MatrixPtr y_dense = dense_input(y_in);
    const MatrixBlock &y = *y_dense;
    const MatrixPtr w_dense = w_in ? dense_input(*w_in) : nullptr;
    const MatrixBlock *w = w_dense.get();
    check_vector(x, "cov", "the first input");
    check_vector(y, "cov", "the second input");
    if (y.rows() != x.rows())
        throw KernelError("cov: the inputs must have the same length, got " + shape(x) + " and " + shape(y));
    check_weights(x, w, "cov");
    const int64_t n = x.rows();
    detail::Kahan ws, sx, sy;
    for (int64_t i = 0; i < n; ++i) {
        const double wi = weight(w, i);
        ws.add(wi);
        sx.add(wi * x.get(i, 0));
        sy.add(wi * y.get(i, 0));
    }
    if (n == 0) return std::numeric_limits<double>::quiet_NaN();
    const double mx = sx.sum / ws.sum, my = sy.sum / ws.sum;
    detail::Kahan c;
    for (int64_t i = 0; i < n; ++i) c.add(weight(w, i) * (x.get(i, 0) - mx) * (y.get(i, 0) - my));
    return c.sum / (ws.sum - 1.0);
}

std::vector<double> quantile(const MatrixBlock &x_in, const MatrixBlock *w_in, const std::vector<double> &p) {
    const MatrixPtr x_dense = dense_input(x_in);
    const MatrixBlock &x = *x_dense;
    const MatrixPtr w_dense = w_in ? dense_input(*w_in) : nullptr;
    const MatrixBlock *w = w_dense.get();
    check_vector(x, "quantile", "the input");
    check_weights(x, w, "quantile");
    for (double q : p)
        if (!(q >= 0.0 && q <= 1.0))
            throw KernelError("quantile: the probability must be in [0, 1], got " + format_double(q));
    const Sorted s(x, w);
    if (s.values.empty()) throw KernelError("quantile: the input is empty");
    std::vector<double> out;
    out.reserve(p.size());
    for (double q : p) out.push_back(s.value_at(std::max(1.0, std::ceil(q * s.total()))));
    return out;
}

double median(const MatrixBlock &x_in, const MatrixBlock *w_in) {
    const MatrixPtr x_dense = dense_input(x_in);
    const MatrixBlock &x = *x_dense;
    const MatrixPtr w_dense = w_in ? dense_input(*w_in) : nullptr;
    const MatrixBlock *w = w_dense.get();
    check_vector(x, "median", "the input");
    check_weights(x, w, "median");
    const Sorted s(x, w);
    if (s.values.empty()) throw KernelError("median: the input is empty");
    const double half = 0.5 * s.total();
    const double pos = std::max(1.0, std::ceil(half));
    const double v = s.value_at(pos);
    // An even total weight: average the two middle values.
    if (half == pos) return (v + s.value_at(pos + 1)) / 2.0;
    return v;
}

} // namespace linea::kernels
