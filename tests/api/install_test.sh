#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a host program against it twice: with
# pkg-config and with CMake's find_package(linea). Both must run.
set -euo pipefail
build=$1
host_src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log"
pcdir=$(dirname "$(find "$tmp/prefix" -name linea.pc | head -1)")
libdir=$(dirname "$(find "$tmp/prefix" -name 'liblinea.so' | head -1)")
# pkg-config
PKG_CONFIG_PATH="$pcdir" pkg-config --exists linea
cc "$host_src" $(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs linea) -lm -o "$tmp/host_pc"
LD_LIBRARY_PATH="$libdir" "$tmp/host_pc" 200 10 | grep -q "LinCache hits"
# find_package
mkdir -p "$tmp/proj"
cat > "$tmp/proj/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(host C)
find_package(linea REQUIRED)
add_executable(host "$host_src")
target_link_libraries(host PRIVATE linea::linea m)
CMAKE
cmake -S "$tmp/proj" -B "$tmp/proj/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/cmake.log"
cmake --build "$tmp/proj/build" > "$tmp/build.log"
LD_LIBRARY_PATH="$libdir" "$tmp/proj/build/host" 200 10 | grep -q "LinCache hits"
echo "install test passed (pkg-config and find_package)"
