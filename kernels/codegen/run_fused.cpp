// Evaluation of fused operators: dense passes over fixed cell chunks (the unfused kernels' chunks, so sums
// are bit-identical), sparse-safe passes over a CSR driver's non-zeros, and the interpreter of span bodies.
#include "kernels/codegen/fused_op.h"
#include "kernels/codegen/needed_nodes.h"
#include "kernels/codegen/reduce_body.h"
#include "kernels/codegen/row_template.h"
#include "kernels/codegen/sparse_span.h"
#include "kernels/parallel.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace linea::kernels::codegen {

namespace {

using detail::Kahan;
constexpr int64_t kChunkCells = detail::kAggChunkCells; // the dense aggregate kernels' chunk
constexpr int64_t kSpan = 512;                          // cells per interpreted span (scratch size)
// Cells per buffer of a full aggregate: compiled bodies fill it in as few calls as the rows allow and each
// compensated sum takes it in one KahanLanes::add_span, whose per-call set-up (the lanes' load and store)
// costs about a fifth of the summing at 512 cells and a twentieth at 2048 (1-thread, L2-resident probe).
// Multi-aggregates keep kSpan: their roots' spans re-read shared inputs, which must stay in L1.
constexpr int64_t kBlock = 2048;

using detail::KahanLanes; // the dense aggregate kernels' lanes: same merge order

double fold(AggOp op, double acc, double v) {
    return apply_binary(op == AggOp::Min ? BinaryOp::Min : BinaryOp::Max, acc, v);
}

/// The dot product of k-vectors u and v (a cell of an outer product U %*% t(V)).
double dot(const double *u, const double *v, int64_t k) {
    double s = 0.0;
    for (int64_t t = 0; t < k; ++t) s += u[t] * v[t];
    return s;
}

/// Interprets root `root` over cells (i, j0 .. j0+n): node by node over the span (the nodes it needs,
/// needed_nodes.h), into scratch buffers.
/// `rank` is the inner dimension k of the outer products (Dot nodes).
void interpret_span(const FusedOp &op, const double *const *ptrs, int64_t cols, int64_t rank, int64_t i,
                    int64_t j0, int64_t n, int root, const std::vector<bool> &need,
                    std::vector<double> &scratch, double *out) {
    scratch.resize(op.nodes.size() * static_cast<size_t>(kSpan));
    auto buf = [&](int k) { return scratch.data() + static_cast<size_t>(k) * kSpan; };
    for (int k = 0; k <= root; ++k) {
        if (!need[static_cast<size_t>(k)]) continue;
        const FusedNode &nd = op.nodes[static_cast<size_t>(k)];
        double *o = k == root ? out : buf(k);
        switch (nd.kind) {
        case FusedNode::Kind::Input: {
            const double *p = ptrs[nd.input];
            switch (op.inputs[static_cast<size_t>(nd.input)]) {
            case InputKind::Matrix:
                std::copy(p + i * cols + j0, p + i * cols + j0 + n, o);
                break;
            case InputKind::RowVector:
                std::copy(p + j0, p + j0 + n, o);
                break;
            case InputKind::ColVector:
                std::fill(o, o + n, p[i]);
                break;
            case InputKind::Cell:
            case InputKind::Scalar:
                std::fill(o, o + n, p[0]);
                break;
            case InputKind::OuterLeft:
            case InputKind::OuterRight:
                break; // read by the Dot nodes
            }
            break;
        }
        case FusedNode::Kind::Dot: {
            const double *u = ptrs[op.nodes[static_cast<size_t>(nd.a)].input] + i * rank;
            const double *v = ptrs[op.nodes[static_cast<size_t>(nd.b)].input];
            for (int64_t c = 0; c < n; ++c) o[c] = dot(u, v + (j0 + c) * rank, rank);
            break;
        }
        case FusedNode::Kind::Unary: {
            const double *a = buf(nd.a);
            for (int64_t c = 0; c < n; ++c) o[c] = apply_unary(nd.unary, a[c]);
            break;
        }
        case FusedNode::Kind::Binary: {
            const double *a = buf(nd.a), *b = buf(nd.b);
            switch (nd.binary) {
            case BinaryOp::Add:
                for (int64_t c = 0; c < n; ++c) o[c] = a[c] + b[c];
                break;
            case BinaryOp::Sub:
                for (int64_t c = 0; c < n; ++c) o[c] = a[c] - b[c];
                break;
            case BinaryOp::Mul:
                for (int64_t c = 0; c < n; ++c) o[c] = a[c] * b[c];
                break;
            case BinaryOp::Div:
                for (int64_t c = 0; c < n; ++c) o[c] = a[c] / b[c];
                break;
            default:
                for (int64_t c = 0; c < n; ++c) o[c] = apply_binary(nd.binary, a[c], b[c]);
                break;
            }
            break;
        }
        }
    }
}

/// The value of root `root` at the stored cell (i, j) of a sparse-safe pass, node by node, reading what the
/// compiled bodies read (sparse_span.h): the driver's value dv, the other full-size inputs from their row i
/// in `ptrs`, vectors, cells, factors and scalars densely.
double sparse_cell(const FusedOp &op, const double *const *ptrs, int64_t rank, int64_t i, int64_t j,
                   double dv, int root, const std::vector<bool> &need, std::vector<double> &vals) {
    vals.resize(op.nodes.size());
    for (int k = 0; k <= root; ++k) {
        if (!need[static_cast<size_t>(k)]) continue;
        const FusedNode &nd = op.nodes[static_cast<size_t>(k)];
        double v = 0.0;
        switch (nd.kind) {
        case FusedNode::Kind::Input: {
            const double *p = ptrs[nd.input];
            switch (op.inputs[static_cast<size_t>(nd.input)]) {
            case InputKind::Matrix:
                v = nd.input == op.driver ? dv : p[j];
                break;
            case InputKind::RowVector:
                v = p[j];
                break;
            case InputKind::ColVector:
                v = p[i];
                break;
            case InputKind::Cell:
            case InputKind::Scalar:
                v = p[0];
                break;
            case InputKind::OuterLeft:
            case InputKind::OuterRight:
                break; // read by the Dot nodes
            }
            break;
        }
        case FusedNode::Kind::Dot:
            v = dot(ptrs[op.nodes[static_cast<size_t>(nd.a)].input] + i * rank,
                    ptrs[op.nodes[static_cast<size_t>(nd.b)].input] + j * rank, rank);
            break;
        case FusedNode::Kind::Unary:
            v = apply_unary(nd.unary, vals[static_cast<size_t>(nd.a)]);
            break;
        case FusedNode::Kind::Binary:
            v = apply_binary(nd.binary, vals[static_cast<size_t>(nd.a)], vals[static_cast<size_t>(nd.b)]);
            break;
        }
        vals[static_cast<size_t>(k)] = v;
    }
    return vals[static_cast<size_t>(root)];
}

bool all_finite(const MatrixBlock &m) {
    const double *v = m.is_sparse() ? m.values() : m.data();
    const int64_t n = m.is_sparse() ? m.nnz() : m.cells();
    for (int64_t k = 0; k < n; ++k)
        if (!std::isfinite(v[k])) return false;
    return true;
}

std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

} // namespace

FusedResult run_fused(const FusedOp &op, const std::vector<FusedArg> &given, const std::vector<SpanFn> &spans,
                      const std::vector<SparseSpanFn> &sparse_spans, ReduceFn reduce) {
    if (op.agg == FusedAgg::MMChain) {
        FusedResult res;
        res.matrix =
            row_mmchain(*given[0].matrix, *given[1].matrix, given.size() > 2 ? given[2].matrix : nullptr);
        return res;
    }
    const MatrixBlock &drv = *given[static_cast<size_t>(op.driver)].matrix;
    const int64_t rows = drv.rows(), cols = drv.cols();
    // The factors of outer products are read by rows: in dense form.
    std::vector<FusedArg> args = given;
    std::vector<MatrixPtr> dense_factors(op.inputs.size());
    int64_t rank = -1;
    for (size_t k = 0; k < op.inputs.size(); ++k)
        if (op.inputs[k] == InputKind::OuterLeft || op.inputs[k] == InputKind::OuterRight) {
            dense_factors[k] = dense_input(*given[k].matrix);
            args[k].matrix = dense_factors[k].get();
            if (rank >= 0 && args[k].matrix->cols() != rank)
                throw KernelError("dimension mismatch in matrix multiplication: inner dimensions " +
                                  std::to_string(rank) + " and " + std::to_string(args[k].matrix->cols()));
            rank = args[k].matrix->cols();
        }
    // Shapes are checked here: the plan was made with sizes that recompilation may since have changed.
    for (size_t k = 0; k < op.inputs.size(); ++k) {
        const MatrixBlock *m = args[k].matrix;
        bool ok = true;
        switch (op.inputs[k]) {
        case InputKind::Matrix:
            ok = m->rows() == rows && m->cols() == cols;
            break;
        case InputKind::RowVector:
            ok = m->rows() == 1 && m->cols() == cols;
            break;
        case InputKind::ColVector:
            ok = m->rows() == rows && m->cols() == 1;
            break;
        case InputKind::Cell:
            ok = m->rows() == 1 && m->cols() == 1;
            break;
        case InputKind::Scalar:
            break;
        case InputKind::OuterLeft:
            ok = m->rows() == rows;
            break;
        case InputKind::OuterRight:
            ok = m->rows() == cols;
            break;
        }
        if (!ok)
            throw KernelError("dimension mismatch in cell-wise operation: " + shape(drv) + " and " +
                              shape(*m));
    }
    const int nroots = static_cast<int>(op.roots.size());
    std::vector<std::vector<bool>> needs; // per root: the nodes it evaluates
    for (int root : op.roots) needs.push_back(needed_nodes(op, root));
    FusedResult res;

    // Sparse-safe pass: only the driver's stored entries (other inputs must be finite: 0 * Inf is NaN).
    if (drv.is_sparse() && op.sparse_safe()) {
        bool finite = true;
        for (size_t k = 0; k < op.inputs.size() && finite; ++k)
            if (static_cast<int>(k) != op.driver && op.inputs[k] != InputKind::Scalar)
                finite = all_finite(*args[k].matrix);
        for (size_t k = 0; k < op.inputs.size() && finite; ++k)
            if (op.inputs[k] == InputKind::Scalar) finite = std::isfinite(args[k].scalar);
        if (finite) {
            const int64_t *rp = drv.row_ptr();
            const int32_t *ci = drv.col_idx();
            const double *dv = drv.values();
            // Compiled and interpreted bodies read every other full-size input as a dense row: a dense
            // input's row i, or a sparse one's row scattered into a zeroed per-thread buffer (cleared after
            // the row), so a product of CSR operands costs O(nnz) of each instead of a merge per cell.
            // Vectors, 1x1 cells and outer factors are densified (they are small); scalars are passed by
            // address.
            const bool compiled = !sparse_spans.empty();
            std::vector<MatrixPtr> held(op.inputs.size());
            std::vector<const double *> ptrs(op.inputs.size(), nullptr);
            std::vector<size_t> scattered; // the sparse full-size inputs besides the driver
            for (size_t k = 0; k < op.inputs.size(); ++k) {
                if (static_cast<int>(k) == op.driver) continue;
                if (op.inputs[k] == InputKind::Scalar) {
                    ptrs[k] = &args[k].scalar;
                } else if (op.inputs[k] == InputKind::Matrix && args[k].matrix->is_sparse()) {
                    scattered.push_back(k);
                } else {
                    held[k] = dense_input(*args[k].matrix);
                    ptrs[k] = held[k]->data();
                }
            }
            // One thread's evaluation of rows: set_row(i) points the full-size inputs at row i, then
            // values(r, out) writes root r at the row's stored cells (in column order).
            struct RowEval {
                std::vector<const double *> row_ptrs;
                std::vector<std::vector<double>> bufs; // per scattered input, cols zeros between rows
                std::vector<double> vals;
                int64_t i = -1;
            };
            auto make_eval = [&] {
                RowEval e;
                e.row_ptrs = ptrs;
                e.bufs.assign(scattered.size(), std::vector<double>(static_cast<size_t>(cols), 0.0));
                for (size_t s = 0; s < scattered.size(); ++s) e.row_ptrs[scattered[s]] = e.bufs[s].data();
                return e;
            };
            auto scatter = [&](RowEval &e, bool set) {
                for (size_t s = 0; s < scattered.size(); ++s) {
                    const MatrixBlock &m = *args[scattered[s]].matrix;
                    const int64_t q0 = m.row_ptr()[e.i], q1 = m.row_ptr()[e.i + 1];
                    const int32_t *mc = m.col_idx();
                    const double *mv = m.values();
                    double *buf = e.bufs[s].data();
                    if (set)
                        for (int64_t q = q0; q < q1; ++q) buf[mc[q]] = mv[q];
                    else
                        for (int64_t q = q0; q < q1; ++q) buf[mc[q]] = 0.0;
                }
            };
            auto set_row = [&](RowEval &e, int64_t i) {
                if (e.i >= 0) scatter(e, false);
                e.i = i;
                for (size_t k = 0; k < op.inputs.size(); ++k)
                    if (op.inputs[k] == InputKind::Matrix && static_cast<int>(k) != op.driver && held[k])
                        e.row_ptrs[k] = ptrs[k] + i * cols;
                scatter(e, true);
            };
            auto row_values = [&](RowEval &e, int r, double *out) {
                const int64_t i = e.i, p0 = rp[i], n = rp[i + 1] - p0;
                if (n == 0) return;
                if (compiled) {
                    sparse_spans[static_cast<size_t>(r)](e.row_ptrs.data(), cols, rank, i, ci + p0, dv + p0,
                                                         n, out);
                    return;
                }
                for (int64_t p = 0; p < n; ++p)
                    out[p] =
                        sparse_cell(op, e.row_ptrs.data(), rank, i, ci[p0 + p], dv[p0 + p],
                                    op.roots[static_cast<size_t>(r)], needs[static_cast<size_t>(r)], e.vals);
            };
            if (op.agg == FusedAgg::None) {
                // The result has the driver's pattern (stored zeros are dropped by MatrixBlock::sparse).
                CsrVector<int64_t> out_rp(rp, rp + rows + 1);
                CsrVector<int32_t> out_ci(ci, ci + drv.nnz());
                CsrVector<double> out_v(static_cast<size_t>(drv.nnz()));
                detail::parallel_range(rows, drv.nnz(), [&](int64_t r0, int64_t r1) {
                    RowEval e = make_eval();
                    for (int64_t i = r0; i < r1; ++i) {
                        set_row(e, i);
                        row_values(e, 0, out_v.data() + rp[i]);
                    }
                });
                res.matrix = with_chosen_format(
                    MatrixBlock::sparse(rows, cols, std::move(out_rp), std::move(out_ci), std::move(out_v)));
                return res;
            }
            if (op.agg == FusedAgg::Row) {
                auto out = MatrixBlock::uninitialized(rows, 1);
                double *o = out->mutable_data();
                const bool sq = op.agg_ops[0] == AggOp::SumSq;
                detail::parallel_range(rows, drv.nnz(), [&](int64_t r0, int64_t r1) {
                    std::vector<double> buf;
                    RowEval e = make_eval();
                    for (int64_t i = r0; i < r1; ++i) {
                        buf.resize(static_cast<size_t>(rp[i + 1] - rp[i]));
                        set_row(e, i);
                        row_values(e, 0, buf.data());
                        KahanLanes k;
                        k.add_span(buf.data(), static_cast<int64_t>(buf.size()), sq);
                        o[i] = k.total().sum;
                    }
                });
                out->recompute_nnz();
                res.matrix = out;
                return res;
            }
            // Full sums over fixed row chunks, merged in order.
            const int64_t chunk = detail::chunk_size(rows, 64);
            const int64_t nchunks = rows == 0 ? 0 : (rows + chunk - 1) / chunk;
            std::vector<std::vector<KahanLanes>> parts(static_cast<size_t>(nchunks),
                                                       std::vector<KahanLanes>(static_cast<size_t>(nroots)));
            detail::parallel_range(nchunks, drv.nnz(), [&](int64_t k0, int64_t k1) {
                std::vector<double> buf;
                RowEval e = make_eval();
                for (int64_t c = k0; c < k1; ++c) {
                    auto &acc = parts[static_cast<size_t>(c)];
                    for (int64_t i = c * chunk; i < std::min(rows, (c + 1) * chunk); ++i) {
                        buf.resize(static_cast<size_t>(rp[i + 1] - rp[i]));
                        set_row(e, i);
                        for (int r = 0; r < nroots; ++r) {
                            row_values(e, r, buf.data());
                            const bool sq = op.agg_ops[static_cast<size_t>(r)] == AggOp::SumSq;
                            KahanLanes &k = acc[static_cast<size_t>(r)];
                            k.add_span(buf.data(), static_cast<int64_t>(buf.size()), sq);
                        }
                    }
                }
            });
            res.values.assign(static_cast<size_t>(nroots), 0.0);
            for (int r = 0; r < nroots; ++r) {
                KahanLanes total;
                for (auto &p : parts) total.merge(p[static_cast<size_t>(r)]);
                res.values[static_cast<size_t>(r)] = total.total().sum;
            }
            return res;
        }
    }

    // Dense pass: every input in dense form.
    std::vector<MatrixPtr> held(op.inputs.size());
    std::vector<const double *> ptrs(op.inputs.size());
    for (size_t k = 0; k < op.inputs.size(); ++k) {
        if (op.inputs[k] == InputKind::Scalar) {
            ptrs[k] = &args[k].scalar;
            continue;
        }
        held[k] = dense_input(*args[k].matrix);
        ptrs[k] = held[k]->data();
    }
    // Evaluates root r over cells (i, j0 .. j0+n) into out (interpreted: kSpan cells at a time).
    auto span = [&](int r, int64_t i, int64_t j0, int64_t n, std::vector<double> &scratch, double *out) {
        if (!spans.empty()) {
            spans[static_cast<size_t>(r)](ptrs.data(), cols, i, j0, n, out);
            return;
        }
        for (int64_t t = 0; t < n; t += kSpan)
            interpret_span(op, ptrs.data(), cols, rank, i, j0 + t, std::min(kSpan, n - t),
                           op.roots[static_cast<size_t>(r)], needs[static_cast<size_t>(r)], scratch, out + t);
    };
    // Calls f(i, j0, n) for the cells [c0, c1) of the row-major result, in spans of at most `most` cells
    // within one row -- or across rows when no input is indexed by row or column alone (a span of a column
    // vector is then not one cell).
    bool by_row = op.agg == FusedAgg::Col;
    for (InputKind k : op.inputs)
        by_row |= k == InputKind::RowVector || k == InputKind::ColVector || k == InputKind::OuterLeft;
    auto for_spans = [cols, by_row](int64_t c0, int64_t c1, auto &&f, int64_t most = kSpan) {
        int64_t c = c0;
        while (c < c1) {
            const int64_t i = c / cols, j0 = c % cols;
            const int64_t n = by_row ? std::min({c1 - c, cols - j0, most}) : std::min(c1 - c, most);
            f(i, j0, n);
            c += n;
        }
    };
    const int64_t cells = rows * cols;

    switch (op.agg) {
    case FusedAgg::None: {
        auto out = MatrixBlock::uninitialized(rows, cols);
        double *o = out->mutable_data();
        detail::parallel_range(rows, cells, [&](int64_t r0, int64_t r1) {
            std::vector<double> scratch;
            for_spans(r0 * cols, r1 * cols, [&](int64_t i, int64_t j0, int64_t n) {
                span(0, i, j0, n, scratch, o + i * cols + j0);
            });
        });
        out->recompute_nnz();
        res.matrix = with_chosen_format(out);
        return res;
    }
    case FusedAgg::Full: {
        for (int r = 0; r < nroots; ++r)
            if ((op.agg_ops[static_cast<size_t>(r)] == AggOp::Min ||
                 op.agg_ops[static_cast<size_t>(r)] == AggOp::Max) &&
                cells == 0)
                throw KernelError(
                    std::string(op.agg_ops[static_cast<size_t>(r)] == AggOp::Min ? "min" : "max") +
                    " of an empty matrix");
        // The chunks of reduce_linear in dense/aggregate.cpp: per chunk eight Kahan lanes (sums) or a fold
        // (min/max starting from the first cell), merged in chunk order.
        struct Acc {
            KahanLanes k;
            double ext = 0.0;
            bool set = false;
        };
        const int64_t chunk = detail::chunk_size(cells, kChunkCells);
        const int64_t nchunks = cells == 0 ? 0 : (cells + chunk - 1) / chunk;
        std::vector<std::vector<Acc>> parts(static_cast<size_t>(nchunks),
                                            std::vector<Acc>(static_cast<size_t>(nroots)));
        // A compiled reduction body sums whole groups of kKahanLanes cells of every root in one loop; the
        // last few cells of a chunk go through the span bodies below (interpreted when none were compiled),
        // from lane 0 as add_span would.
        const bool fused_sums = reduce != nullptr && reducible(op);
        const int64_t block = nroots == 1 ? kBlock : kSpan; // a multi-aggregate's roots interleave finely
        // The reduction body reads row vectors tiled (reduce_body.h): a group of cells may wrap a row end.
        std::vector<const double *> reduce_ptrs = ptrs;
        std::vector<std::vector<double>> tiled;
        if (fused_sums)
            for (size_t k = 0; k < op.inputs.size(); ++k)
                if (op.inputs[k] == InputKind::RowVector && cols > 0) {
                    std::vector<double> &t =
                        tiled.emplace_back(static_cast<size_t>(cols + detail::kKahanLanes));
                    for (size_t q = 0; q < t.size(); ++q) t[q] = ptrs[k][static_cast<int64_t>(q) % cols];
                    reduce_ptrs[k] = t.data();
                }
        detail::parallel_range(nchunks, cells, [&](int64_t k0, int64_t k1) {
            std::vector<double> scratch, buf(static_cast<size_t>(block));
            std::vector<double *> lanes(2 * static_cast<size_t>(nroots));
            // Otherwise block by block, every root in turn: a multi-aggregate's shared inputs are read once
            // from memory (each root's accumulator still sees its values in cell order). A block spans rows
            // when the inputs are indexed by row or column (one span per row piece), so every add_span but a
            // chunk's last takes a whole block whatever the row length, most of it in whole lane groups.
            for (int64_t c = k0; c < k1; ++c) {
                const int64_t end = std::min(cells, (c + 1) * chunk);
                int64_t start = c * chunk;
                if (fused_sums) {
                    for (int r = 0; r < nroots; ++r) {
                        KahanLanes &k = parts[static_cast<size_t>(c)][static_cast<size_t>(r)].k;
                        lanes[2 * static_cast<size_t>(r)] = k.sum;
                        lanes[2 * static_cast<size_t>(r) + 1] = k.corr;
                    }
                    const int64_t body = (end - start) / detail::kKahanLanes * detail::kKahanLanes;
                    reduce(reduce_ptrs.data(), cols, start / cols, start % cols, body, lanes.data());
                    // Plain Kahan steps (reduce_body.h): a sum that ended Inf or NaN is redone below with
                    // kahan_step's check, from fresh lanes over the whole chunk.
                    bool finite = true;
                    for (const Acc &acc : parts[static_cast<size_t>(c)])
                        finite = finite && detail::all_finite(acc.k.sum, detail::kKahanLanes);
                    if (finite)
                        start += body;
                    else
                        for (Acc &acc : parts[static_cast<size_t>(c)]) acc = Acc{};
                }
                for (int64_t b0 = start; b0 < end; b0 += block) {
                    const int64_t b1 = std::min(end, b0 + block);
                    for (int r = 0; r < nroots; ++r) {
                        Acc &acc = parts[static_cast<size_t>(c)][static_cast<size_t>(r)];
                        const AggOp a = op.agg_ops[static_cast<size_t>(r)];
                        for_spans(
                            b0, b1,
                            [&](int64_t i, int64_t j0, int64_t n) {
                                span(r, i, j0, n, scratch, buf.data() + (i * cols + j0 - b0));
                            },
                            block);
                        if (a == AggOp::Sum || a == AggOp::SumSq) {
                            acc.k.add_span(buf.data(), b1 - b0, a == AggOp::SumSq);
                        } else {
                            for (int64_t t = 0; t < b1 - b0; ++t) {
                                acc.ext = acc.set ? fold(a, acc.ext, buf[static_cast<size_t>(t)])
                                                  : buf[static_cast<size_t>(t)];
                                acc.set = true;
                            }
                        }
                    }
                }
            }
        });
        res.values.assign(static_cast<size_t>(nroots), 0.0);
        for (int r = 0; r < nroots; ++r) {
            const AggOp a = op.agg_ops[static_cast<size_t>(r)];
            if (a == AggOp::Sum || a == AggOp::SumSq) {
                if (nchunks == 0) continue;
                KahanLanes acc = parts[0][static_cast<size_t>(r)].k;
                for (int64_t c = 1; c < nchunks; ++c)
                    acc.merge(parts[static_cast<size_t>(c)][static_cast<size_t>(r)].k);
                res.values[static_cast<size_t>(r)] = acc.total().sum;
            } else {
                double v = parts[0][static_cast<size_t>(r)].ext;
                for (int64_t c = 1; c < nchunks; ++c)
                    v = fold(a, v, parts[static_cast<size_t>(c)][static_cast<size_t>(r)].ext);
                res.values[static_cast<size_t>(r)] = v;
            }
        }
        return res;
    }
    case FusedAgg::Row: {
        // row_value in dense/aggregate.cpp: eight Kahan lanes over the row, or a fold from its first cell.
        const AggOp a = op.agg_ops[0];
        auto out = MatrixBlock::uninitialized(rows, 1);
        double *o = out->mutable_data();
        detail::parallel_range(rows, cells, [&](int64_t r0, int64_t r1) {
            std::vector<double> scratch, buf(kSpan);
            for (int64_t i = r0; i < r1; ++i) {
                KahanLanes k;
                double ext = 0.0;
                bool set = false;
                for_spans(i * cols, (i + 1) * cols, [&](int64_t ii, int64_t j0, int64_t n) {
                    span(0, ii, j0, n, scratch, buf.data());
                    if (a == AggOp::Sum || a == AggOp::SumSq) {
                        k.add_span(buf.data(), n, a == AggOp::SumSq);
                        return;
                    }
                    for (int64_t t = 0; t < n; ++t) {
                        const double v = buf[static_cast<size_t>(t)];
                        ext = set ? fold(a, ext, v) : v;
                        set = true;
                    }
                });
                o[i] = a == AggOp::Sum || a == AggOp::SumSq ? k.total().sum : ext;
            }
        });
        out->recompute_nnz();
        res.matrix = with_chosen_format(out);
        return res;
    }
    case FusedAgg::Col: {
        // reduce_cols in dense/aggregate.cpp: row chunks of per-column accumulators, merged in order.
        const AggOp a = op.agg_ops[0];
        const int64_t chunk =
            detail::chunk_size(rows, std::max<int64_t>(16, kChunkCells / std::max<int64_t>(1, cols)));
        const int64_t nchunks = rows == 0 ? 0 : (rows + chunk - 1) / chunk;
        struct Acc {
            Kahan k;
            double ext = 0.0;
            bool set = false;
        };
        std::vector<std::vector<Acc>> parts(static_cast<size_t>(nchunks),
                                            std::vector<Acc>(static_cast<size_t>(cols)));
        auto step = [a](Acc &acc, double v) {
            if (a == AggOp::Sum)
                acc.k.add(v);
            else if (a == AggOp::SumSq)
                acc.k.add(v * v);
            else {
                acc.ext = acc.set ? fold(a, acc.ext, v) : v;
                acc.set = true;
            }
        };
        detail::parallel_range(nchunks, cells, [&](int64_t k0, int64_t k1) {
            std::vector<double> scratch, buf(kSpan);
            for (int64_t c = k0; c < k1; ++c) {
                auto &acc = parts[static_cast<size_t>(c)];
                for_spans(c * chunk * cols, std::min(rows, (c + 1) * chunk) * cols,
                          [&](int64_t i, int64_t j0, int64_t n) {
                              span(0, i, j0, n, scratch, buf.data());
                              for (int64_t t = 0; t < n; ++t)
                                  step(acc[static_cast<size_t>(j0 + t)], buf[static_cast<size_t>(t)]);
                          });
            }
        });
        auto out = MatrixBlock::uninitialized(1, cols);
        double *o = out->mutable_data();
        for (int64_t j = 0; j < cols; ++j) {
            if (nchunks == 0) {
                o[j] = 0.0;
                continue;
            }
            Acc acc = parts[0][static_cast<size_t>(j)];
            for (int64_t c = 1; c < nchunks; ++c) {
                const Acc &p = parts[static_cast<size_t>(c)][static_cast<size_t>(j)];
                if (a == AggOp::Sum || a == AggOp::SumSq)
                    acc.k.merge(p.k);
                else if (p.set)
                    step(acc, p.ext);
            }
            o[j] = a == AggOp::Sum || a == AggOp::SumSq ? acc.k.sum : (acc.set ? acc.ext : 0.0);
        }
        out->recompute_nnz();
        res.matrix = with_chosen_format(out);
        return res;
    }
    case FusedAgg::MMChain:
        break; // handled above
    }
    return res;
}

FusedResult run_fused(const FusedOp &op, const std::vector<FusedArg> &args, const std::vector<SpanFn> &spans,
                      const std::vector<SparseSpanFn> &sparse_spans) {
    return run_fused(op, args, spans, sparse_spans, nullptr);
}

FusedResult run_fused(const FusedOp &op, const std::vector<FusedArg> &args,
                      const std::vector<SpanFn> &spans) {
    return run_fused(op, args, spans, {}, nullptr);
}

} // namespace linea::kernels::codegen
