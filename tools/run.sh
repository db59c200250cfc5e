#!/usr/bin/env bash
# The main job: install, then `imbal-nb bench` on its embedded default: the paper methods (EG, LCT, AutoBalance)
# against the baselines (CE, SMOTE, focal) on five KEEL sets, 4 folds, 1 seed (about 1 min on one CPU thread);
# prints mean ± sd and the mean rank per method and writes results/bench_default.csv row by row.
# A fresh run each time; RESUME=1 bash tools/run.sh continues an interrupted one (finished runs are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
# one thread: these small MLPs train about 3x faster than with two (and far faster on a busy 2-core machine)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
out=results/bench_default.csv
if [ "${RESUME:-0}" != 1 ]; then rm -f "$out"; fi
exec .venv/bin/imbal-nb bench --out "$out" "$@"
