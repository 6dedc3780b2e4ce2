// Fused operators (interpreted and JIT-compiled) against the unfused kernels: bit-identical on dense
// inputs (same reduction order), within rounding on sparse drivers, over the shapes of test_util.h.
#include "kernels/blas/chain.h"
#include "kernels/codegen/fused_op.h"
#include "kernels/codegen/jit.h"
#include "kernels/codegen/reduce_body.h"
#include "kernels/codegen/row_template.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

/// A block of values whose sums round (so the compensation matters), with a few large and tiny ones.
std::shared_ptr<MatrixBlock> rounding_block(int64_t rows, int64_t cols, uint64_t seed) {
    auto m = make_block(rows, cols, seed);
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
            const double v = m->get(i, j);
            m->set(i, j, (i * cols + j) % 97 == 5 ? v * 1e12 + 0.1 : v / 3.0 + 1e-9 * static_cast<double>(j));
        }
    return m;
}

TEST(Fused, ReductionBodyMatchesSpanBodiesAndUnfusedBitForBit) {
    // sum(X * Y), sumSq(Y - Z * s), sum((X > c) / Y), sumSq(X - mu) in one compiled loop over shared inputs:
    // the Kahan lanes in registers give what the span bodies plus add_span (and the interpreter, and the
    // unfused kernels) give, for chunk tails that are not whole lane groups, groups that wrap around row ends
    // (the row vector mu; rows shorter than a group too), and 0/0, x/0 cells.
    FusedOp op;
    op.inputs = {InputKind::Matrix, InputKind::Matrix, InputKind::Matrix,
                 InputKind::Scalar, InputKind::Cell,   InputKind::RowVector};
    for (int k = 0; k < 6; ++k) {
        FusedNode n;
        n.input = k;
        op.nodes.push_back(n);
    }
    auto bin = [&](BinaryOp b, int x, int y) {
        FusedNode n;
        n.kind = FusedNode::Kind::Binary;
        n.binary = b;
        n.a = x;
        n.b = y;
        op.nodes.push_back(n);
        return static_cast<int>(op.nodes.size()) - 1;
    };
    op.roots = {bin(BinaryOp::Mul, 0, 1), bin(BinaryOp::Sub, 1, bin(BinaryOp::Mul, 2, 3)),
                bin(BinaryOp::Div, bin(BinaryOp::Gt, 0, 4), 1), bin(BinaryOp::Sub, 0, 5)};
    op.agg = FusedAgg::Full;
    op.agg_ops = {AggOp::Sum, AggOp::SumSq, AggOp::Sum, AggOp::SumSq};
    op.agg_opcodes = {"uak+", "uasqk+", "uak+", "uasqk+"};
    ASSERT_TRUE(reducible(op));
    EXPECT_FALSE(reducible(chain(FusedAgg::Full, AggOp::Sum))); // exp calls back
    const DenseBodies bodies = jit_compile_dense(op);
    ASSERT_NE(bodies.reduce, nullptr);
    EXPECT_TRUE(bodies.spans.empty()); // the chunk tails are interpreted
    const DenseBodies other = jit_compile_dense(chain(FusedAgg::Full, AggOp::Sum));
    EXPECT_EQ(other.reduce, nullptr);
    EXPECT_EQ(other.spans.size(), 1u);
    auto shapes = test_shapes();
    shapes.insert(shapes.end(), {{300, 333}, {1, 100003}, {70001, 1}});
    for (auto [r, c] : shapes) {
        auto x = rounding_block(r, c, 1), y = rounding_block(r, c, 2), z = rounding_block(r, c, 3);
        auto cell = std::make_shared<MatrixBlock>(1, 1, 0.25);
        auto mu = rounding_block(1, c, 5);
        const std::vector<FusedArg> args = {{x.get()},      {y.get()},    {z.get()},
                                            {nullptr, 0.7}, {cell.get()}, {mu.get()}};
        const FusedResult fused = run_fused(op, args, bodies.spans, {}, bodies.reduce);
        const FusedResult spans = run_fused(op, args, jit_compile(op));
        const FusedResult interp = run_fused(op, args, {});
        const double want[] = {
            aggregate_all(AggOp::Sum, *binary(BinaryOp::Mul, *x, *y)),
            aggregate_all(AggOp::SumSq,
                          *binary(BinaryOp::Sub, *y, *binary_scalar(BinaryOp::Mul, *z, 0.7, false))),
            aggregate_all(AggOp::Sum,
                          *binary(BinaryOp::Div, *binary_scalar(BinaryOp::Gt, *x, 0.25, false), *y)),
            aggregate_all(AggOp::SumSq, *binary(BinaryOp::Sub, *x, *mu))};
        for (size_t k = 0; k < 4; ++k) {
            EXPECT_TRUE(same(fused.values[k], spans.values[k])) << r << "x" << c << " root " << k;
            EXPECT_TRUE(same(fused.values[k], interp.values[k])) << r << "x" << c << " root " << k;
            EXPECT_TRUE(same(fused.values[k], want[k])) << r << "x" << c << " root " << k;
        }
    }
}

TEST(Fused, ReductionBodyKeepsInfinitiesAndNaN) {
    // kahan_step's rule: once a lane's sum is not finite its correction is 0 (Inf stays Inf, Inf - Inf NaN).
    // The compiled body takes plain steps (a lone Inf would end NaN there), so these chunks are summed again
    // by run_fused's checked path.
    FusedOp op;
    op.inputs = {InputKind::Matrix};
    FusedNode in;
    in.input = 0;
    op.nodes = {in};
    op.roots = {0};
    op.agg = FusedAgg::Full;
    op.agg_ops = {AggOp::Sum};
    op.agg_opcodes = {"uak+"};
    const DenseBodies bodies = jit_compile_dense(op);
    ASSERT_NE(bodies.reduce, nullptr);
    const double inf = std::numeric_limits<double>::infinity();
    for (std::vector<double> special :
         {std::vector<double>{inf}, {inf, -inf}, {std::nan("")}, {-inf, 1e308}}) {
        auto x = rounding_block(200, 200, 4);
        for (size_t k = 0; k < special.size(); ++k) x->set(17 + 32 * static_cast<int64_t>(k), 3, special[k]);
        const double got = run_fused(op, {{x.get()}}, bodies.spans, {}, bodies.reduce).values[0];
        EXPECT_TRUE(same(got, aggregate_all(AggOp::Sum, *x)));
    }
}

/// X * log(abs(U %*% t(V)) + 1) * (Y + r) - X * c * s (sparse-safe for X), and X * Y as a second root.
FusedOp outer_chain(FusedAgg agg) {
    FusedOp op;
    op.inputs = {InputKind::Matrix, InputKind::Matrix,    InputKind::RowVector, InputKind::ColVector,
                 InputKind::Scalar, InputKind::OuterLeft, InputKind::OuterRight};
    for (int k = 0; k < 7; ++k) {
        FusedNode n;
        n.input = k;
        op.nodes.push_back(n);
    }
    auto add = [&](FusedNode n) {
        op.nodes.push_back(n);
        return static_cast<int>(op.nodes.size()) - 1;
    };
    auto bin = [&](BinaryOp b, int x, int y) {
        FusedNode n;
        n.kind = FusedNode::Kind::Binary;
        n.binary = b;
        n.a = x;
        n.b = y;
        return add(n);
    };
    auto un = [&](UnaryOp u, int x) {
        FusedNode n;
        n.kind = FusedNode::Kind::Unary;
        n.unary = u;
        n.a = x;
        return add(n);
    };
    FusedNode dot;
    dot.kind = FusedNode::Kind::Dot;
    dot.a = 5;
    dot.b = 6;
    const int d = add(dot);
    const int one = 4; // the scalar doubles as the "+ 1"
    const int lhs = bin(BinaryOp::Mul,
                        bin(BinaryOp::Mul, 0, un(UnaryOp::Log, bin(BinaryOp::Add, un(UnaryOp::Abs, d), one))),
                        bin(BinaryOp::Add, 1, 2));
    const int rhs = bin(BinaryOp::Mul, bin(BinaryOp::Mul, 0, 3), 4);
    op.roots = {bin(BinaryOp::Sub, lhs, rhs)};
    op.agg = agg;
    if (agg == FusedAgg::Full) op.roots.push_back(bin(BinaryOp::Mul, 0, 1));
    if (agg != FusedAgg::None) {
        op.agg_ops.assign(op.roots.size(), AggOp::Sum);
        op.agg_opcodes.assign(op.roots.size(), "uak+");
    }
    return op;
}

TEST(Fused, CompiledSparseBodiesMatchTheInterpreter) {
    // The compiled sparse-safe bodies (with a k-term dot product per stored cell) compute every cell as the
    // interpreter does: equal results; and within rounding of a dense pass.
    auto xd = make_block(120, 37, 11), y = make_block(120, 37, 12), r = make_block(1, 37, 13),
         c = make_block(120, 1, 14), u = make_block(120, 5, 15), v = make_block(37, 5, 16);
    MatrixPtr xs = to_sparse(*xd);
    for (FusedAgg agg : {FusedAgg::None, FusedAgg::Full, FusedAgg::Row}) {
        FusedOp op = outer_chain(agg);
        ASSERT_TRUE(op.sparse_safe());
        const std::vector<SparseSpanFn> compiled = jit_compile_sparse(op);
        auto run = [&](const MatrixBlock &x, const std::vector<SparseSpanFn> &bodies) {
            return run_fused(op,
                             {{&x}, {y.get()}, {r.get()}, {c.get()}, {nullptr, 1.0}, {u.get()}, {v.get()}},
                             {}, bodies);
        };
        FusedResult interp = run(*xs, {}), jit = run(*xs, compiled), dense = run(*xd, {});
        if (agg == FusedAgg::Full) {
            ASSERT_EQ(jit.values.size(), 2u);
            for (size_t k = 0; k < 2; ++k) {
                EXPECT_TRUE(same(jit.values[k], interp.values[k]));
                EXPECT_TRUE(near(jit.values[k], dense.values[k], 1e-12));
            }
            continue;
        }
        ASSERT_EQ(jit.matrix->rows(), dense.matrix->rows());
        ASSERT_EQ(jit.matrix->cols(), dense.matrix->cols());
        for (int64_t i = 0; i < jit.matrix->rows(); ++i)
            for (int64_t j = 0; j < jit.matrix->cols(); ++j) {
                EXPECT_TRUE(same(jit.matrix->get(i, j), interp.matrix->get(i, j)));
                EXPECT_TRUE(near(jit.matrix->get(i, j), dense.matrix->get(i, j), 1e-12));
            }
    }
}

/// sum((X - mu)^e) with mu a row vector and e a scalar (the exponent): one Pow with a loop-invariant
/// exponent.
FusedOp centered_power() {
    FusedOp op;
    op.inputs = {InputKind::Matrix, InputKind::RowVector, InputKind::Scalar};
    for (int k = 0; k < 3; ++k) {
        FusedNode n;
        n.input = k;
        op.nodes.push_back(n);
    }
    FusedNode d, p;
    d.kind = p.kind = FusedNode::Kind::Binary;
    d.binary = BinaryOp::Sub;
    d.a = 0;
    d.b = 1;
    p.binary = BinaryOp::Pow;
    p.a = 3;
    p.b = 2;
    op.nodes.push_back(d);
    op.nodes.push_back(p);
    op.roots = {4};
    op.agg = FusedAgg::Full;
    op.agg_ops = {AggOp::Sum};
    op.agg_opcodes = {"uak+"};
    return op;
}

TEST(Fused, SquareWithScalarExponentVectorizesAndMatchesUnfused) {
    // ^ with a scalar exponent: the compiled loop squares with fmul when the exponent is 2 (apply_binary's
    // x*x, so bit for bit as unfused) and calls back otherwise; the square copy is vectorized by LLVM.
    FusedOp op = centered_power();
    const std::string ir = jit_ir(op, false);
    EXPECT_NE(ir.find("fsub <"), std::string::npos) << ir;
    EXPECT_NE(ir.find("fmul <"), std::string::npos) << ir;
    for (auto [r, c] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {300, 7}, {7, 300}, {40, 1100}}) {
        auto x = make_block(r, c, 31), mu = make_block(1, c, 32);
        for (double e : {2.0, 3.0, 0.5}) {
            const double want = aggregate_all(
                AggOp::Sum, *binary_scalar(BinaryOp::Pow, *binary(BinaryOp::Sub, *x, *mu), e, false));
            for (const auto &spans : backends(op))
                EXPECT_TRUE(same(run_fused(op, {{x.get()}, {mu.get()}, {nullptr, e}}, spans).values[0], want))
                    << r << "x" << c << " ^" << e;
        }
    }
}

TEST(Fused, InlineUnaryOperatorsMatchUnfused) {
    // abs, sqrt, floor and ceil are inline IR in compiled bodies (IEEE operations, as apply_unary): each over
    // X / 3 with negatives and zeros (sqrt of a negative is NaN), bit for bit as the unfused kernels.
    for (UnaryOp u : {UnaryOp::Abs, UnaryOp::Sqrt, UnaryOp::Floor, UnaryOp::Ceil}) {
        FusedOp op;
        op.inputs = {InputKind::Matrix, InputKind::Scalar};
        for (int k = 0; k < 2; ++k) {
            FusedNode n;
            n.input = k;
            op.nodes.push_back(n);
        }
        FusedNode d, f;
        d.kind = FusedNode::Kind::Binary;
        d.binary = BinaryOp::Div;
        d.a = 0;
        d.b = 1;
        f.kind = FusedNode::Kind::Unary;
        f.unary = u;
        f.a = 2;
        op.nodes = {op.nodes[0], op.nodes[1], d, f};
        op.roots = {3};
        auto x = make_block(70, 90, 51);
        MatrixPtr want = unary(u, *binary_scalar(BinaryOp::Div, *x, 3.0, false));
        for (const auto &spans : backends(op)) {
            FusedResult res = run_fused(op, {{x.get()}, {nullptr, 3.0}}, spans);
            for (int64_t i = 0; i < 70; ++i)
                for (int64_t j = 0; j < 90; ++j) EXPECT_TRUE(same(res.matrix->get(i, j), want->get(i, j)));
        }
    }
}

TEST(Fused, CompiledSparseBodiesScatterOtherSparseInputs) {
    // sum(X * Y) + sum(Y * Z) over three CSR inputs (driver Y): the other sparse inputs are scattered into
    // dense rows for the compiled bodies; equal to the interpreter, within rounding of the unfused sums.
    FusedOp op;
    op.inputs = {InputKind::Matrix, InputKind::Matrix, InputKind::Matrix};
    for (int k = 0; k < 3; ++k) {
        FusedNode n;
        n.input = k;
        op.nodes.push_back(n);
    }
    for (auto [a, b] : {std::pair{0, 1}, std::pair{1, 2}}) {
        FusedNode m;
        m.kind = FusedNode::Kind::Binary;
        m.binary = BinaryOp::Mul;
        m.a = a;
        m.b = b;
        op.nodes.push_back(m);
    }
    op.roots = {3, 4};
    op.agg = FusedAgg::Full;
    op.agg_ops = {AggOp::Sum, AggOp::Sum};
    op.agg_opcodes = {"uak+", "uak+"};
    op.driver = 1;
    ASSERT_TRUE(op.sparse_safe());
    const std::vector<SparseSpanFn> compiled = jit_compile_sparse(op);
    for (auto [r, c] : test_shapes()) {
        auto x = make_block(r, c, 41), y = make_block(r, c, 42), z = make_block(r, c, 43);
        MatrixPtr xs = to_sparse(*x), ys = to_sparse(*y), zs = to_sparse(*z);
        FusedResult interp = run_fused(op, {{xs.get()}, {ys.get()}, {zs.get()}}, {}, {});
        FusedResult jit = run_fused(op, {{xs.get()}, {ys.get()}, {zs.get()}}, {}, compiled);
        const double want[2] = {aggregate_all(AggOp::Sum, *binary(BinaryOp::Mul, *x, *y)),
                                aggregate_all(AggOp::Sum, *binary(BinaryOp::Mul, *y, *z))};
        for (size_t k = 0; k < 2; ++k) {
            EXPECT_TRUE(same(jit.values[k], interp.values[k])) << r << "x" << c;
            EXPECT_TRUE(near(jit.values[k], want[k], 1e-12)) << r << "x" << c;
        }
    }
}

TEST(Fused, RowTemplateMatchesTheBlasMMChain) {
    // One pass over X's rows (dense blocks or CSR rows) against the two-pass BLAS mmchain: within rounding,
    // with and without w, over the test shapes and a tall X spanning several row chunks.
    auto shapes = test_shapes();
    shapes.push_back({5000, 13});
    for (auto [r, c] : shapes) {
        auto xd = make_block(r, c, 21), v = make_block(c, 1, 22), w = make_block(r, 1, 23);
        MatrixPtr xs = to_sparse(*xd);
        for (const MatrixBlock *wp : std::vector<const MatrixBlock *>{nullptr, w.get()}) {
            MatrixPtr want = mmchain(*xd, *v, wp);
            for (const MatrixBlock *x : std::vector<const MatrixBlock *>{xd.get(), xs.get()}) {
                MatrixPtr got = row_mmchain(*x, *v, wp);
                ASSERT_EQ(got->rows(), c);
                ASSERT_EQ(got->cols(), 1);
                for (int64_t j = 0; j < c; ++j)
                    EXPECT_TRUE(near(got->get(j, 0), want->get(j, 0), 1e-10)) << r << "x" << c;
            }
        }
    }
    auto x = make_block(4, 3), bad = make_block(4, 1);
    EXPECT_THROW(row_mmchain(*x, *bad, nullptr), KernelError);
}

TEST(Fused, ShapeMismatchIsAKernelError) {
    FusedOp op = chain(FusedAgg::Full, AggOp::Sum);
    auto x = make_block(3, 4), y = make_block(4, 3), z = make_block(3, 4);
    EXPECT_THROW(run_fused(op, {{x.get()}, {y.get()}, {z.get()}, {nullptr, 1.0}}, {}), KernelError);
}

} // namespace
} // namespace linea::kernels::codegen
