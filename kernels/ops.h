// The kernel interface: blocks in, fresh blocks out. No compiler or runtime concepts here.
// Every function handles empty (0-row / 0-col) inputs, NaN and Inf, and throws KernelError
// with a plain message (no script position) on invalid arguments.
#pragma once

#include "kernels/matrix_block.h"

#include <cstdint>
#include <string>
#include <vector>

namespace linea::kernels {

// ---------------------------------------------------------------- threads
/// Cap on threads used by kernels (TBB and OpenBLAS together); 0 = all hardware threads.
void set_num_threads(int n);
int num_threads();

// ---------------------------------------------------------------- formats (sparse/convert.cpp)
/// How blocks choose between dense and CSR. Auto: CSR when density < 0.4, the block has at least
/// kMinSparseCells cells and CSR takes fewer bytes than dense (so column vectors stay dense). Force (a
/// test configuration, `-sparse force`): CSR for every block with at least one zero cell.
enum class SparsePolicy { Auto, Force };
constexpr int64_t kMinSparseCells = 1024;
void set_sparse_policy(SparsePolicy p);
SparsePolicy sparse_policy();
/// The format policy: should a rows x cols block with `nnz` non-zeros be CSR?
bool prefer_sparse(int64_t rows, int64_t cols, int64_t nnz);
/// The block in CSR / dense form (a fresh block; callers wanting "as is when already in that form"
/// use with_format / dense_input).
MatrixPtr to_sparse(const MatrixBlock &a);
MatrixPtr to_dense(const MatrixBlock &a);
/// Examine and switch: `a` itself when its format is the one prefer_sparse() picks, else a converted copy.
MatrixPtr with_chosen_format(MatrixPtr a);
/// The output format the compiler expects for an operation (from its sparsity estimate): Sparse lets a
/// kernel build CSR directly instead of a dense temporary when its structural bound agrees; None leaves
/// the choice to the kernel (with_chosen_format on its result).
enum class FormatHint { None, Sparse };
/// The dense form of `a` for code that reads cells through the dense accessors: `a` itself (not owned;
/// valid while `a` lives) when dense, else a dense copy. This is the one conversion at the entry of
/// every kernel that is not sparse-aware.
MatrixPtr dense_input(const MatrixBlock &a);

// ---------------------------------------------------------------- cell-wise
enum class BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    IntDiv, // %/%: sign(x/y) * floor(abs(x/y))
    Mod,    // %%: x - (x %/% y) * y ; x %% 0 is NaN
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne, // 1.0 / 0.0
    And,
    Or,
    Xor, // on truthiness (x != 0)
    Min,
    Max, // NaN-propagating
    Log, // log(x, base)
};
/// The scalar semantics of a binary operator (used by scalar instructions and by all matrix kernels).
double apply_binary(BinaryOp op, double a, double b);
/// Matrix-matrix cell-wise op. Shapes must match, or `b` (or `a`) may be a row vector (1 x cols),
/// a column vector (rows x 1) or 1x1, which is broadcast. Otherwise throws KernelError
/// ("dimension mismatch ... 3x4 and 2x4").
MatrixPtr binary(BinaryOp op, const MatrixBlock &a, const MatrixBlock &b);
/// Matrix-scalar op: `scalar_left` false computes a[i,j] op s, true computes s op a[i,j].
MatrixPtr binary_scalar(BinaryOp op, const MatrixBlock &a, double s, bool scalar_left);

enum class UnaryOp {
    Neg,
    Not,
    Abs,
    Exp,
    Log,
    Sqrt,
    Round,
    Floor,
    Ceil,
    Sign,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Sigmoid,
    IsNA,
    IsNaN,
    IsInf,
};
double apply_unary(UnaryOp op, double a);
MatrixPtr unary(UnaryOp op, const MatrixBlock &a);

/// ifelse(cond, a, b) cell-wise; each of cond/a/b may be a matrix (same shape) or a scalar
/// (pass nullptr for the matrix and the value in the matching double).
MatrixPtr ifelse(const MatrixBlock *c, double cs, const MatrixBlock *a, double as, const MatrixBlock *b,
                 double bs);

// ---------------------------------------------------------------- aggregates
enum class AggOp { Sum, SumSq, Mean, Min, Max, Prod, Var, Sd, IndexMax, IndexMin, Trace };
enum class AggDir { All, Row, Col };
/// Full aggregate to a double (Sum/SumSq/Mean use Kahan summation; Var/Sd are sample (n-1) statistics).
/// Empty inputs follow SystemDS (sum of an empty matrix is 0).
double aggregate_all(AggOp op, const MatrixBlock &a);
/// Row aggregates give rows x 1, column aggregates 1 x cols. IndexMax/IndexMin are Row only (1-based).
MatrixPtr aggregate(AggOp op, AggDir dir, const MatrixBlock &a);

// ---------------------------------------------------------------- matrix multiply and reorg
/// a %*% b through OpenBLAS dgemm (dgemv for vectors). Throws on a.cols != b.rows.
MatrixPtr matmult(const MatrixBlock &a, const MatrixBlock &b, FormatHint hint = FormatHint::None);
/// t(a) %*% a (left=true) or a %*% t(a) (left=false) through dsyrk, without materialising t(a).
MatrixPtr tsmm(const MatrixBlock &a, bool left, FormatHint hint = FormatHint::None);
MatrixPtr transpose(const MatrixBlock &a);
/// rev(a): reverses the row order.
MatrixPtr rev(const MatrixBlock &a);
/// diag: a column vector n x 1 becomes an n x n diagonal matrix; a square n x n matrix gives its
/// diagonal as n x 1. Anything else throws.
MatrixPtr diag(const MatrixBlock &a);
/// matrix(a, rows, cols, byrow): reshape; rows*cols must equal a.cells().
MatrixPtr reshape(const MatrixBlock &a, int64_t rows, int64_t cols, bool byrow);

// ---------------------------------------------------------------- indexing (0-based, half-open ranges)
/// a[r0:r1, c0:c1] with 0 <= r0 <= r1 <= rows, same for columns (callers validate and report).
MatrixPtr slice(const MatrixBlock &a, int64_t r0, int64_t r1, int64_t c0, int64_t c1);
/// A copy of `a` with the range [r0,r1) x [c0,c1) replaced by `b` (whose shape must be (r1-r0) x (c1-c0)).
MatrixPtr left_index(const MatrixBlock &a, const MatrixBlock &b, int64_t r0, int64_t r1, int64_t c0,
                     int64_t c1);
/// The same with every cell of the range set to the scalar v.
MatrixPtr left_index_scalar(const MatrixBlock &a, double v, int64_t r0, int64_t r1, int64_t c0, int64_t c1);
MatrixPtr cbind(const std::vector<const MatrixBlock *> &parts);
MatrixPtr rbind(const std::vector<const MatrixBlock *> &parts);

// ---------------------------------------------------------------- construction
MatrixPtr fill(int64_t rows, int64_t cols, double v);
/// Builds a rows x cols block from `values` (row-major when byrow, else column-major).
/// values.size() must be rows*cols, or 1 (broadcast); otherwise throws.
MatrixPtr from_values(const std::vector<double> &values, int64_t rows, int64_t cols, bool byrow);
/// seq(from, to, incr) as a column vector; incr of the wrong sign or 0 throws.
MatrixPtr seq(double from, double to, double incr);
enum class RandPdf { Uniform, Normal, Poisson };
/// rand(): uniform in [min,max], normal(0,1), or poisson(lambda); `sparsity` is the fraction of non-zero
/// cells. Deterministic for a given seed (seed >= 0).
MatrixPtr rand(int64_t rows, int64_t cols, double min, double max, double sparsity, RandPdf pdf,
               double lambda, uint64_t seed);

// ---------------------------------------------------------------- linear algebra
/// solve(A, b): A square n x n, b n x k; LU with partial pivoting (dgesv). Singular A throws.
MatrixPtr solve(const MatrixBlock &a, const MatrixBlock &b);

// ---------------------------------------------------------------- cumulative (dense/cumulative.cpp)
enum class CumOp { Sum, Prod, Min, Max };
/// cumsum/cumprod/cummin/cummax: column-wise prefix aggregates (same shape as `a`); NaN propagates.
MatrixPtr cumulative(CumOp op, const MatrixBlock &a);

// ---------------------------------------------------------------- triangles, outer (dense/)
/// lower.tri / upper.tri: the lower (upper) triangle of `a`, with the diagonal when `diag`; the cells
/// themselves when `values`, else 1 for every selected cell. Everything else is 0. Any shape.
MatrixPtr triangle(const MatrixBlock &a, bool lower, bool diag, bool values);
/// outer(a, b, op): a column vector (n x 1) against a row vector (1 x m) gives the n x m matrix
/// out[i,j] = a[i] op b[j]. Any other shapes throw.
MatrixPtr outer(const MatrixBlock &a, const MatrixBlock &b, BinaryOp op);

// ---------------------------------------------------------------- sampling (dense/sample.cpp)
/// sample(range, size, replace, seed): a size x 1 column of integers in [1, range], drawn uniformly,
/// without repetitions unless `replace` (then size <= range is required). Deterministic for a seed.
MatrixPtr sample(int64_t range, int64_t size, bool replace, uint64_t seed);

// ---------------------------------------------------------------- reordering (dense/reorder.cpp)
/// order(): sorts the rows of `a` by column `by` (0-based), stably (ties keep row order in both
/// directions); NaN sorts after +Inf. Returns the sorted rows, or the 1-based row indexes (n x 1)
/// when `index_return`.
MatrixPtr order(const MatrixBlock &a, int64_t by, bool decreasing, bool index_return);
/// removeEmpty(): drops the rows (`rows`) or columns without a non-zero cell (NaN is non-zero), or,
/// given `select` (a vector with one cell per row/column), those whose select cell is 0. When nothing is
/// left, `empty_return` gives one row (1 x cols) or column (rows x 1) of zeros, else 0 x cols / rows x 0.
MatrixPtr remove_empty(const MatrixBlock &a, bool rows, const MatrixBlock *select, bool empty_return);
/// replace(): every cell equal to `pattern` (NaN matches NaN) becomes `replacement`.
MatrixPtr replace(const MatrixBlock &a, double pattern, double replacement);
/// unique(): the distinct cell values of `a` (row-major order of first occurrence; NaNs are one
/// value) as a column vector.
MatrixPtr unique(const MatrixBlock &a);

// ---------------------------------------------------------------- table, aggregate (dense/)
/// One input of table(): a column vector, or (m == nullptr) a scalar used for every row.
struct CellSource {
    const MatrixBlock *m = nullptr;
    double scalar = 0.0;
};
/// table(A, B, W): out[A[k], B[k]] += W[k] for every k (values are 1-based, floored); rows where A or B
/// is NaN are skipped, values <= 0 throw. `odim1`/`odim2` < 0: size from max(A) x max(B); otherwise
/// exactly odim1 x odim2 (cells outside are dropped).
MatrixPtr table(CellSource a, CellSource b, CellSource w, int64_t odim1, int64_t odim2);
enum class GroupFn { Sum, Count, Mean, Variance, Min, Max };
/// aggregate(target, groups, fn, weights, ngroups): per group g (1-based values of `groups`, one per row
/// of `target`), fn over the target rows of that group, per column. Weights (n x 1, single-column target)
/// act as frequencies. Groups without rows give 0. `ngroups` < 0: max(groups) rows.
MatrixPtr grouped_aggregate(GroupFn fn, const MatrixBlock &target, const MatrixBlock &groups,
                            const MatrixBlock *weights, int64_t ngroups);

// ---------------------------------------------------------------- statistics (dense/statistics.cpp)
/// moment(X [, W], k): the k-th central moment (k = 2, 3 or 4), sum w (x - mean)^k / sum w.
double central_moment(const MatrixBlock &x, const MatrixBlock *w, int order);
/// cov(X, Y [, W]): the (weighted) sample covariance, divided by sum(w) - 1.
double covariance(const MatrixBlock &x, const MatrixBlock &y, const MatrixBlock *w);
/// quantile(X [, W], p): for each p in [0, 1] the value X_sorted[ceil(p * sum(w))] (1-based, at least 1),
/// weights being frequencies.
std::vector<double> quantile(const MatrixBlock &x, const MatrixBlock *w, const std::vector<double> &p);
/// median(X [, W]): the 0.5 quantile; with an even total weight the mean of the two middle values.
double median(const MatrixBlock &x, const MatrixBlock *w);

// ---------------------------------------------------------------- decompositions (lapack/decompositions.cpp)
/// inv(A): the inverse of a square matrix (LU, dgetrf/dgetri); a singular matrix throws.
MatrixPtr inverse(const MatrixBlock &a);
/// cholesky(A): the lower-triangular L with L %*% t(L) = A; A must be symmetric positive definite.
MatrixPtr cholesky(const MatrixBlock &a);
/// det(A): the determinant of a square matrix (LU); 1 for 0x0.
double det(const MatrixBlock &a);
/// eigen(A) of a symmetric matrix: {values (n x 1, increasing), vectors (n x n, one per column)}.
std::vector<MatrixPtr> eigen(const MatrixBlock &a);
/// lu(A) of a square non-singular matrix: {P, L, U} with P %*% A = L %*% U, L unit lower triangular.
std::vector<MatrixPtr> lu(const MatrixBlock &a);
/// qr(A), m x n: {H, R}, both m x n, as Apache Commons Math (SystemDS) defines them: column k of H is
/// the k-th Householder vector h (Q_k = I - h h' / h[k]), R upper triangular; A = Q_1 ... Q_p R.
/// A column that is zero from the diagonal down gives a NaN column in H, as in Commons Math.
std::vector<MatrixPtr> qr(const MatrixBlock &a);
/// svd(A), m x n, p = min(m, n): {U (m x p), S (p x p diagonal, decreasing), V (n x p)}, A = U S t(V).
std::vector<MatrixPtr> svd(const MatrixBlock &a);

// ---------------------------------------------------------------- formatting
/// Java's Double.toString: "27.0", "0.1", "1.0E-5", "1.2345678E7", "NaN", "Infinity", "-Infinity", "-0.0".
std::string format_double(double v);
/// SystemDS toString(X): cells with `decimal` digits after the point, joined by `sep`, rows by `linesep`,
/// at most max_rows x max_cols cells.
std::string to_string(const MatrixBlock &a, int64_t max_rows = 100, int64_t max_cols = 100, int decimal = 3,
                      const std::string &sep = " ", const std::string &linesep = "\n");

} // namespace linea::kernels
