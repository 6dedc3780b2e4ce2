#!/usr/bin/env bash
# Installs dependencies, checks formatting, builds linea (warnings are errors), runs the C API tests under AddressSanitizer +
# UndefinedBehaviorSanitizer, then the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check_format.sh
bash scripts/build.sh -DLINEA_WERROR=ON -DLINEA_BUILD_TESTS=ON
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLINEA_SANITIZE=ON -DLINEA_WERROR=ON > /dev/null
cmake --build build-asan -j "$(nproc)" --target test_api_c
./build-asan/tests/test_api_c
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
