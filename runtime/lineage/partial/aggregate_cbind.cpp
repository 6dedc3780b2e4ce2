// aggregate(target=cbind(X,D), groups=g, fn=f) -> cbind(aggregate(X, g, f), aggregate(D, g, f))
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

#include <unordered_map>

namespace linea::lineage::partial {

MatrixPtr aggregate_cbind(const Target &t) {
    // aggregate is traced as groupedagg "aggregate" over (target, groups, fn, weights, ngroups).
    const Item &it = t.item();
    if (!is_op(it, "groupedagg", "aggregate") || it.inputs().size() != 5) return nullptr;
    const Item &target = *t.input(0);
    if (!is_op(target, "cbind", "cbind") || target.inputs().size() < 2) return nullptr;
    if (t.operand(3) || !is_op(*t.input(3), "L", "-")) return nullptr; // weights need a single column
    using G = kernels::GroupFn;
    static const std::unordered_map<std::string, G> fns = {{"s:sum", G::Sum},   {"s:count", G::Count},
                                                           {"s:mean", G::Mean}, {"s:variance", G::Variance},
                                                           {"s:min", G::Min},   {"s:max", G::Max}};
    auto fn = fns.find(t.input(2)->data());
    MatrixPtr c = t.operand(0), groups = t.operand(1);
    if (!is_op(*t.input(2), "L") || fn == fns.end() || !c || !groups) return nullptr;
    std::vector<ItemPtr> ins = it.inputs();
    ins[0] = target.inputs()[0];
    MatrixPtr ax = t.cached(with_inputs(it, std::move(ins)));
    if (!ax || ax->cols() >= c->cols()) return nullptr;
    MatrixPtr ad = kernels::grouped_aggregate(fn->second, *columns(*c, ax->cols(), c->cols()), *groups,
                                              nullptr, ax->rows());
    if (ad->rows() != ax->rows()) return nullptr;
    return kernels::cbind({ax.get(), ad.get()});
}

} // namespace linea::lineage::partial
