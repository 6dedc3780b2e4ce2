// t(rbind(X,D)) %*% rbind(X,D) -> t(X)%*%X + t(D)%*%D
#include "kernels/ops.h"
#include "runtime/lineage/partial/rewrites.h"

namespace linea::lineage::partial {

MatrixPtr tsmm_rbind(const Target &t) {
    const Item *rb = tsmm_over(t.item(), "rbind");
    const int64_t n = t.operand_rows(0), w = t.operand_cols(0);
    if (!rb || n < 0) return nullptr;
    MatrixPtr g = t.cached(tsmm_item(rb->inputs()[0]));
    if (!g || g->rows() != w) return nullptr;
    // D: the bind's later parts when the executor has not formed it.
    const std::vector<MatrixPtr> parts = t.parts(0, false);
    if (!parts.empty()) {
        std::vector<const MatrixBlock *> rest;
        for (size_t i = 1; i < parts.size(); ++i) rest.push_back(parts[i].get());
        MatrixPtr d = rest.size() == 1 ? parts[1] : kernels::rbind(rest);
        return kernels::binary(kernels::BinaryOp::Add, *g, *kernels::tsmm(*d, true));
    }
    MatrixPtr c = t.operand(0);
    if (!c) return nullptr;
    // The rows of X: from X itself, or the rows of everything after it.
    int64_t nx = -1;
    if (MatrixPtr x = t.value_of(rb->inputs()[0])) {
        nx = x->rows();
    } else {
        int64_t rest = 0;
        for (size_t i = 1; i < rb->inputs().size() && rest >= 0; ++i) {
            MatrixPtr d = t.value_of(rb->inputs()[i]);
            rest = d ? rest + d->rows() : -1;
        }
        if (rest >= 0) nx = c->rows() - rest;
    }
    if (nx < 0 || nx > c->rows()) return nullptr;
    MatrixPtr d = rows(*c, nx, c->rows());
    return kernels::binary(kernels::BinaryOp::Add, *g, *kernels::tsmm(*d, true));
}

} // namespace linea::lineage::partial
