// The ordered list of compensation plans: cheap, specific plans before general ones; plans that scan the
// cache for relatives last.
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

const std::vector<Rewrite> &rewrite_list() {
    static const std::vector<Rewrite> list = {
        {"tsmm_cbind_ones", tsmm_cbind_ones},
        {"tsmm_cbind", tsmm_cbind},
        {"tsmm_cbind_ones_extend", tsmm_cbind_ones_extend},
        {"tsmm_rbind", tsmm_rbind},
        {"mm_rbind_left", mm_rbind_left},
        {"mm_cbind_ones_right", mm_cbind_ones_right},
        {"mm_cbind_right", mm_cbind_right},
        {"mm_col_slice", mm_col_slice},
        {"mm_col_slice_batch", mm_col_slice_batch},
        {"cellwise_rbind", cellwise_rbind},
        {"cellwise_cbind", cellwise_cbind},
        {"aggregate_cbind", aggregate_cbind},
        {"tsmm_cbind_replace", tsmm_cbind_replace},
    };
    return list;
}

} // namespace linea::lineage::partial
