// Fused operators (interpreted and JIT-compiled) against the unfused kernels: bit-identical on dense
// inputs (same reduction order), within rounding on sparse drivers, over the shapes of test_util.h.
#include "kernels/codegen/fused_op.h"
#include "kernels/codegen/jit.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace linea::kernels::codegen {
namespace {

using testing::make_block;
using testing::near;
using testing::same;
using testing::test_shapes;

/// (X * Y + s) * exp(Z / 10) over three same-shaped inputs and a scalar.
FusedOp chain(FusedAgg agg, AggOp a) {
    FusedOp op;
    op.inputs = {InputKind::Matrix, InputKind::Matrix, InputKind::Matrix, InputKind::Scalar};
    auto input = [&](int k) {
        FusedNode n;
        n.input = k;
        op.nodes.push_back(n);
    };
    auto bin = [&](BinaryOp b, int x, int y) {
        FusedNode n;
        n.kind = FusedNode::Kind::Binary;
        n.binary = b;
        n.a = x;
        n.b = y;
        op.nodes.push_back(n);
        return static_cast<int>(op.nodes.size()) - 1;
    };
    for (int k = 0; k < 4; ++k) input(k);
    int xy = bin(BinaryOp::Mul, 0, 1);
    int xys = bin(BinaryOp::Add, xy, 3);
    FusedNode e;
    e.kind = FusedNode::Kind::Unary;
    e.unary = UnaryOp::Exp;
    e.a = 2;
    op.nodes.push_back(e);
    int ez = static_cast<int>(op.nodes.size()) - 1;
    op.roots = {bin(BinaryOp::Mul, xys, ez)};
    op.agg = agg;
    if (agg != FusedAgg::None) op.agg_ops = {a};
    op.agg_opcodes = {"agg"};
    return op;
}

MatrixPtr unfused(const MatrixBlock &x, const MatrixBlock &y, const MatrixBlock &z, double s) {
    return binary(BinaryOp::Mul, *binary_scalar(BinaryOp::Add, *binary(BinaryOp::Mul, x, y), s, false),
                  *unary(UnaryOp::Exp, z));
}

std::vector<std::vector<SpanFn>> backends(const FusedOp &op) {
    return {{}, jit_compile(op)};
}

TEST(Fused, ElementwiseMatchesUnfused) {
    for (auto [r, c] : test_shapes()) {
        auto x = make_block(r, c, 1), y = make_block(r, c, 2), z = make_block(r, c, 3);
        MatrixPtr ref = unfused(*x, *y, *z, 0.5);
        FusedOp op = chain(FusedAgg::None, AggOp::Sum);
        for (const auto &spans : backends(op)) {
            FusedResult res = run_fused(op, {{x.get()}, {y.get()}, {z.get()}, {nullptr, 0.5}}, spans);
            ASSERT_EQ(res.matrix->rows(), r);
            ASSERT_EQ(res.matrix->cols(), c);
            for (int64_t i = 0; i < r; ++i)
                for (int64_t j = 0; j < c; ++j) EXPECT_TRUE(same(res.matrix->get(i, j), ref->get(i, j)));
        }
    }
}

TEST(Fused, AggregatesMatchUnfusedBitForBit) {
    for (auto [r, c] : test_shapes()) {
        auto x = make_block(r, c, 4), y = make_block(r, c, 5), z = make_block(r, c, 6);
        MatrixPtr ref = unfused(*x, *y, *z, -1.0);
        for (AggOp a : {AggOp::Sum, AggOp::SumSq, AggOp::Min, AggOp::Max}) {
            for (FusedAgg agg : {FusedAgg::Full, FusedAgg::Row, FusedAgg::Col}) {
                if (agg == FusedAgg::Full && r * c == 0 && (a == AggOp::Min || a == AggOp::Max)) continue;
                FusedOp op = chain(agg, a);
                for (const auto &spans : backends(op)) {
                    FusedResult res =
                        run_fused(op, {{x.get()}, {y.get()}, {z.get()}, {nullptr, -1.0}}, spans);
                    if (agg == FusedAgg::Full) {
                        EXPECT_TRUE(same(res.values[0], aggregate_all(a, *ref))) << r << "x" << c;
                        continue;
                    }
                    MatrixPtr want = aggregate(a, agg == FusedAgg::Row ? AggDir::Row : AggDir::Col, *ref);
                    ASSERT_EQ(res.matrix->rows(), want->rows());
                    ASSERT_EQ(res.matrix->cols(), want->cols());
                    for (int64_t i = 0; i < want->rows(); ++i)
                        for (int64_t j = 0; j < want->cols(); ++j)
                            EXPECT_TRUE(same(res.matrix->get(i, j), want->get(i, j))) << r << "x" << c;
                }
            }
        }
    }
}

TEST(Fused, SparseDriverVisitsNonZerosOnly) {
    // sum(X * Y) and rowSums(X * Y) with a sparse X: sparse-safe, within rounding of the unfused result.
    FusedOp op;
    op.inputs = {InputKind::Matrix, InputKind::Matrix};
    FusedNode a, b, m;
    a.input = 0;
    b.input = 1;
    m.kind = FusedNode::Kind::Binary;
    m.binary = BinaryOp::Mul;
    m.a = 0;
    m.b = 1;
    op.nodes = {a, b, m};
    op.roots = {2};
    op.agg = FusedAgg::Full;
    op.agg_ops = {AggOp::Sum};
    op.agg_opcodes = {"uak+"};
    ASSERT_TRUE(op.sparse_safe());
    auto xd = make_block(300, 40, 7), y = make_block(300, 40, 8);
    MatrixPtr xs = to_sparse(*xd);
    const double want = aggregate_all(AggOp::Sum, *binary(BinaryOp::Mul, *xd, *y));
    for (const auto &spans : backends(op))
        EXPECT_TRUE(near(run_fused(op, {{xs.get()}, {y.get()}}, spans).values[0], want, 1e-12));
    op.agg = FusedAgg::Row;
    MatrixPtr rows = aggregate(AggOp::Sum, AggDir::Row, *binary(BinaryOp::Mul, *xd, *y));
    FusedResult res = run_fused(op, {{xs.get()}, {y.get()}}, {});
    for (int64_t i = 0; i < 300; ++i) EXPECT_TRUE(near(res.matrix->get(i, 0), rows->get(i, 0), 1e-12));
}

TEST(Fused, JitCachesBySignature) {
    FusedOp op = chain(FusedAgg::Full, AggOp::Sum);
    jit_compile(op);
    const JitStats before = jit_stats();
    jit_compile(op);
    const JitStats after = jit_stats();
    EXPECT_EQ(after.compiled, before.compiled);
    EXPECT_EQ(after.hits, before.hits + 1);
}

TEST(Fused, ShapeMismatchIsAKernelError) {
    FusedOp op = chain(FusedAgg::Full, AggOp::Sum);
    auto x = make_block(3, 4), y = make_block(4, 3), z = make_block(3, 4);
    EXPECT_THROW(run_fused(op, {{x.get()}, {y.get()}, {z.get()}, {nullptr, 1.0}}, {}), KernelError);
}

} // namespace
} // namespace linea::kernels::codegen
