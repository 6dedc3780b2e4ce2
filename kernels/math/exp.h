// exp(x) for every place DML's exp is computed (cell-wise kernels, sigmoid, scalars), so the scalar and the
// matrix paths agree bit for bit. Results are within 1 ulp of the exact value (about 0.51 ulp for normal
// results, 0.76 for subnormal ones; checked against expl in tests/unit/kernels/exp_test.cpp), with exact
// special values: exp(NaN) = NaN, exp(+Inf) = +Inf, exp(-Inf) = +0, exp(+-0) = 1, overflow gives +Inf and
// underflow a subnormal or +0.
//
// Method (table-driven): x = (128k + j) ln2/128 + r with j in [0, 128) and |r| <= ~ln2/256 (Cody-Waite:
// the multiple of ln2/128 split into an exact high part and a small low part), so
// e^x = 2^k * 2^(j/128) * e^r. 2^(j/128) comes from a table as hi + lo (exp_table.h), e^r - 1 is the
// Taylor polynomial to r^5 (truncation below 0.01 ulp), and y = hi + (lo + hi * (e^r - 1)) is rounded once.
// For |x| <= kFastLimit the result is normal, so 2^k is added to y's exponent field (exp_in_range);
// beyond it y is scaled by 2^k in two exact-power steps (so 2^k never overflows and subnormal results
// round once) and the special values are selected (exp_out_of_range). Every step is a plain IEEE
// operation, an integer operation or a table load: no FMA, so any vector width gives the same bits.
//
// Loops: exp_in_range has no branch or select and vectorizes (the table lookup becomes element loads);
// kernels run it over a block and recompute the rare cells with |x| > kFastLimit (or NaN) by exp()
// afterwards (dense/cellwise.cpp), which gives exactly the bits of exp().
#pragma once

#include "kernels/math/exp_table.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace linea::kernels::math {

namespace exp_detail {

/// 128 / ln2.
constexpr double kNOverLn2 = 0x1.71547652b82fep+7;
/// ln2/128 rounded to 35 significant bits: k * kLn2NHi is exact for |k| < 2^18 (|x| < ~1400).
constexpr double kLn2NHi = 0x1.62e42fef80000p-8;
/// ln2/128 - kLn2NHi.
constexpr double kLn2NLo = 0x1.1cf79abc9e3b4p-43;
/// 1.5 * 2^52: adding it rounds a double of magnitude < 2^51 to an integer held in the low mantissa bits.
constexpr double kShifter = 0x1.8p52;
/// exp overflows above ~709.78 and rounds to +0 below ~-745.13; beyond these the result is set directly.
constexpr double kMaxArg = 710.0;
constexpr double kMinArg = -750.0;
constexpr double kInf = __builtin_inf();

/// 1/n! for n = 3..5 (1/2 is exact).
constexpr double kC3 = 0x1.5555555555555p-3;
constexpr double kC4 = 0x1.5555555555555p-5;
constexpr double kC5 = 0x1.1111111111111p-7;

inline uint64_t to_bits(double d) {
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
}
inline double from_bits(uint64_t b) {
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
}

/// x reduced: e^x = y * 2^k with y = 2^(j/128) * e^r rounded (in [0.99, 2]) and k carried in `shifted_bits`
/// (the bits of x * 128/ln2 + kShifter, whose low mantissa bits hold 128k + j).
struct Reduced {
    double y;
    uint64_t shifted_bits;
};

[[gnu::always_inline]] inline Reduced reduce(double x) {
    const double shifted = x * kNOverLn2 + kShifter;
    const double kj = shifted - kShifter; // nearest integer to x * 128/ln2
    const double r = (x - kj * kLn2NHi) - kj * kLn2NLo;
    const uint64_t bits = to_bits(shifted);
    const uint64_t j = bits & 127; // a valid index for any x, even NaN or Inf
    const double hi = kExp2Table[2 * j], lo = kExp2Table[2 * j + 1];
    const double r2 = r * r;
    const double em1 = r + r2 * ((0.5 + r * kC3) + r2 * (kC4 + r * kC5)); // e^r - 1
    return Reduced{hi + (lo + hi * em1), bits};
}

/// (shifted_bits >> 7) is k plus a constant whose low 12 bits are zero, so shifting it into the exponent
/// field adds k (mod 2^12, i.e. exactly for the k that occur).
inline uint64_t k_bits(uint64_t shifted_bits) {
    return shifted_bits >> 7;
}

} // namespace exp_detail

/// |x| <= kExpFastLimit: e^x is a normal double, computed by exp_in_range.
constexpr double kExpFastLimit = 708.0;

/// True when exp_in_range(x) is exp(x): |x| <= kExpFastLimit (false for NaN).
[[gnu::always_inline]] inline bool exp_in_fast_range(double x) {
    return std::fabs(x) <= kExpFastLimit;
}

/// e^x for |x| <= kExpFastLimit (any other x gives a meaningless value, never a trap); no branch or select,
/// so loops over it vectorize.
[[gnu::always_inline]] inline double exp_in_range(double x) {
    using namespace exp_detail;
    const Reduced red = reduce(x);
    return from_bits(to_bits(red.y) + (k_bits(red.shifted_bits) << 52));
}

/// e^x for |x| > kExpFastLimit, NaN and +-Inf: y scaled by 2^k1 * 2^k2 with k1 = floor(k/2), k2 = k - k1
/// (both normal powers for |x| <= kMaxArg, so only the last product rounds), specials selected.
inline double exp_out_of_range(double x) {
    using namespace exp_detail;
    const Reduced red = reduce(x);
    const uint64_t k = k_bits(red.shifted_bits);
    const uint64_t k1 = k >> 1; // the constant in k is even, so this is floor(k/2) plus half of it
    const uint64_t k2 = k - k1;
    const double v = red.y * from_bits((k1 + 1023) << 52) * from_bits((k2 + 1023) << 52);
    // Out of range (including +-Inf) the steps above give garbage; NaN fails both tests and stays NaN.
    const double big = x > kMaxArg ? kInf : v;
    return x < kMinArg ? 0.0 : big;
}

/// e^x within 1 ulp, exact on special values.
[[gnu::always_inline]] inline double exp(double x) {
    return exp_in_fast_range(x) ? exp_in_range(x) : exp_out_of_range(x);
}

} // namespace linea::kernels::math
