// MNC sketches cached with the blocks they describe, built when data enters a program.
#pragma once

#include "compiler/estim/mnc_sketch.h"

#include <cstdint>
#include <memory>

namespace linea::estim {

/// The MNC sketch of `m`: the cached one when `m` was sketched before (at read, at C API bind or by an
/// earlier estimate), else built in O(nnz) and cached for as long as `m` lives. Thread-safe.
std::shared_ptr<const MncSketch> sketch_of(const kernels::MatrixPtr &m);

/// Installs the io arrival hook (runtime/io/arrival_hook.h) that sketches every CSR block read or bound
/// through the C API, so later estimates (dynamic recompilation, chain ordering) reuse the sketch.
/// Idempotent.
void sketch_arriving_data();

/// How many sketches have been built from data so far (for tests and -stats style checks).
int64_t sketches_built();

} // namespace linea::estim
