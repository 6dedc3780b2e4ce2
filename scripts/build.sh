#!/usr/bin/env bash
# Configures and builds linea in Release mode into ./build (extra CMake flags may be passed).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
