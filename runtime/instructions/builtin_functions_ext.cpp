// Run-time implementations of the native builtins beyond the core set (aggregates with parameters,
// reorganisations, linear algebra decompositions, ...), by DML name.
#include "runtime/instructions/instructions.h"
#include "runtime/program/context.h"

namespace linea::rt {

const BuiltinFnTable &extended_builtin_fns() {
    static const BuiltinFnTable t = {};
    return t;
}

} // namespace linea::rt
