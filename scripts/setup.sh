#!/usr/bin/env bash
# Installs linea's build and test dependencies from Debian 12 packages. Idempotent: does nothing
# when everything is already installed.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libopenblas-dev libeigen3-dev libtbb-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy clang-format git llvm-19-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
