#!/usr/bin/env bash
# Installs dependencies, builds linea (warnings are errors) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh -DLINEA_WERROR=ON -DLINEA_BUILD_TESTS=ON
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
