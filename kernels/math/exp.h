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
// For |x| <= kExpFastLimit the result is normal, so 2^k is added to y's exponent field (exp_in_range);
// beyond it y is scaled by 2^k in two exact-power steps (so 2^k never overflows and subnormal results
// round once) and the special values are selected (exp_out_of_range). Every step is a plain IEEE
// operation, an integer operation or a table load: no FMA, so any vector width gives the same bits.
//
// Loops: exp_in_range has no branch or select and vectorizes; exp_in_range4 is the same formula on four
// values at once with cheaper table loads, and exp_shift4 + exp_from_shift4 are it in two passes. Kernels
// run those over a block and recompute the rare cells with
// |x| > kExpFastLimit (or NaN) by exp() afterwards (dense/cellwise.cpp), which gives exactly the bits of
// exp().
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

/// Copies the bits of `f` into `t` (a double or a GCC vector of them and the unsigned type of the same size;
/// vectors are passed by reference: a returned AVX vector would depend on the target's ABI).
template <class To, class From> [[gnu::always_inline]] inline void copy_bits(const From &f, To &t) {
    static_assert(sizeof(To) == sizeof(From));
    std::memcpy(&t, &f, sizeof t);
}

/// x reduced: e^x = y * 2^k with y = 2^(j/128) * e^r rounded (in [0.99, 2]) and k carried in `shifted_bits`
/// (the bits of x * 128/ln2 + kShifter, whose low mantissa bits hold 128k + j; (shifted_bits >> 7) is k
/// plus a constant whose low 12 bits are zero, so shifting it into the exponent field adds k). D is double
/// or a GCC vector of doubles, U the unsigned integer (vector) of its size; lookup(j, hi, lo) loads the
/// table pairs j (each j in [0, 128) for any x, even NaN or Inf). Only element-wise operations, so a vector
/// of x gives the bits of each x reduced alone.
/// x * 128/ln2 + kShifter (see reduce).
template <class D> [[gnu::always_inline]] inline void shift(const D &x, D &shifted) {
    shifted = x * kNOverLn2 + kShifter;
}

/// reduce() given `shifted` = shift(x) (computed apart, e.g. a pass ahead).
template <class D, class U, class Lookup>
[[gnu::always_inline]] inline void reduce_shifted(const D &x, const D &shifted, D &y, U &shifted_bits,
                                                  Lookup lookup) {
    const D kj = shifted - kShifter; // nearest integer to x * 128/ln2
    const D r = (x - kj * kLn2NHi) - kj * kLn2NLo;
    copy_bits(shifted, shifted_bits);
    D hi, lo;
    lookup(shifted_bits & 127, hi, lo);
    const D r2 = r * r;
    const D em1 = r + r2 * ((0.5 + r * kC3) + r2 * (kC4 + r * kC5)); // e^r - 1
    y = hi + (lo + hi * em1);
}

template <class D, class U, class Lookup>
[[gnu::always_inline]] inline void reduce(const D &x, D &y, U &shifted_bits, Lookup lookup) {
    D shifted;
    shift(x, shifted);
    reduce_shifted(x, shifted, y, shifted_bits, lookup);
}

/// in_range() given shifted = shift(x).
template <class D, class U, class Lookup>
[[gnu::always_inline]] inline void in_range_shifted(const D &x, const D &shifted, D &out, Lookup lookup) {
    D y;
    U bits, ybits;
    reduce_shifted(x, shifted, y, bits, lookup);
    copy_bits(y, ybits);
    const U sum = ybits + ((bits >> 7) << 52);
    copy_bits(sum, out);
}

/// e^x = y * 2^k for a normal result: 2^k added to y's exponent field.
template <class D, class U, class Lookup>
[[gnu::always_inline]] inline void in_range(const D &x, D &out, Lookup lookup) {
    D y;
    U bits, ybits;
    reduce(x, y, bits, lookup);
    copy_bits(y, ybits);
    const U sum = ybits + ((bits >> 7) << 52);
    copy_bits(sum, out);
}

inline void lookup_scalar(uint64_t j, double &hi, double &lo) {
    hi = kExp2Table[2 * j];
    lo = kExp2Table[2 * j + 1];
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
    double y;
    exp_detail::in_range<double, uint64_t>(x, y, exp_detail::lookup_scalar);
    return y;
}

/// Four doubles as one vector (GCC vector extension: one AVX register, or two SSE2 ones).
typedef double Quad __attribute__((vector_size(32)));

namespace exp_detail {

typedef uint64_t Quad64 __attribute__((vector_size(32)));

/// The table pairs j[0..3] (each in [0, 128)) loaded as 16-byte vectors and transposed into hi and lo
/// (cheaper than the element loads GCC makes of the scalar formula's lookups).
[[gnu::always_inline]] inline void lookup4(const uint64_t *j, Quad &hi, Quad &lo) {
    typedef double Pair __attribute__((vector_size(16)));
    Pair p[4];
    for (int l = 0; l < 4; ++l) std::memcpy(&p[l], kExp2Table + 2 * j[l], sizeof(Pair));
    const Quad q0 = __builtin_shufflevector(p[0], p[2], 0, 1, 2, 3); // hi0 lo0 hi2 lo2
    const Quad q1 = __builtin_shufflevector(p[1], p[3], 0, 1, 2, 3); // hi1 lo1 hi3 lo3
    hi = __builtin_shufflevector(q0, q1, 0, 4, 2, 6);
    lo = __builtin_shufflevector(q0, q1, 1, 5, 3, 7);
}

} // namespace exp_detail

/// exp_in_range of each element of x, bit-identical to four calls: the same element-wise formula on a vector,
/// the table pairs loaded by exp_detail::lookup4.
[[gnu::always_inline]] inline void exp_in_range4(const Quad &x, Quad &y) {
    using exp_detail::Quad64;
    auto lookup = [](const Quad64 &j, Quad &hi, Quad &lo) {
        const uint64_t idx[4] = {j[0], j[1], j[2], j[3]};
        exp_detail::lookup4(idx, hi, lo);
    };
    exp_detail::in_range<Quad, Quad64>(x, y, lookup);
}

/// exp_in_range4 in two steps for loops over a block: exp_shift4 of every group first, the results stored in
/// an array, then exp_from_shift4 of each group with `shifted` pointing at its four stored values. The table
/// indices are read back from that array as scalars, which is cheaper than moving four vector lanes into
/// registers; the bits are exp_in_range4's.
[[gnu::always_inline]] inline void exp_shift4(const Quad &x, Quad &shifted) {
    exp_detail::shift(x, shifted);
}

[[gnu::always_inline]] inline void exp_from_shift4(const Quad &x, const double *shifted, Quad &y) {
    using exp_detail::Quad64;
    Quad s;
    std::memcpy(&s, shifted, sizeof s);
    auto lookup = [shifted](const Quad64 &, Quad &hi, Quad &lo) {
        uint64_t idx[4];
        std::memcpy(idx, shifted, sizeof idx);
        for (uint64_t &j : idx) j &= 127;
        exp_detail::lookup4(idx, hi, lo);
    };
    exp_detail::in_range_shifted<Quad, Quad64>(x, s, y, lookup);
}

/// e^x for |x| > kExpFastLimit, NaN and +-Inf: y scaled by 2^k1 * 2^k2 with k1 = floor(k/2), k2 = k - k1
/// (both normal powers for |x| <= kMaxArg, so only the last product rounds), specials selected.
inline double exp_out_of_range(double x) {
    using namespace exp_detail;
    double y;
    uint64_t bits;
    reduce(x, y, bits, lookup_scalar);
    const uint64_t k = bits >> 7;
    const uint64_t k1 = k >> 1; // the constant in k is even, so this is floor(k/2) plus half of it
    const uint64_t k2 = k - k1;
    double p1, p2;
    copy_bits((k1 + 1023) << 52, p1);
    copy_bits((k2 + 1023) << 52, p2);
    const double v = y * p1 * p2;
    // Out of range (including +-Inf) the steps above give garbage; NaN fails both tests and stays NaN.
    const double big = x > kMaxArg ? kInf : v;
    return x < kMinArg ? 0.0 : big;
}

/// e^x within 1 ulp, exact on special values.
[[gnu::always_inline]] inline double exp(double x) {
    return exp_in_fast_range(x) ? exp_in_range(x) : exp_out_of_range(x);
}

} // namespace linea::kernels::math
