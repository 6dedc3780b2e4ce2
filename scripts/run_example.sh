#!/usr/bin/env bash
# Installs dependencies, builds linea and runs the main example: the lm lambda-grid sweep.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/linea -f scripts/examples/lm_lambda_grid.dml -lineage reuse_full -stats
