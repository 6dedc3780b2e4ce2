// Small helpers shared by the BLAS-backed kernels.
#pragma once

#include "kernels/matrix_block.h"

#include <cblas.h>

#include <climits>
#include <string>

namespace linea::kernels::blas {

inline std::string shape(const MatrixBlock &m) {
    return std::to_string(m.rows()) + "x" + std::to_string(m.cols());
}

inline blasint to_blas(int64_t v) {
    if (v > INT_MAX)
        throw KernelError("matrix dimension " + std::to_string(v) + " exceeds the BLAS index range");
    return static_cast<blasint>(v);
}

} // namespace linea::kernels::blas
