// colSums(X)/nrow(X) -> colMeans(X), rowSums(X)/ncol(X) -> rowMeans(X)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class ColSumsDivNrow : public HopRewrite {
public:
    const char *name() const override { return "col_sums_div_nrow"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_binary(h, kernels::BinaryOp::Div)) return nullptr;
        Hop *s = h->inputs[0], *n = h->inputs[1];
        bool col = is_agg(s, kernels::AggOp::Sum, kernels::AggDir::Col),
             row = is_agg(s, kernels::AggOp::Sum, kernels::AggDir::Row);
        if (!col && !row) return nullptr;
        const Hop *x = s->inputs[0];
        bool match = false;
        if (n->kind == HopKind::Builtin && n->inputs.size() == 1 && n->inputs[0] == x)
            match = n->opcode == (col ? "nrow" : "ncol");
        else if (is_literal(n) && known_dims(x))
            match = is_literal_value(n, static_cast<double>(col ? *x->rows : *x->cols)) ||
                    (n->literal.is_int() && n->literal.as_int_unchecked() == (col ? *x->rows : *x->cols));
        if (!match) return nullptr;
        // Kahan sum then one division: the mean kernel computes the same value.
        return ctx.aggregate(kernels::AggOp::Mean, col ? kernels::AggDir::Col : kernels::AggDir::Row,
                             col ? "uacmean" : "uarmean", s->inputs[0], h->loc);
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_col_sums_div_nrow() {
    return std::make_unique<ColSumsDivNrow>();
}

} // namespace linea::rewrites
