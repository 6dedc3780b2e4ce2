#!/usr/bin/env bash
# Fails when a tracked C/C++ source is not formatted as .clang-format says (clang-format from Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
while IFS= read -r f; do
  if ! clang-format --dry-run --Werror "$f" > /dev/null 2>&1; then
    echo "not clang-formatted: $f (run: clang-format -i $f)"
    bad=1
  fi
done < <(git ls-files '*.cpp' '*.h' '*.c')
exit $bad
