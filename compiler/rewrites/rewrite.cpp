#include "compiler/rewrites/rewrite.h"

namespace linea::rewrites {

Hop *RewriteContext::literal(Value v, const SourceLoc &loc) {
    Hop *h = dag_.make(HopKind::Literal, "lit", {}, loc);
    h->data_type = DataType::Scalar;
    h->value_type = v.value_type();
    h->literal = std::move(v);
    return h;
}

Hop *RewriteContext::unary(kernels::UnaryOp op, const char *opcode, Hop *a, const SourceLoc &loc) {
    Hop *h = dag_.make(HopKind::Unary, opcode, {a}, loc);
    h->unary_op = op;
    hops::infer(h);
    return h;
}

Hop *RewriteContext::binary(kernels::BinaryOp op, const char *opcode, Hop *a, Hop *b, const SourceLoc &loc) {
    Hop *h = dag_.make(HopKind::Binary, opcode, {a, b}, loc);
    h->binary_op = op;
    hops::infer(h);
    return h;
}

Hop *RewriteContext::aggregate(kernels::AggOp op, kernels::AggDir dir, const char *opcode, Hop *a,
                               const SourceLoc &loc) {
    Hop *h = dag_.make(HopKind::Aggregate, opcode, {a}, loc);
    h->agg_op = op;
    h->agg_dir = dir;
    hops::infer(h);
    return h;
}

Hop *RewriteContext::transpose(Hop *a, const SourceLoc &loc) {
    Hop *h = dag_.make(HopKind::Reorg, "r'", {a}, loc);
    h->reorg_op = rt::ReorgOp::Transpose;
    hops::infer(h);
    return h;
}

Hop *RewriteContext::matmult(Hop *a, Hop *b, const SourceLoc &loc) {
    Hop *h = dag_.make(HopKind::MatMult, "ba+*", {a, b}, loc);
    hops::infer(h);
    return h;
}

bool is_literal(const Hop *h) {
    return h->kind == HopKind::Literal;
}

bool is_literal_value(const Hop *h, double v) {
    return h->kind == HopKind::Literal && h->literal.is_numeric_scalar() && !h->literal.is_bool() &&
           h->literal.to_double() == v;
}

bool is_binary(const Hop *h, kernels::BinaryOp op) {
    return h->kind == HopKind::Binary && h->binary_op == op;
}
bool is_unary(const Hop *h, kernels::UnaryOp op) {
    return h->kind == HopKind::Unary && h->unary_op == op;
}
bool is_transpose(const Hop *h) {
    return h->kind == HopKind::Reorg && h->reorg_op == rt::ReorgOp::Transpose;
}
bool is_agg(const Hop *h, kernels::AggOp op, kernels::AggDir dir) {
    return h->kind == HopKind::Aggregate && h->agg_op == op && h->agg_dir == dir;
}
bool is_builtin(const Hop *h, std::string_view opcode) {
    return h->kind == HopKind::Builtin && h->opcode == opcode;
}
bool is_matrix_or_double(const Hop *h) {
    return h->is_matrix() || (h->is_scalar() && h->value_type == ValueType::Double);
}
bool known_dims(const Hop *h) {
    return h->is_matrix() && h->rows && h->cols;
}
size_t live_parents(const Hop *h) {
    return h->parents.size();
}

Hop *drop_identity_operand(Hop *h, kernels::BinaryOp op, double identity, bool right_only) {
    if (!is_binary(h, op)) return nullptr;
    for (int side = 1; side >= (right_only ? 1 : 0); --side) {
        Hop *lit = h->inputs[side], *other = h->inputs[1 - side];
        if (!is_literal_value(lit, identity)) continue;
        // A scalar keeps its value type only when both it and the literal are doubles (TRUE*1 is 1.0).
        if (other->is_matrix() || (is_matrix_or_double(other) && !lit->literal.is_int())) return other;
    }
    return nullptr;
}

const std::vector<std::unique_ptr<HopRewrite>> &rule_registry() {
    static const std::vector<std::unique_ptr<HopRewrite>> rules = [] {
        std::vector<std::unique_ptr<HopRewrite>> r;
#define LINEA_RULE(Factory) r.push_back(Factory());
#include "compiler/rewrites/rule_list.inc"
#undef LINEA_RULE
        return r;
    }();
    return rules;
}

} // namespace linea::rewrites
