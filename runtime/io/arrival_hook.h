// A hook run on every matrix that enters a program from outside (read(), C API input bind).
#pragma once

#include "kernels/matrix_block.h"

namespace linea::io {

/// Called once per matrix that becomes known at run time from outside the program, so an upper layer
/// can summarise it while it is fresh (compiler/estim builds MNC sketches of CSR blocks and caches them
/// with the block). Must be thread-safe; exceptions must not escape.
using MatrixArrivalHook = void (*)(const kernels::MatrixPtr &m);

/// Installs the hook (nullptr removes it). Set at start-up, before programs run.
void set_matrix_arrival_hook(MatrixArrivalHook hook);

/// Runs the installed hook on `m` in its chosen format (dense or CSR, as ExecContext::set would pick)
/// and returns that block; returns `m` unchanged when no hook is installed or `m` is null.
kernels::MatrixPtr notify_matrix_arrival(kernels::MatrixPtr m);

} // namespace linea::io
