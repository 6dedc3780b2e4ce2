// Distribution functions from the regularized incomplete gamma and beta functions (power series and
// Lentz-evaluated continued fractions), quantiles by bisection on the monotone cdf.
#include "kernels/math/distributions.h"

#include <cmath>
#include <limits>

namespace linea::kernels {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTiny = 1e-300; // keeps the Lentz recurrences away from division by zero
constexpr double kEps = 1e-16;
constexpr int kMaxTerms = 100000;

double log_gamma(double x) {
    int sign = 0;
    return ::lgamma_r(x, &sign); // reentrant: std::lgamma writes the global signgam
}

// One step of the modified Lentz algorithm for a continued fraction b0 + a1/(b1 + a2/(b2 + ...)):
// updates the running c and d with the next partial numerator `an` and denominator `bn` and returns
// the factor the value is multiplied by.
double lentz_step(double an, double bn, double &c, double &d) {
    d = bn + an * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = bn + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    return d * c;
}

// Continued fraction of Q(a, x) for x >= a + 1 (modified Lentz), times exp(-x) x^a / Gamma(a) by the caller.
double gamma_cf(double a, double x) {
    double b = x + 1.0 - a, c = 1.0 / kTiny, d = 1.0 / b, h = d;
    for (int i = 1; i < kMaxTerms; ++i) {
        b += 2.0;
        const double delta = lentz_step(-i * (i - a), b, c, d);
        h *= delta;
        if (std::fabs(delta - 1.0) < kEps) break;
    }
    return h;
}

// Power series of P(a, x) for x < a + 1, times exp(-x) x^a / Gamma(a) by the caller.
double gamma_series(double a, double x) {
    double ap = a, del = 1.0 / a, sum = del;
    for (int n = 0; n < kMaxTerms; ++n) {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if (std::fabs(del) < std::fabs(sum) * kEps) break;
    }
    return sum;
}

// Continued fraction for I_x(a, b) (converges fast for x < (a + 1) / (a + b + 2)).
double beta_cf(double a, double b, double x) {
    const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (std::fabs(d) < kTiny) d = kTiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m < kMaxTerms; ++m) {
        const double m2 = 2.0 * m;
        h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), 1.0, c, d);
        const double delta = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), 1.0, c, d);
        h *= delta;
        if (std::fabs(delta - 1.0) < kEps) break;
    }
    return h;
}

// Support of a distribution: [lo, hi].
void support(Distribution d, double &lo, double &hi) {
    lo = (d == Distribution::Normal || d == Distribution::T) ? -kInf : 0.0;
    hi = kInf;
}

} // namespace

void gamma_pq(double a, double x, double &p, double &q) {
    if (std::isnan(a) || std::isnan(x)) {
        p = q = kNaN;
        return;
    }
    if (x <= 0.0) {
        p = 0.0;
        q = 1.0;
        return;
    }
    if (std::isinf(x)) {
        p = 1.0;
        q = 0.0;
        return;
    }
    const double front = std::exp(a * std::log(x) - x - log_gamma(a));
    if (x < a + 1.0) {
        p = front * gamma_series(a, x);
        q = 1.0 - p;
    } else {
        q = front * gamma_cf(a, x);
        p = 1.0 - q;
    }
}

void beta_pq(double a, double b, double x, double &p, double &q) {
    if (std::isnan(a) || std::isnan(b) || std::isnan(x)) {
        p = q = kNaN;
        return;
    }
    if (x <= 0.0) {
        p = 0.0;
        q = 1.0;
        return;
    }
    if (x >= 1.0) {
        p = 1.0;
        q = 0.0;
        return;
    }
    const double front =
        std::exp(log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) + b * std::log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0)) {
        p = front * beta_cf(a, b, x) / a;
        q = 1.0 - p;
    } else {
        q = front * beta_cf(b, a, 1.0 - x) / b;
        p = 1.0 - q;
    }
}

double dist_cdf(Distribution d, const DistParams &p, double q, bool lower_tail) {
    if (std::isnan(q)) return kNaN;
    double lo = 0.0, up = 0.0;
    switch (d) {
    case Distribution::Normal: {
        const double z = (q - p.mean) / p.sd / std::sqrt(2.0);
        return lower_tail ? 0.5 * std::erfc(-z) : 0.5 * std::erfc(z);
    }
    case Distribution::Exp:
        if (q <= 0.0) return lower_tail ? 0.0 : 1.0;
        return lower_tail ? -std::expm1(-p.rate * q) : std::exp(-p.rate * q);
    case Distribution::ChiSq:
        gamma_pq(p.df / 2.0, q / 2.0, lo, up);
        break;
    case Distribution::F: {
        if (q <= 0.0) return lower_tail ? 0.0 : 1.0;
        if (std::isinf(q)) return lower_tail ? 1.0 : 0.0;
        // X = d1 q / (d1 q + d2) ~ Beta(d1/2, d2/2); the complement 1 - X = d2 / (d1 q + d2) exactly.
        const double den = p.df1 * q + p.df2;
        const double x = p.df1 * q / den;
        if (x < 0.5) {
            beta_pq(p.df1 / 2.0, p.df2 / 2.0, x, lo, up);
        } else {
            beta_pq(p.df2 / 2.0, p.df1 / 2.0, p.df2 / den, up, lo);
        }
        break;
    }
    case Distribution::T: {
        if (std::isinf(q)) return (q > 0) == lower_tail ? 1.0 : 0.0;
        // P[|T| > |q|] = I_x(df/2, 1/2) with x = df / (df + q^2).
        double tail = 0.0, rest = 0.0;
        beta_pq(p.df / 2.0, 0.5, p.df / (p.df + q * q), tail, rest);
        const double half = 0.5 * tail; // P[T > |q|]
        if (q > 0.0) {
            lo = 1.0 - half;
            up = half;
        } else {
            lo = half;
            up = 1.0 - half;
        }
        break;
    }
    }
    return lower_tail ? lo : up;
}

double dist_icdf(Distribution d, const DistParams &p, double prob) {
    if (std::isnan(prob)) return kNaN;
    double lo = 0.0, hi = 0.0;
    support(d, lo, hi);
    if (prob <= 0.0) return lo;
    if (prob >= 1.0) return hi;
    if (d == Distribution::Exp) return -std::log1p(-prob) / p.rate;
    // Solve through whichever tail keeps precision: lower cdf = prob, or upper cdf = 1 - prob.
    const bool use_lower = prob <= 0.5;
    const double target = use_lower ? prob : 1.0 - prob;
    auto below = [&](double x) { // true when x lies left of the quantile
        const double c = dist_cdf(d, p, x, use_lower);
        return use_lower ? c < target : c > target;
    };
    // Bracket: start at the centre (mean, or 0/1 for positive supports) and grow geometrically.
    const double centre = d == Distribution::Normal ? p.mean : d == Distribution::T ? 0.0 : 1.0;
    const double scale = d == Distribution::Normal ? p.sd : 1.0;
    double a = centre, b = centre;
    if (below(centre)) {
        double step = scale;
        b = centre + step;
        while (below(b) && std::isfinite(b)) {
            a = b;
            step *= 2.0;
            b = centre + step;
        }
    } else {
        double step = scale;
        a = std::isinf(lo) ? centre - step : 0.0;
        if (std::isinf(lo)) {
            while (!below(a) && std::isfinite(a)) {
                b = a;
                step *= 2.0;
                a = centre - step;
            }
        }
    }
    if (!std::isfinite(a) || !std::isfinite(b)) return below(0.0) ? hi : lo;
    // Bisection down to adjacent doubles: below(a) holds, below(b) does not (or a is the support's end).
    for (int i = 0; i < 2200; ++i) {
        const double mid = a + (b - a) / 2.0;
        if (mid <= a || mid >= b) break;
        if (below(mid))
            a = mid;
        else
            b = mid;
    }
    return b;
}

} // namespace linea::kernels
