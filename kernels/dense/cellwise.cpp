// Cell-wise kernels: binary (with broadcasting), matrix-scalar, unary and ifelse.
// Scalar semantics follow SystemDS (Java Math): see apply_binary / apply_unary.
#include "kernels/math/exp.h"
#include "kernels/ops.h"
#include "kernels/parallel.h"
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <string>

namespace linea::kernels {

namespace {

std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

// Java Math.max/Math.min: NaN if either operand is NaN; +0.0 is larger than -0.0.
double java_max(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    if (a == 0.0 && b == 0.0) return std::signbit(a) ? b : a;
    return a >= b ? a : b;
}
double java_min(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    if (a == 0.0 && b == 0.0) return std::signbit(a) ? a : b;
    return a <= b ? a : b;
}

double int_div(double a, double b) {
    const double q = a / b; // IEEE: x/0 is +-Inf or NaN
    if (std::isnan(q)) return q;
    const double s = q > 0 ? 1.0 : (q < 0 ? -1.0 : 0.0);
    return s * std::floor(std::abs(q));
}

// Java Math.round(double) (what SystemDS round() uses): floor(x + 1/2) computed exactly, so halves
// round towards +Inf (round(-2.5) = -2); NaN gives 0 and the result saturates at the long range.
double java_round(double x) {
    if (std::isnan(x)) return 0.0;
    constexpr double kLongMax = 9223372036854775807.0; // 2^63 as a double
    constexpr double kLongMin = -9223372036854775808.0;
    if (x >= kLongMax) return kLongMax;
    if (x <= kLongMin) return kLongMin;
    double r = std::floor(x);
    if (x - r >= 0.5) r += 1.0;
    return r == 0.0 ? 0.0 : r; // a long has no negative zero
}

double java_signum(double x) {
    if (std::isnan(x) || x == 0.0) return x;
    return x > 0 ? 1.0 : -1.0;
}

// x^y; x^2 is the correctly rounded x*x (as SystemDS's ^2, R and NumPy compute a square), which std::pow
// misses in the last bit for some x.
inline double power(double a, double b) {
    return b == 2.0 ? a * a : std::pow(a, b);
}

// Calls body(f) with a functor computing the scalar operator; lets the compiler inline it in loops.
template <class Body> void dispatch_binary(BinaryOp op, Body &&body) {
    switch (op) {
    case BinaryOp::Add:
        return body([](double a, double b) { return a + b; });
    case BinaryOp::Sub:
        return body([](double a, double b) { return a - b; });
    case BinaryOp::Mul:
        return body([](double a, double b) { return a * b; });
    case BinaryOp::Div:
        return body([](double a, double b) { return a / b; });
    case BinaryOp::Pow:
        return body([](double a, double b) { return power(a, b); });
    default:
        return body([op](double a, double b) { return apply_binary(op, a, b); });
    }
}

// Writes f(i) to c[i] for i in [0, n) and returns how many of the values are non-zero: the cells are
// counted while written, so no second pass over the result is needed for its nnz.
template <class F>
[[gnu::always_inline]] inline uint64_t store_counted(double *__restrict c, int64_t n, F f) {
    uint64_t nz = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double v = f(i);
        c[i] = v;
        nz += detail::nonzero(v);
    }
    return nz;
}

[[gnu::always_inline]] inline double sigmoid(double a) {
    return 1.0 / (1.0 + math::exp(-a));
}

// Writes f(a[i]) to c[i] for an exp-based f(a) = post(e^(Negate ? -a : a)) and returns the number of non-zero
// results. Per block, two branch-free passes compute f with math::exp_in_range's bits for every cell, four at
// a time: exp_shift4 into a block-sized array (noting whether any cell is outside exp's fast range: |a| > 708
// or NaN), then exp_from_shift4 and `post4` (`in_range` for the last cells). Only when the block has such
// rare cells are they recomputed by `full` (f with math::exp), so every cell has the bits of `full`. In-range
// results are positive normal numbers, hence non-zero. (Two passes: exp over 32000 values in L2 on one AVX2
// thread 11.5 -> 14.1 GB/s, as the table indices are read back as scalars; see math::exp_from_shift4.)
template <bool Negate, class Post4, class InRange, class Full>
[[gnu::always_inline]] inline uint64_t exp_based_cells(const double *__restrict a, double *__restrict c,
                                                       int64_t n, Post4 post4, InRange in_range, Full full) {
    constexpr int64_t kBlock = 128; // a, c and the shifted values of one block stay in L1
    alignas(32) double shifted[kBlock];
    uint64_t nz = 0;
    auto arg = [](const double *p, math::Quad &x) {
        std::memcpy(&x, p, sizeof x);
        if constexpr (Negate) x = -x;
    };
    for (int64_t b = 0; b < n; b += kBlock) {
        const int64_t e = std::min(n, b + kBlock);
        const int64_t quads_end = b + (e - b) / 4 * 4;
        typedef int64_t Mask __attribute__((vector_size(32)));
        Mask inside = {-1, -1, -1, -1}; // lanes stay -1 while every |x| <= kExpFastLimit (false for NaN)
        for (int64_t i = b; i < quads_end; i += 4) {
            math::Quad x, s;
            arg(a + i, x);
            math::exp_shift4(x, s);
            std::memcpy(shifted + (i - b), &s, sizeof s);
            const math::Quad ax = {std::fabs(x[0]), std::fabs(x[1]), std::fabs(x[2]), std::fabs(x[3])};
            inside &= ax <= math::kExpFastLimit;
        }
#pragma GCC unroll 2
        for (int64_t i = b; i < quads_end; i += 4) {
            math::Quad x, y;
            arg(a + i, x);
            math::exp_from_shift4(x, shifted + (i - b), y);
            post4(y);
            std::memcpy(c + i, &y, sizeof y);
        }
        uint64_t outside = (inside[0] & inside[1] & inside[2] & inside[3]) == -1 ? 0 : 1;
        for (int64_t i = quads_end; i < e; ++i) {
            c[i] = in_range(a[i]);
            outside |= math::exp_in_fast_range(a[i]) ? 0 : 1;
        }
        nz += static_cast<uint64_t>(e - b);
        if (outside == 0) continue;
        for (int64_t i = b; i < e; ++i) {
            if (math::exp_in_fast_range(a[i])) continue;
            c[i] = full(a[i]);
            nz -= 1 - detail::nonzero(c[i]);
        }
    }
    return nz;
}

// The exp-based unary loops, vectorized with AVX2 where the CPU has it.
LINEA_AVX2_CLONES uint64_t exp_cells(const double *__restrict a, double *__restrict c, int64_t n) {
    return exp_based_cells<false>(
        a, c, n, [](math::Quad &) {}, [](double x) { return math::exp_in_range(x); },
        [](double x) { return math::exp(x); });
}
LINEA_AVX2_CLONES uint64_t sigmoid_cells(const double *__restrict a, double *__restrict c, int64_t n) {
    return exp_based_cells<true>(
        a, c, n, [](math::Quad &y) { y = 1.0 / (1.0 + y); },
        [](double x) { return 1.0 / (1.0 + math::exp_in_range(-x)); }, [](double x) { return sigmoid(x); });
}

// Writes op(a[i]) to c[i] for i in [0, n), one loop per operator (the switch stays outside the loop), and
// returns the number of non-zero results.
uint64_t unary_cells(UnaryOp op, const double *__restrict a, double *__restrict c, int64_t n) {
    switch (op) {
    case UnaryOp::Exp:
        return exp_cells(a, c, n);
    case UnaryOp::Sigmoid:
        return sigmoid_cells(a, c, n);
    case UnaryOp::Neg:
        return store_counted(c, n, [a](int64_t i) { return -a[i]; });
    case UnaryOp::Abs:
        return store_counted(c, n, [a](int64_t i) { return std::abs(a[i]); });
    default:
        return store_counted(c, n, [a, op](int64_t i) { return apply_unary(op, a[i]); });
    }
}

// How an operand maps onto the result: cell (i, j) is data[i * rs + j * cs].
struct Operand {
    const double *data;
    int64_t rs;
    int64_t cs;
};

Operand operand_for(const MatrixBlock &x, int64_t rows, int64_t cols) {
    return Operand{x.data(), x.rows() == rows ? x.cols() : 0, x.cols() == cols ? 1 : 0};
}

// True when x can be broadcast against a `full` operand: same shape, 1x1, row vector or column vector.
bool broadcastable(const MatrixBlock &x, const MatrixBlock &full) {
    if (x.rows() == full.rows() && x.cols() == full.cols()) return true;
    if (x.rows() == 1 && x.cols() == 1) return true;
    if (x.rows() == 1 && x.cols() == full.cols()) return true;
    if (x.cols() == 1 && x.rows() == full.rows()) return true;
    return false;
}

} // namespace

double apply_binary(BinaryOp op, double a, double b) {
    switch (op) {
    case BinaryOp::Add:
        return a + b;
    case BinaryOp::Sub:
        return a - b;
    case BinaryOp::Mul:
        return a * b;
    case BinaryOp::Div:
        return a / b;
    case BinaryOp::Pow:
        return power(a, b);
    case BinaryOp::IntDiv:
        return int_div(a, b);
    case BinaryOp::Mod:
        if (b == 0.0) return std::numeric_limits<double>::quiet_NaN();
        return a - int_div(a, b) * b;
    case BinaryOp::Lt:
        return a < b ? 1.0 : 0.0;
    case BinaryOp::Le:
        return a <= b ? 1.0 : 0.0;
    case BinaryOp::Gt:
        return a > b ? 1.0 : 0.0;
    case BinaryOp::Ge:
        return a >= b ? 1.0 : 0.0;
    case BinaryOp::Eq:
        return a == b ? 1.0 : 0.0;
    case BinaryOp::Ne:
        return a != b ? 1.0 : 0.0;
    case BinaryOp::And:
        return (a != 0.0 && b != 0.0) ? 1.0 : 0.0;
    case BinaryOp::Or:
        return (a != 0.0 || b != 0.0) ? 1.0 : 0.0;
    case BinaryOp::Xor:
        return ((a != 0.0) != (b != 0.0)) ? 1.0 : 0.0;
    case BinaryOp::Min:
        return java_min(a, b);
    case BinaryOp::Max:
        return java_max(a, b);
    case BinaryOp::Log:
        return std::log(a) / std::log(b);
    }
    throw KernelError("internal error: unknown binary operator");
}

MatrixPtr binary(BinaryOp op, const MatrixBlock &a_in, const MatrixBlock &b_in) {
    int64_t rows = 0, cols = 0;
    if (broadcastable(b_in, a_in)) {
        rows = a_in.rows();
        cols = a_in.cols();
    } else if (broadcastable(a_in, b_in)) {
        rows = b_in.rows();
        cols = b_in.cols();
    } else if (a_in.cols() == 1 && b_in.rows() == 1) {
        // column vector op row vector: the outer operation (SystemDS's OUTER_VECTOR_VECTOR)
        rows = a_in.rows();
        cols = b_in.cols();
    } else {
        throw KernelError("dimension mismatch in cell-wise operation: " + shape(a_in) + " and " +
                          shape(b_in));
    }
    if ((a_in.is_sparse() || b_in.is_sparse()) && apply_binary(op, 0.0, 0.0) == 0.0)
        return sparse::binary(op, a_in, b_in, rows, cols);
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    const MatrixPtr b_dense = dense_input(b_in);
    const MatrixBlock &b = *b_dense;
    auto out = MatrixBlock::uninitialized(rows, cols);
    const Operand oa = operand_for(a, rows, cols);
    const Operand ob = operand_for(b, rows, cols);
    double *c = out->mutable_data();
    std::atomic<int64_t> nnz{0};
    dispatch_binary(op, [&](auto f) {
        detail::parallel_range(rows, rows * cols, [&](int64_t r0, int64_t r1) {
            uint64_t nz = 0;
            for (int64_t i = r0; i < r1; ++i) {
                const double *pa = oa.data + i * oa.rs;
                const double *pb = ob.data + i * ob.rs;
                double *pc = c + i * cols;
                if (oa.cs == 1 && ob.cs == 1) {
                    nz += store_counted(pc, cols, [&](int64_t j) { return f(pa[j], pb[j]); });
                } else if (oa.cs == 1) {
                    const double vb = pb[0];
                    nz += store_counted(pc, cols, [&](int64_t j) { return f(pa[j], vb); });
                } else if (ob.cs == 1) {
                    const double va = pa[0];
                    nz += store_counted(pc, cols, [&](int64_t j) { return f(va, pb[j]); });
                } else {
                    const double v = f(pa[0], pb[0]);
                    nz += store_counted(pc, cols, [v](int64_t) { return v; });
                }
            }
            nnz += static_cast<int64_t>(nz);
        });
    });
    out->set_nnz(nnz);
    return out;
}

MatrixPtr binary_scalar(BinaryOp op, const MatrixBlock &a_in, double s, bool scalar_left) {
    if (a_in.is_sparse() && sparse::scalar_keeps_zeros(op, s, scalar_left))
        return sparse::binary_scalar(op, a_in, s, scalar_left);
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    auto out = MatrixBlock::uninitialized(a.rows(), a.cols());
    const double *pa = a.data();
    double *pc = out->mutable_data();
    const int64_t n = a.cells();
    std::atomic<int64_t> nnz{0};
    dispatch_binary(op, [&](auto f) {
        detail::parallel_range(n, n, [&](int64_t i0, int64_t i1) {
            const double *pai = pa + i0;
            const uint64_t nz =
                scalar_left ? store_counted(pc + i0, i1 - i0, [&](int64_t i) { return f(s, pai[i]); })
                            : store_counted(pc + i0, i1 - i0, [&](int64_t i) { return f(pai[i], s); });
            nnz += static_cast<int64_t>(nz);
        });
    });
    out->set_nnz(nnz);
    return out;
}

double apply_unary(UnaryOp op, double a) {
    switch (op) {
    case UnaryOp::Neg:
        return -a;
    case UnaryOp::Not:
        return a == 0.0 ? 1.0 : 0.0;
    case UnaryOp::Abs:
        return std::abs(a);
    case UnaryOp::Exp:
        return math::exp(a);
    case UnaryOp::Log:
        return std::log(a);
    case UnaryOp::Sqrt:
        return std::sqrt(a);
    case UnaryOp::Round:
        return java_round(a);
    case UnaryOp::Floor:
        return std::floor(a);
    case UnaryOp::Ceil:
        return std::ceil(a);
    case UnaryOp::Sign:
        return java_signum(a);
    case UnaryOp::Sin:
        return std::sin(a);
    case UnaryOp::Cos:
        return std::cos(a);
    case UnaryOp::Tan:
        return std::tan(a);
    case UnaryOp::Asin:
        return std::asin(a);
    case UnaryOp::Acos:
        return std::acos(a);
    case UnaryOp::Atan:
        return std::atan(a);
    case UnaryOp::Sinh:
        return std::sinh(a);
    case UnaryOp::Cosh:
        return std::cosh(a);
    case UnaryOp::Tanh:
        return std::tanh(a);
    case UnaryOp::Sigmoid:
        return sigmoid(a);
    case UnaryOp::IsNA:
    case UnaryOp::IsNaN:
        return std::isnan(a) ? 1.0 : 0.0;
    case UnaryOp::IsInf:
        return std::isinf(a) ? 1.0 : 0.0;
    }
    throw KernelError("internal error: unknown unary operator");
}

MatrixPtr unary(UnaryOp op, const MatrixBlock &a_in) {
    if (a_in.is_sparse() && sparse::unary_keeps_zeros(op)) return sparse::unary(op, a_in);
    const MatrixPtr a_dense = dense_input(a_in);
    const MatrixBlock &a = *a_dense;
    auto out = MatrixBlock::uninitialized(a.rows(), a.cols());
    const double *pa = a.data();
    double *pc = out->mutable_data();
    const int64_t n = a.cells();
    std::atomic<int64_t> nnz{0};
    detail::parallel_range(n, n, [&](int64_t i0, int64_t i1) {
        nnz += static_cast<int64_t>(unary_cells(op, pa + i0, pc + i0, i1 - i0));
    });
    out->set_nnz(nnz);
    return out;
}

MatrixPtr ifelse(const MatrixBlock *c_in, double cs, const MatrixBlock *a_in, double as,
                 const MatrixBlock *b_in, double bs) {
    const MatrixPtr c_dense = c_in ? dense_input(*c_in) : nullptr;
    const MatrixBlock *c = c_dense.get();
    const MatrixPtr a_dense = a_in ? dense_input(*a_in) : nullptr;
    const MatrixBlock *a = a_dense.get();
    const MatrixPtr b_dense = b_in ? dense_input(*b_in) : nullptr;
    const MatrixBlock *b = b_dense.get();
    const MatrixBlock *ref = c ? c : (a ? a : b);
    if (!ref) return std::make_shared<MatrixBlock>(1, 1, cs != 0.0 ? as : bs);
    for (const MatrixBlock *m : {c, a, b})
        if (m && (m->rows() != ref->rows() || m->cols() != ref->cols()))
            throw KernelError("dimension mismatch in ifelse: " + shape(*ref) + " and " + shape(*m));
    auto out = MatrixBlock::uninitialized(ref->rows(), ref->cols());
    double *po = out->mutable_data();
    const int64_t n = ref->cells();
    detail::parallel_range(n, n, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
            const double cv = c ? c->data()[i] : cs;
            po[i] = cv != 0.0 ? (a ? a->data()[i] : as) : (b ? b->data()[i] : bs);
        }
    });
    out->recompute_nnz();
    return out;
}

} // namespace linea::kernels
