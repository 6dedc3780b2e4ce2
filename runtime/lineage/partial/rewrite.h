// The interface of one compensation plan and the helpers plans share (matching lineage, assembling blocks).
#pragma once

#include "kernels/matrix_block.h"
#include "runtime/lineage/partial/partial.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linea::lineage::partial {

using kernels::MatrixBlock;
using kernels::MatrixPtr;

/// The item that missed, with access to its operands and to the cache.
class Target {
public:
    Target(const ItemPtr &item, Cache &cache, const Operands &operands)
        : item_(item), cache_(cache), operands_(operands) {}
    const Item &item() const { return *item_; }
    const ItemPtr &item_ptr() const { return item_; }
    const ItemPtr &input(size_t i) const { return item_->inputs()[i]; }
    /// Operand i as a matrix, or nullptr. A deferred bind (DeferredBind) is run first: plans that can
    /// work from its parts ask parts() before.
    MatrixPtr operand(size_t i) const;
    /// The inputs of operand i when it is a deferred cbind (`columns`) or rbind, in order; empty when it
    /// is not one (then use operand()).
    std::vector<MatrixPtr> parts(size_t i, bool columns) const;
    /// The rows and columns of operand i (without running a deferred bind), or -1 if not a matrix.
    int64_t operand_rows(size_t i) const;
    int64_t operand_cols(size_t i) const;
    /// The cached matrix for `it` (a relative), or nullptr; counts no hit.
    MatrixPtr cached(const ItemPtr &it) const;
    /// The value of `it` from the running frame or the cache, or nullptr.
    MatrixPtr value_of(const ItemPtr &it) const;
    Cache &cache() const { return cache_; }
    /// Whether the instruction's inputs derive from the running for loop's variable.
    bool loop_dependent() const { return operands_.loop_dependent; }
    /// Whether `it` is a live variable that does not derive from the running loop's variable.
    bool loop_invariant(const ItemPtr &it) const {
        return operands_.loop_invariant && operands_.loop_invariant(it);
    }

private:
    const ItemPtr &item_;
    Cache &cache_;
    const Operands &operands_;
};

/// One compensation plan: returns the result, or nullptr when it does not apply.
struct Rewrite {
    const char *name;
    MatrixPtr (*apply)(const Target &);
};
/// All plans in the order they are tried (rewrite_list.cpp).
const std::vector<Rewrite> &rewrite_list();

// ---- lineage matching
/// True when `it` has this opcode (and, if given, this data).
bool is_op(const Item &it, const char *opcode, const char *data = nullptr);
/// The number of a literal item ("i:3", "d:1.0", "b:TRUE"), or nothing.
std::optional<double> literal_number(const Item &it);
/// `matrix(1, rows, 1)`: a column of ones, by its lineage.
bool is_ones_column(const Item &it);
/// An item like `like` (opcode, data) with other inputs.
ItemPtr with_inputs(const Item &like, std::vector<ItemPtr> inputs);
/// t(x) %*% x as the tsmm instruction traces it.
ItemPtr tsmm_item(const ItemPtr &x);
/// t(x) %*% x items: tsmm over a cbind (or rbind) item; nullptr if `t` is not one.
const Item *tsmm_over(const Item &t, const char *bind);
/// A %*% B as the plain ba+* instruction traces it.
ItemPtr matmult_item(const ItemPtr &a, const ItemPtr &b);
bool is_plain_matmult(const Item &it);
/// B[, lo:hi] or B[, j] (all rows) with literal bounds, as a 1-based inclusive column range of `source`.
struct ColumnRange {
    ItemPtr source;
    int64_t lo = 0, hi = 0;
};
std::optional<ColumnRange> column_range(const Item &it);
/// t(x) %*% y as the transposed-left matmult instruction traces it (ba+* "3").
ItemPtr matmult_trans_left_item(const ItemPtr &x, const ItemPtr &y);
/// The column widths of a cbind's inputs whose total is `total`: from lineage (ones columns, column
/// ranges with literal bounds) or live values; one unknown width is solved from the total.
std::optional<std::vector<int64_t>> cbind_widths(const Target &t, const Item &cbind, int64_t total);

// ---- assembly
/// t(C) %*% C for C (n x w), where map[j] >= 0 says column j of C is column map[j] of the columns whose
/// Gram matrix G is cached, and -1 marks a new column: G supplies the old-old block, one pass
/// t(C) %*% C[, new] the rest (by symmetry). nullptr when more than half the columns are new (computing
/// t(C) %*% C directly is then cheaper).
MatrixPtr assemble_gram(const MatrixBlock &c, const MatrixBlock &g, const std::vector<int64_t> &map);
/// assemble_gram with the border given: `e` = t(C) %*% C[, new] (w x k, the new columns in order).
MatrixPtr assemble_gram(const MatrixBlock &g, const std::vector<int64_t> &map, const MatrixBlock &e);
/// t(X) %*% B[, lo:hi] or A %*% B[, lo:hi] (`trans_left` says which) for `slice` = B[, lo:hi], sliced from
/// a cached product with a batch of B's columns. On a miss inside a loop whose variable picks the columns
/// (the target is loop-dependent, B and the left operand are not), the batch product is computed once
/// and cached: later iterations pay a slice instead of a pass over the left operand. nullptr when it does
/// not apply (mm_col_slice_batch.cpp).
MatrixPtr batched_slice_product(const Target &t, const ItemPtr &left, const MatrixBlock &left_value,
                                const Item &slice, bool trans_left);
/// Columns [c0, c1) of operand i (all rows): sliced from the one part of a deferred cbind that holds them
/// (no copy when they are the whole part), else from the operand.
MatrixPtr operand_columns(const Target &t, size_t i, int64_t c0, int64_t c1);
/// assemble_gram for C = operand i of the target: the border t(C) %*% C[, new] is summed up from the parts
/// of a deferred cbind (rbind of t(P) %*% C[, new] over the parts P), so C itself is never formed.
MatrixPtr assemble_gram(const Target &t, size_t i, const MatrixBlock &g, const std::vector<int64_t> &map);
/// Columns [c0, c1) of m (all rows), or rows [r0, r1) (all columns).
MatrixPtr columns(const MatrixBlock &m, int64_t c0, int64_t c1);
MatrixPtr rows(const MatrixBlock &m, int64_t r0, int64_t r1);

} // namespace linea::lineage::partial
