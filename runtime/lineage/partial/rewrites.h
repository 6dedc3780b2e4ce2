// The compensation plans, one per file (the algebra is each file's first line); tried in the order of
// rewrite_list.cpp.
#pragma once

#include "runtime/lineage/partial/rewrite.h"

namespace linea::lineage::partial {

MatrixPtr tsmm_cbind_ones(const Target &t);
MatrixPtr tsmm_cbind(const Target &t);
MatrixPtr tsmm_cbind_ones_extend(const Target &t);
MatrixPtr tsmm_cbind_replace(const Target &t);
MatrixPtr tsmm_rbind(const Target &t);
MatrixPtr mm_rbind_left(const Target &t);
MatrixPtr mm_cbind_ones_right(const Target &t);
MatrixPtr mm_cbind_right(const Target &t);
MatrixPtr mm_col_slice(const Target &t);
MatrixPtr mm_col_slice_batch(const Target &t);
MatrixPtr cellwise_rbind(const Target &t);
MatrixPtr cellwise_cbind(const Target &t);
MatrixPtr aggregate_cbind(const Target &t);

/// Shared by cellwise_rbind/cellwise_cbind: `bind(X,D) op bind(Y,E)` from a cached `X op Y`.
MatrixPtr cellwise_bind(const Target &t, const char *bind);

} // namespace linea::lineage::partial
