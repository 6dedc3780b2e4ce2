// t(cbind(X,D)) %*% cbind(X,D) -> rbind(cbind(t(X)%*%X, t(X)%*%D), cbind(t(t(X)%*%D), t(D)%*%D))
#include "compiler/rewrites/rewrite.h"
#include "language/builtins.h"

namespace linea::rewrites {

namespace {
/// Partial reuse with compiler assistance (on with -lineage reuse_partial / reuse_hybrid): the Gram
/// matrix of a narrow extension of X is built from blocks, so t(X)%*%X is its own instruction and a
/// lineage-cache hit once computed, and cbind(X,D) is never materialised. Without a cached t(X)%*%X the
/// blocks cost about what the whole product costs (n*p^2/2 + n*p*k + n*k^2/2 flops against
/// n*(p+k)^2/2), so the rule needs no loop context; it requires known sizes and a narrow D (k <= p).
class GramOfCbindBlocks : public HopRewrite {
public:
    const char *name() const override { return "gram_of_cbind_blocks"; }
    bool dynamic() const override { return true; }
    bool default_on() const override { return false; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::MatMult || !is_transpose(h->inputs[0])) return nullptr;
        Hop *c = h->inputs[1];
        if (h->inputs[0]->inputs[0] != c || !is_builtin(c, "cbind") || c->inputs.size() < 2) return nullptr;
        for (const Hop *in : c->inputs)
            if (!known_dims(in)) return nullptr;
        Hop *x = c->inputs[0];
        const int64_t p = *x->cols, n = *x->rows, w = *c->cols;
        if (w - p < 1 || w - p > p) return nullptr;
        std::vector<Hop *> rest(c->inputs.begin() + 1, c->inputs.end());
        Hop *d = rest.size() == 1 ? rest[0] : bind(ctx, "cbind", rest, n, w - p, h->loc);
        const SourceLoc &loc = h->loc;
        Hop *xtx = ctx.matmult(ctx.transpose(x, loc), x, loc);
        Hop *xtd = ctx.matmult(ctx.transpose(x, loc), d, loc);
        Hop *dtd = ctx.matmult(ctx.transpose(d, loc), d, loc);
        Hop *top = bind(ctx, "cbind", {xtx, xtd}, p, w, loc);
        Hop *bottom = bind(ctx, "cbind", {ctx.transpose(xtd, loc), dtd}, w - p, w, loc);
        return bind(ctx, "rbind", {top, bottom}, w, w, loc);
    }

private:
    static Hop *bind(RewriteContext &ctx, const char *name, std::vector<Hop *> parts, int64_t rows,
                     int64_t cols, const SourceLoc &loc) {
        Hop *r = ctx.dag().make(HopKind::Builtin, name, std::move(parts), loc);
        r->builtin_id = find_builtin(name);
        r->arg_present.assign(r->inputs.size(), true);
        r->arg_names.assign(r->inputs.size(), std::string());
        r->num_outputs = 1;
        r->data_type = DataType::Matrix;
        r->value_type = ValueType::Double;
        r->rows = rows;
        r->cols = cols;
        return r;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_gram_of_cbind_blocks() {
    return std::make_unique<GramOfCbindBlocks>();
}

} // namespace linea::rewrites
