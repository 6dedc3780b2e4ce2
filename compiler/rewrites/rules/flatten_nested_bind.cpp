// cbind(X, cbind(Y, Z)) -> cbind(X, Y, Z)   (and rbind)
#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

namespace {
class FlattenNestedBind : public HopRewrite {
public:
    const char *name() const override { return "flatten_nested_bind"; }
    Hop *apply(Hop *h, RewriteContext &ctx) const override {
        if (!is_builtin(h, "cbind") && !is_builtin(h, "rbind")) return nullptr;
        bool nested = false;
        for (const Hop *in : h->inputs)
            nested |= in->kind == HopKind::Builtin && in->opcode == h->opcode && in->is_matrix() &&
                      live_parents(in) == 1;
        if (!nested) return nullptr;
        for (const Hop *in : h->inputs)
            if (!in->is_matrix()) return nullptr; // scalars and lists keep their own binding rules
        std::vector<Hop *> flat;
        for (Hop *in : h->inputs) {
            if (in->kind == HopKind::Builtin && in->opcode == h->opcode && live_parents(in) == 1)
                flat.insert(flat.end(), in->inputs.begin(), in->inputs.end());
            else
                flat.push_back(in);
        }
        Hop *r = ctx.dag().make(HopKind::Builtin, h->opcode, flat, h->loc);
        r->builtin_id = h->builtin_id;
        r->arg_present.assign(flat.size(), true);
        r->arg_names.assign(flat.size(), std::string());
        r->num_outputs = 1;
        r->data_type = h->data_type;
        r->value_type = h->value_type;
        r->rows = h->rows;
        r->cols = h->cols;
        return r;
    }
};
} // namespace

std::unique_ptr<HopRewrite> make_flatten_nested_bind() {
    return std::make_unique<FlattenNestedBind>();
}

} // namespace linea::rewrites
