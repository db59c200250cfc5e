#!/usr/bin/env bash
# Create ./.venv with the pinned toolchain and install imbal_nb in editable mode. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
stamp=.venv/.imbal_nb_installed
want=$(cat tools/install.sh tools/requirements.txt settings.ini 2>/dev/null | md5sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
.venv/bin/python -m pip install -q --upgrade "pip<26" "setuptools<81" wheel
# torch first and pinned: the CPU wheel; any unpinned torch would pull a multi-GB CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -r tools/requirements.txt
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
echo "$want" > "$stamp"
