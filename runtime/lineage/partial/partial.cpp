// Tries the compensation plans in registry order; counts and returns the first result.
#include "runtime/lineage/partial/partial.h"

#include "runtime/lineage/partial/rewrite.h"
#include "runtime/lineage/partial/sibling_index.h"

namespace linea::lineage::partial {

MatrixPtr Target::operand(size_t i) const {
    if (i >= operands_.values.size() || !operands_.values[i] || !operands_.values[i]->is_matrix())
        return nullptr;
    return operands_.values[i]->matrix();
}

MatrixPtr Target::cached(const ItemPtr &it) const {
    std::optional<Value> v = cache_.peek(it);
    return v && v->is_matrix() ? v->matrix() : nullptr;
}

MatrixPtr Target::value_of(const ItemPtr &it) const {
    if (operands_.lookup)
        if (std::optional<Value> v = operands_.lookup(it); v && v->is_matrix()) return v->matrix();
    return cached(it);
}

bool relative_opcode(const std::string &opcode) {
    return opcode == "tsmm" || opcode == "ba+*" || opcode == "groupedagg" || opcode == "+" || opcode == "-" ||
           opcode == "*";
}

std::optional<Value> try_compensate(const ItemPtr &item, Cache &cache, const Operands &operands) {
    const Target target(item, cache, operands);
    for (const Rewrite &r : rewrite_list()) {
        MatrixPtr m;
        try {
            m = r.apply(target);
        } catch (const kernels::KernelError &) {
            // A plan that finds shapes it cannot combine does not apply; the instruction then runs
            // itself and reports any real error at its own script position.
            m = nullptr;
        }
        if (m) {
            cache.note_rewrite();
            note_gram_miss(item);
            return Value(std::move(m));
        }
    }
    // Computed and cached next: a possible relative of later Gram matrices.
    note_gram_miss(item);
    return std::nullopt;
}

} // namespace linea::lineage::partial
