// Tries the compensation plans in registry order; counts and returns the first result.
#include "runtime/lineage/partial/partial.h"

#include "runtime/lineage/partial/rewrite.h"
#include "runtime/lineage/partial/sibling_index.h"

namespace linea::lineage::partial {

namespace {
/// The deferred bind operand i stands for, or nullptr.
const DeferredBind *deferred_bind(const Operands &ops, size_t i) {
    return i < ops.deferred.size() && !ops.deferred[i].parts.empty() ? &ops.deferred[i] : nullptr;
}
} // namespace

MatrixPtr Target::operand(size_t i) const {
    if (i >= operands_.values.size() || !operands_.values[i]) return nullptr;
    // A plan that needs the bind's value itself: the bind runs now, as it would have before the target.
    if (!operands_.values[i]->is_matrix() && deferred_bind(operands_, i) && operands_.materialize)
        operands_.materialize();
    if (!operands_.values[i]->is_matrix()) return nullptr;
    return operands_.values[i]->matrix();
}

std::vector<MatrixPtr> Target::parts(size_t i, bool columns) const {
    std::vector<MatrixPtr> out;
    const DeferredBind *d = deferred_bind(operands_, i);
    if (!d || d->columns != columns) return out;
    for (const Value *v : d->parts) out.push_back(v->matrix());
    return out;
}

int64_t Target::operand_rows(size_t i) const {
    if (i < operands_.values.size() && operands_.values[i] && operands_.values[i]->is_matrix())
        return operands_.values[i]->matrix()->rows();
    const DeferredBind *d = deferred_bind(operands_, i);
    if (!d) return -1;
    if (d->columns) return d->parts[0]->matrix()->rows();
    int64_t n = 0;
    for (const Value *v : d->parts) n += v->matrix()->rows();
    return n;
}

int64_t Target::operand_cols(size_t i) const {
    if (i < operands_.values.size() && operands_.values[i] && operands_.values[i]->is_matrix())
        return operands_.values[i]->matrix()->cols();
    const DeferredBind *d = deferred_bind(operands_, i);
    if (!d) return -1;
    if (!d->columns) return d->parts[0]->matrix()->cols();
    int64_t n = 0;
    for (const Value *v : d->parts) n += v->matrix()->cols();
    return n;
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

bool target_opcode(const std::string &opcode) {
    // The plans' targets are the same operations whose values serve them as relatives.
    return relative_opcode(opcode);
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
