// Where linea finds the files it ships (the DML builtin library).
#pragma once

#include <string>

namespace linea {

/// The folder holding scripts/builtin/*.dml: $LINEA_BUILTIN_DIR if set, else <exe>/../share/linea/builtin
/// (installed), else the source tree's scripts/builtin (build tree). "" if none exists.
std::string find_builtin_dir();

} // namespace linea
