// parfor: option checks and loop-dependency analysis (which variables are result variables, and whether
// iterations are independent).
#pragma once

#include "language/ast.h"

namespace linea {

/// Checks every parfor loop of the program (main script and all functions): its options, and with
/// `check=1` (the default) that iterations are independent. Fills ast::For::result_vars for every parfor
/// (also with check=0). Throws DmlError (Validate) naming the offending variable and its position.
///
/// Independence means, within one iteration of the body:
///  - a variable assigned in the body (`s = ...`) is never read before the iteration assigns it
///    (otherwise it carries a value from an earlier iteration, like `s = s + i`);
///  - a variable that is left-indexed without first being assigned in the iteration (a result variable)
///    is written at positions that are disjoint for different iterations, and read only at positions
///    no other iteration writes. Index expressions are analysed as polynomials in the loop variable and
///    loop-invariant names (`R[i,]`, `R[,i]`, `R[i,j]`, `R[(i-1)*k+1:i*k,]`); anything else is assumed
///    to overlap. `nrow`, `ncol` and `length` of a result variable are not reads of its cells.
/// Must run after validate_program's name resolution (it reads Call::target).
void check_parfor_loops(ast::Program &prog);

} // namespace linea
