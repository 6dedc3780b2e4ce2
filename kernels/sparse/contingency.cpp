// table() straight into CSR: entries bucketed by row, sorted by column, duplicates summed.
#include "kernels/sparse/sparse_ops.h"

#include <algorithm>
#include <numeric>

namespace linea::kernels::sparse {

MatrixPtr table(const std::vector<int64_t> &ri, const std::vector<int64_t> &ci, const CellSource &w,
                int64_t rows, int64_t cols) {
    const auto n = static_cast<int64_t>(ri.size());
    auto valid = [&](int64_t k) {
        const int64_t r = ri[static_cast<size_t>(k)], c = ci[static_cast<size_t>(k)];
        return r >= 1 && c >= 1 && r <= rows && c <= cols;
    };
    // Counting sort of the entry indices by row; stable, so duplicates are summed in input order (the
    // same sums as the dense kernel).
    std::vector<int64_t> start(static_cast<size_t>(rows) + 1, 0);
    for (int64_t k = 0; k < n; ++k)
        if (valid(k)) ++start[static_cast<size_t>(ri[static_cast<size_t>(k)])];
    for (int64_t i = 0; i < rows; ++i) start[static_cast<size_t>(i) + 1] += start[static_cast<size_t>(i)];
    std::vector<int64_t> order(static_cast<size_t>(start[static_cast<size_t>(rows)]));
    {
        std::vector<int64_t> pos(start.begin(), start.end() - 1);
        for (int64_t k = 0; k < n; ++k)
            if (valid(k))
                order[static_cast<size_t>(pos[static_cast<size_t>(ri[static_cast<size_t>(k)] - 1)]++)] = k;
    }
    CsrVector<int64_t> rp(static_cast<size_t>(rows) + 1);
    CsrVector<int32_t> cidx(order.size());
    CsrVector<double> vals(order.size());
    int64_t out = 0;
    rp[0] = 0;
    for (int64_t i = 0; i < rows; ++i) {
        const auto b = order.begin() + start[static_cast<size_t>(i)],
                   e = order.begin() + start[static_cast<size_t>(i) + 1];
        std::stable_sort(b, e, [&](int64_t x, int64_t y) {
            return ci[static_cast<size_t>(x)] < ci[static_cast<size_t>(y)];
        });
        for (auto it = b; it != e;) {
            const int64_t c = ci[static_cast<size_t>(*it)];
            double sum = 0.0;
            for (; it != e && ci[static_cast<size_t>(*it)] == c; ++it)
                sum += w.m ? w.m->data()[*it] : w.scalar;
            if (sum != 0.0) {
                cidx[static_cast<size_t>(out)] = static_cast<int32_t>(c - 1);
                vals[static_cast<size_t>(out)] = sum;
                ++out;
            }
        }
        rp[static_cast<size_t>(i) + 1] = out;
    }
    cidx.resize(static_cast<size_t>(out));
    vals.resize(static_cast<size_t>(out));
    return MatrixBlock::sparse_trusted(rows, cols, std::move(rp), std::move(cidx), std::move(vals));
}

} // namespace linea::kernels::sparse
