// X[1:nrow(X), 1:ncol(X)] -> X
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class RemoveFullIndex : public HopRewrite {
public:
    const char *name() const override { return "remove_full_index"; }
    bool dynamic() const override { return true; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (h->kind != HopKind::Index || !known_dims(h->inputs[0]) || !h->has_cols) return nullptr;
        const Hop *x = h->inputs[0];
        size_t k = 1;
        auto covers = [&](const hops::IndexDim &d, int64_t extent) {
            if (d.all) return true;
            if (d.single) {
                auto v = hops::literal_int(h->inputs[k++]);
                return v && extent == 1 && *v == 1;
            }
            auto lo = hops::literal_int(h->inputs[k]), hi = hops::literal_int(h->inputs[k + 1]);
            k += 2;
            return lo && hi && *lo == 1 && *hi == extent;
        };
        bool r = covers(h->rows_dim, *x->rows);
        bool c = covers(h->cols_dim, *x->cols);
        return (r && c) ? h->inputs[0] : nullptr;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_remove_full_index() {
    return std::make_unique<RemoveFullIndex>();
}

} // namespace linea::rewrites
