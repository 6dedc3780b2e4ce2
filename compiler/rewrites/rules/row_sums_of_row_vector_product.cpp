// rowSums(X*y) -> X%*%t(y)  (y a 1 x n row vector)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RowSumsOfRowVectorProduct : public HopRewrite {
public:
    const char *name() const override { return "row_sums_of_row_vector_product"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_agg(h, kernels::AggOp::Sum, kernels::AggDir::Row) ||
            !is_binary(h->inputs[0], kernels::BinaryOp::Mul))
            return nullptr;
        Hop *p = h->inputs[0];
        Hop *x = p->inputs[0], *y = p->inputs[1];
        if (known_dims(x) && *x->rows == 1) std::swap(x, y);
        if (!known_dims(x) || !known_dims(y) || *y->rows != 1 || *x->rows == 1 || *y->cols != *x->cols)
            return nullptr;
        return ctx.matmult(x, ctx.transpose(y, h->loc), h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_row_sums_of_row_vector_product() {
    return std::make_unique<RowSumsOfRowVectorProduct>();
}

} // namespace linea::rewrites
