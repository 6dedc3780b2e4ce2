// exp(x) for every place DML's exp is computed (cell-wise kernels, sigmoid, scalars), so the scalar and the
// matrix paths agree bit for bit. Unlike the C library's exp it has no branches or table lookups: inlined
// in a loop, GCC vectorizes it (SSE2 or AVX2). Results are within 1 ulp of the exact value (checked
// against expl in tests/unit/kernels/exp_test.cpp), with exact special values: exp(NaN) = NaN,
// exp(+Inf) = +Inf, exp(-Inf) = +0, exp(+-0) = 1, overflow gives +Inf and underflow a subnormal or +0.
//
// Method: x = k*ln2 + r with |r| <= ~ln2/2 (Cody-Waite: k*ln2 split into an exact high part and a small
// low part), exp(r) = 1 + r + r^2*P(r) with P the Taylor polynomial of (exp(r) - 1 - r)/r^2 to r^11
// (truncation below 0.04 ulp), the sum 1 + hi formed exactly (Fast2Sum) before the small terms are
// added, and the result scaled by 2^k in two exact-power steps (so 2^k never overflows and subnormal
// results round once). Every step is a plain IEEE operation: no FMA, so any vector width gives the
// same bits.
#pragma once

#include <cstdint>
#include <cstring>

namespace linea::kernels::math {

namespace exp_detail {

constexpr double kInvLn2 = 0x1.71547652b82fep+0;
/// ln2 rounded to 42 significant bits: k * kLn2Hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 0x1.62e42fefa3800p-1;
/// ln2 - kLn2Hi.
constexpr double kLn2Lo = 0x1.ef35793c76730p-45;
/// 1.5 * 2^52: adding it rounds a double of magnitude < 2^51 to an integer held in the low mantissa bits.
constexpr double kShifter = 0x1.8p52;
/// exp overflows above ~709.78 and rounds to +0 below ~-745.13; beyond these the result is set directly.
constexpr double kMaxArg = 710.0;
constexpr double kMinArg = -750.0;
constexpr double kInf = __builtin_inf();

/// 1/n! for n = 2..13.
constexpr double kC2 = 0x1.0000000000000p-1;
constexpr double kC3 = 0x1.5555555555555p-3;
constexpr double kC4 = 0x1.5555555555555p-5;
constexpr double kC5 = 0x1.1111111111111p-7;
constexpr double kC6 = 0x1.6c16c16c16c17p-10;
constexpr double kC7 = 0x1.a01a01a01a01ap-13;
constexpr double kC8 = 0x1.a01a01a01a01ap-16;
constexpr double kC9 = 0x1.71de3a556c734p-19;
constexpr double kC10 = 0x1.27e4fb7789f5cp-22;
constexpr double kC11 = 0x1.ae64567f544e4p-26;
constexpr double kC12 = 0x1.1eed8eff8d898p-29;
constexpr double kC13 = 0x1.6124613a86d09p-33;

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

/// 2^k for `shifted` = k + kShifter with k an integer in [-1022, 1023]: the exponent field built from the
/// low mantissa bits of `shifted` (integer add and shift, which vectorize).
inline double pow2_of_shifted(double shifted) {
    return from_bits((to_bits(shifted) + 1023) << 52);
}

} // namespace exp_detail

/// e^x within 1 ulp, exact on special values; branch-free so that loops over it vectorize.
[[gnu::always_inline]] inline double exp(double x) {
    using namespace exp_detail;
    const double k = (x * kInvLn2 + kShifter) - kShifter; // nearest integer to x / ln2
    const double hi = x - k * kLn2Hi;                     // exact
    const double lo = k * kLn2Lo;
    const double r = hi - lo;
    double p = kC13;
    p = p * r + kC12;
    p = p * r + kC11;
    p = p * r + kC10;
    p = p * r + kC9;
    p = p * r + kC8;
    p = p * r + kC7;
    p = p * r + kC6;
    p = p * r + kC5;
    p = p * r + kC4;
    p = p * r + kC3;
    p = p * r + kC2;
    const double tail = r * r * p - lo; // exp(r) - 1 - hi
    const double s = 1.0 + hi;
    const double e = (1.0 - s) + hi; // 1 + hi == s + e exactly
    const double y = s + (e + tail);
    // 2^k = 2^k1 * 2^k2 with k1 = round(k / 2): both factors are normal doubles for |k| <= 1100.
    const double k1_shifted = k * 0.5 + kShifter;
    const double k2_shifted = (k - (k1_shifted - kShifter)) + kShifter;
    const double v = y * pow2_of_shifted(k1_shifted) * pow2_of_shifted(k2_shifted);
    // Out of range (including +-Inf) the steps above give garbage; NaN fails both tests and stays NaN.
    // These selects vectorize only without -ftrapping-math (kernels/CMakeLists.txt): otherwise GCC keeps a
    // branch around the whole computation.
    const double big = x > kMaxArg ? kInf : v;
    return x < kMinArg ? 0.0 : big;
}

} // namespace linea::kernels::math
