#include "compiler/lops/physical.h"

#include "compiler/hops/infer.h"

namespace linea::lops {

namespace {

using hops::Hop;
using hops::HopKind;
using hops::MatMultMethod;

bool is_transpose(const Hop *h) {
    return h->kind == HopKind::Reorg && h->reorg_op == rt::ReorgOp::Transpose;
}
bool plain_matmult(const Hop *h) {
    return h->kind == HopKind::MatMult && h->mm_method == MatMultMethod::Default;
}
bool single_use(const Hop *h) {
    return h->parents.size() == 1;
}

void set(Hop *h, MatMultMethod m, const char *opcode, std::vector<Hop *> inputs) {
    h->mm_method = m;
    h->opcode = opcode;
    h->inputs = std::move(inputs);
}

bool select(Hop *h) {
    if (!plain_matmult(h)) return false;
    Hop *a = h->inputs[0], *b = h->inputs[1];
    if (is_transpose(a) && a->inputs[0] == b) {
        set(h, MatMultMethod::TsmmLeft, "tsmm", {b});
        return true;
    }
    if (is_transpose(b) && b->inputs[0] == a) {
        set(h, MatMultMethod::TsmmRight, "tsmm", {a});
        return true;
    }
    if (!is_transpose(a)) return false;
    Hop *x = a->inputs[0];
    // t(X) %*% (X %*% v): the inner product must not be needed elsewhere, or it would be computed twice.
    // Sizes unknown at compile time are checked at run time, which falls back to the general products.
    auto maybe_vector = [](const Hop *v) { return !v->cols || *v->cols == 1; };
    if (plain_matmult(b) && b->inputs[0] == x && single_use(b) && maybe_vector(b->inputs[1])) {
        set(h, MatMultMethod::MMChain, "mmchain", {x, b->inputs[1]});
        return true;
    }
    if (b->kind == HopKind::Binary && b->binary_op == kernels::BinaryOp::Mul && single_use(b)) {
        for (int side = 0; side < 2; ++side) {
            Hop *w = b->inputs[side], *xv = b->inputs[1 - side];
            if (plain_matmult(xv) && xv->inputs[0] == x && single_use(xv) && maybe_vector(xv->inputs[1]) &&
                w->is_matrix() && maybe_vector(w)) {
                set(h, MatMultMethod::MMChainW, "mmchain", {x, xv->inputs[1], w});
                return true;
            }
        }
    }
    set(h, MatMultMethod::TransLeft, "ba+*", {x, b});
    return true;
}

void select_blocks(hops::BlockVec &blocks) {
    for (auto &b : blocks) {
        select_physical_operators(b->dag);
        select_blocks(b->body);
        select_blocks(b->else_body);
    }
}

} // namespace

int select_physical_operators(hops::HopDag &dag) {
    dag.rebuild_parents();
    int changed = 0;
    for (Hop *h : dag.topological()) {
        if (select(h)) {
            ++changed;
            dag.rebuild_parents();
        }
    }
    return changed;
}

void select_physical_operators(hops::HopProgram &prog) {
    for (auto &[key, fb] : prog.functions) {
        for (auto &d : fb->defaults)
            if (d) select_physical_operators(*d);
        select_blocks(fb->blocks);
    }
    select_blocks(prog.main.blocks);
}

} // namespace linea::lops
