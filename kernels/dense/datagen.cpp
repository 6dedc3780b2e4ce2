// Data generation: fill, from_values, seq, rand.
#include "kernels/ops.h"
#include "kernels/parallel.h"

#include <cmath>
#include <numbers>
#include <string>

namespace linea::kernels {

namespace {

std::string num(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15)
        return std::to_string(static_cast<int64_t>(v));
    return format_double(v);
}

// --- random numbers: xoshiro256** seeded per block through splitmix64, so each block of cells
// has its own stream and blocks can be generated in any order (or in parallel) with the same result.
uint64_t splitmix64(uint64_t &x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class Xoshiro {
public:
    Xoshiro(uint64_t seed, uint64_t stream) {
        uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL + 0x2545f4914f6cdd1dULL);
        for (auto &w : s_) w = splitmix64(x);
    }
    uint64_t next() {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Standard normal (Box-Muller; the second variate is dropped to keep streams simple).
    double normal() {
        const double u1 = 1.0 - uniform(); // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    double poisson(double lambda) {
        if (lambda <= 0.0) return 0.0;
        if (lambda < 30.0) { // Knuth: multiply uniforms until below e^-lambda
            const double limit = std::exp(-lambda);
            double p = uniform();
            int64_t k = 0;
            while (p > limit) {
                p *= uniform();
                ++k;
            }
            return static_cast<double>(k);
        }
        // Hoermann's transformed rejection with squeeze (PTRS) for large lambda.
        const double slam = std::sqrt(lambda), loglam = std::log(lambda);
        const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
        const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            const double u = uniform() - 0.5, v = uniform();
            const double us = 0.5 - std::abs(u);
            const double k = std::floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
                -lambda + k * loglam - std::lgamma(k + 1))
                return k;
        }
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t s_[4];
};

constexpr int64_t kRandBlock = 4096; // cells per random stream

} // namespace

MatrixPtr fill(int64_t rows, int64_t cols, double v) {
    if (rows < 0 || cols < 0)
        throw KernelError("invalid matrix dimensions " + std::to_string(rows) + "x" + std::to_string(cols));
    return std::make_shared<MatrixBlock>(rows, cols, v);
}

MatrixPtr from_values(const std::vector<double> &values, int64_t rows, int64_t cols, bool byrow) {
    if (rows < 0 || cols < 0)
        throw KernelError("invalid matrix dimensions " + std::to_string(rows) + "x" + std::to_string(cols));
    const int64_t n = rows * cols;
    if (values.size() == 1) return std::make_shared<MatrixBlock>(rows, cols, values[0]);
    if (static_cast<int64_t>(values.size()) != n)
        throw KernelError("cannot fill a " + std::to_string(rows) + "x" + std::to_string(cols) +
                          " matrix with " + std::to_string(values.size()) + " values");
    auto out = MatrixBlock::uninitialized(rows, cols);
    double *dst = out->mutable_data();
    if (byrow) {
        std::copy(values.begin(), values.end(), dst);
    } else {
        for (int64_t k = 0; k < n; ++k) dst[(k % rows) * cols + k / rows] = values[k];
    }
    out->recompute_nnz();
    return out;
}

MatrixPtr seq(double from, double to, double incr) {
    const std::string call = "seq(" + num(from) + ", " + num(to) + ", " + num(incr) + ")";
    if (!std::isfinite(from) || !std::isfinite(to) || !std::isfinite(incr))
        throw KernelError("invalid arguments in " + call);
    if (from == to) return std::make_shared<MatrixBlock>(1, 1, from);
    if (incr == 0.0) throw KernelError("increment of 0 in " + call);
    if ((from < to && incr < 0) || (from > to && incr > 0))
        throw KernelError("wrong sign for increment in " + call);
    // Length as SystemDS computes it: 1 + floor(to/incr - from/incr), plus one more element when
    // round-off made the quotient fall just short of an element that still lies within [from, to].
    const double q = std::floor(to / incr - from / incr);
    if (q > 1e12) throw KernelError("sequence too long in " + call);
    int64_t len = 1 + static_cast<int64_t>(q);
    const double next = from + static_cast<double>(len) * incr;
    if (incr > 0 ? next <= to : next >= to) ++len;
    auto out = MatrixBlock::uninitialized(len, 1);
    double *dst = out->mutable_data();
    for (int64_t i = 0; i < len; ++i) dst[i] = from + static_cast<double>(i) * incr;
    out->recompute_nnz();
    return out;
}

MatrixPtr rand(int64_t rows, int64_t cols, double min, double max, double sparsity, RandPdf pdf,
               double lambda, uint64_t seed) {
    if (rows < 0 || cols < 0)
        throw KernelError("invalid matrix dimensions " + std::to_string(rows) + "x" + std::to_string(cols));
    if (!(sparsity >= 0.0 && sparsity <= 1.0))
        throw KernelError("rand: sparsity must be in [0, 1], got " + format_double(sparsity));
    if (pdf == RandPdf::Uniform && !(min <= max))
        throw KernelError("rand: min (" + format_double(min) + ") must not exceed max (" +
                          format_double(max) + ")");
    if (pdf == RandPdf::Poisson && !(lambda >= 0.0))
        throw KernelError("rand: lambda must be non-negative, got " + format_double(lambda));
    const int64_t n = rows * cols;
    const int64_t blocks = (n + kRandBlock - 1) / kRandBlock;
    const double range = max - min;
    auto draw = [&](Xoshiro &rng) {
        switch (pdf) {
        case RandPdf::Uniform:
            return min + range * rng.uniform();
        case RandPdf::Normal:
            return rng.normal();
        case RandPdf::Poisson:
            return rng.poisson(lambda);
        }
        return 0.0;
    };
    if (sparsity < 1.0 &&
        prefer_sparse(rows, cols, static_cast<int64_t>(sparsity * static_cast<double>(n)))) {
        // CSR directly: the same streams and draws as the dense path (identical cells), keeping only
        // the non-zeros of each block; blocks are in row-major order, so concatenating them sorts the
        // entries.
        std::vector<std::vector<int64_t>> bidx(static_cast<size_t>(blocks));
        std::vector<std::vector<double>> bval(static_cast<size_t>(blocks));
        detail::parallel_range(blocks, n, [&](int64_t b0, int64_t b1) {
            for (int64_t b = b0; b < b1; ++b) {
                Xoshiro rng(seed, static_cast<uint64_t>(b));
                const int64_t end = std::min(n, (b + 1) * kRandBlock);
                for (int64_t i = b * kRandBlock; i < end; ++i) {
                    if (!(rng.uniform() < sparsity)) continue;
                    const double v = draw(rng);
                    if (v == 0.0) continue;
                    bidx[b].push_back(i);
                    bval[b].push_back(v);
                }
            }
        });
        int64_t nnz = 0;
        for (const auto &v : bval) nnz += static_cast<int64_t>(v.size());
        CsrVector<int64_t> rp(static_cast<size_t>(rows) + 1, 0);
        CsrVector<int32_t> ci;
        CsrVector<double> cv;
        ci.reserve(static_cast<size_t>(nnz));
        cv.reserve(static_cast<size_t>(nnz));
        for (int64_t b = 0; b < blocks; ++b) {
            for (size_t k = 0; k < bidx[b].size(); ++k) {
                const int64_t i = bidx[b][k];
                ++rp[i / cols + 1];
                ci.push_back(static_cast<int32_t>(i % cols));
                cv.push_back(bval[b][k]);
            }
            std::vector<int64_t>().swap(bidx[b]);
            std::vector<double>().swap(bval[b]);
        }
        for (int64_t i = 0; i < rows; ++i) rp[i + 1] += rp[i];
        return MatrixBlock::sparse_trusted(rows, cols, std::move(rp), std::move(ci), std::move(cv));
    }
    auto out = MatrixBlock::uninitialized(rows, cols);
    double *dst = out->mutable_data();
    detail::parallel_range(blocks, n, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
            Xoshiro rng(seed, static_cast<uint64_t>(b));
            const int64_t end = std::min(n, (b + 1) * kRandBlock);
            for (int64_t i = b * kRandBlock; i < end; ++i) {
                if (sparsity < 1.0 && !(rng.uniform() < sparsity)) {
                    dst[i] = 0.0;
                    continue;
                }
                dst[i] = draw(rng);
            }
        }
    });
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
