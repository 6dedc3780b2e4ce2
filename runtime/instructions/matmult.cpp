// Matrix multiplication in its physical forms: plain, tsmm, transposed left operand, mmchain.
#include "kernels/blas/chain.h"
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

namespace linea::rt {

namespace {
const char *mm_opcode(MatMultKind k) {
    switch (k) {
    case MatMultKind::TsmmLeft:
    case MatMultKind::TsmmRight:
        return "tsmm";
    case MatMultKind::MMChain:
    case MatMultKind::MMChainW:
        return "mmchain";
    default:
        return "ba+*";
    }
}
} // namespace

MatMultInstruction::MatMultInstruction(MatMultKind kind, std::vector<Operand> in, int out, SourceLoc loc,
                                       kernels::FormatHint out_format)
    : Instruction(mm_opcode(kind), std::move(loc)), kind_(kind), in_(std::move(in)), out_(out),
      out_format_(out_format) {}

void MatMultInstruction::execute(ExecContext &ctx) const {
    std::vector<const MatrixBlock *> m;
    for (const Operand &op : in_) {
        const Value &v = ctx.get(op, loc());
        if (!v.is_matrix())
            throw DmlError(ErrorKind::Runtime, loc(), "%*% expects matrices but was given a " + v.describe());
        m.push_back(v.matrix().get());
    }
    try {
        MatrixPtr r;
        switch (kind_) {
        case MatMultKind::Plain:
            r = kernels::matmult(*m[0], *m[1], out_format_);
            break;
        case MatMultKind::TsmmLeft:
            r = kernels::tsmm(*m[0], true, out_format_);
            break;
        case MatMultKind::TsmmRight:
            r = kernels::tsmm(*m[0], false, out_format_);
            break;
        case MatMultKind::TransLeft:
            r = kernels::matmult_trans_left(*m[0], *m[1]);
            break;
        case MatMultKind::MMChain:
        case MatMultKind::MMChainW: {
            const MatrixBlock &x = *m[0], &v = *m[1];
            const MatrixBlock *w = kind_ == MatMultKind::MMChainW ? m[2] : nullptr;
            bool chain =
                v.cols() == 1 && v.rows() == x.cols() && (!w || (w->cols() == 1 && w->rows() == x.rows()));
            if (chain) {
                r = kernels::mmchain(x, v, w);
            } else {
                // Shapes the one-pass chain does not cover: the general products, same semantics.
                MatrixPtr xv = kernels::matmult(x, v);
                if (w) xv = kernels::binary(kernels::BinaryOp::Mul, *w, *xv);
                r = kernels::matmult_trans_left(x, *xv);
            }
            break;
        }
        }
        ctx.set(out_, Value(std::move(r)));
    } catch (...) {
        rethrow_at(loc());
    }
}

std::string MatMultInstruction::explain() const {
    std::string s = opcode();
    switch (kind_) {
    case MatMultKind::TsmmLeft:
        s += " t(" + operand_text(in_[0]) + ")%*%" + operand_text(in_[0]);
        break;
    case MatMultKind::TsmmRight:
        s += " " + operand_text(in_[0]) + "%*%t(" + operand_text(in_[0]) + ")";
        break;
    case MatMultKind::TransLeft:
        s += " t(" + operand_text(in_[0]) + ") " + operand_text(in_[1]);
        break;
    case MatMultKind::MMChain:
        s += " XtXv " + operand_text(in_[0]) + " " + operand_text(in_[1]);
        break;
    case MatMultKind::MMChainW:
        s += " XtwXv " + operand_text(in_[0]) + " " + operand_text(in_[1]) + " " + operand_text(in_[2]);
        break;
    case MatMultKind::Plain:
        s += " " + operand_text(in_[0]) + " " + operand_text(in_[1]);
        break;
    }
    if (out_format_ == kernels::FormatHint::Sparse) s += " out=csr";
    return s + " -> " + slot_text(out_);
}

} // namespace linea::rt
