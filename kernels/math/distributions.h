// Cumulative distribution functions and their inverses for the DML builtins cdf / icdf and
// pnorm pexp pchisq pf pt / qnorm qexp qchisq qf qt (scalars; SystemDS's parameterization).
#pragma once

namespace linea::kernels {

/// The distributions DML's cdf/icdf know, by their `dist` names "normal", "exp", "chisq", "f", "t".
enum class Distribution { Normal, Exp, ChiSq, F, T };

/// Parameters of a distribution; only those of the chosen one are read. Callers validate them
/// (sd, rate, df, df1, df2 > 0).
struct DistParams {
    double mean = 0.0; ///< normal
    double sd = 1.0;   ///< normal
    double rate = 1.0; ///< exp (mean 1/rate)
    double df = 0.0;   ///< chisq, t
    double df1 = 0.0;  ///< f
    double df2 = 0.0;  ///< f
};

/// P[X <= q] when lower_tail, else P[X > q] (computed directly, not as 1 - P[X <= q], so small upper
/// tails keep their precision). NaN in, NaN out.
double dist_cdf(Distribution d, const DistParams &p, double q, bool lower_tail);

/// The quantile: q with P[X <= q] = prob, prob in [0, 1] (0 and 1 give the support's ends, which may
/// be infinite). NaN in, NaN out. Accurate to a few ulps of the cdf's own accuracy.
double dist_icdf(Distribution d, const DistParams &p, double prob);

/// Regularized lower incomplete gamma P(a, x) and its complement Q(a, x) (a > 0, x >= 0).
void gamma_pq(double a, double x, double &p, double &q);

/// Regularized incomplete beta I_x(a, b) and its complement 1 - I_x(a, b) (a, b > 0, 0 <= x <= 1).
void beta_pq(double a, double b, double x, double &p, double &q);

} // namespace linea::kernels
