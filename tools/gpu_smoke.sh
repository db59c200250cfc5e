#!/usr/bin/env bash
# GPU smoke run of every registered method (device placement + step-time ratios) -> results/gpu_smoke.json.
# On a machine with CUDA: --device cuda --size full (< 5 min on one H200); else the CPU fallback: --device cpu --size tiny.
# Extra arguments go to tools/gpu_smoke.py (e.g. --out PATH, --methods ce lct, --no-timing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python; fi
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1 \
   && "$PY" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  exec "$PY" tools/gpu_smoke.py --device cuda --size full "$@"
else
  echo "gpu_smoke.sh: no CUDA device, running the CPU fallback (--device cpu --size tiny)" >&2
  exec "$PY" tools/gpu_smoke.py --device cpu --size tiny "$@"
fi
