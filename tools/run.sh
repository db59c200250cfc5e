#!/usr/bin/env bash
# The main job: install, then `imbal-nb bench` on its embedded default (CE vs SMOTE on four KEEL sets, 4 folds).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
exec .venv/bin/imbal-nb bench --out results/bench_default.csv "$@"
