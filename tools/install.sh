#!/usr/bin/env bash
# Create ./.venv with the pinned toolchain and install imbal_nb in editable mode. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
stamp=.venv/.imbal_nb_installed
want=$(cat tools/install.sh tools/requirements.txt settings.ini 2>/dev/null | md5sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
# pip, quietly: this machine's pip config lists local indexes that may be absent ("... is ignored"): drop that noise
pipq() {
  local rc=0; .venv/bin/python -m pip install -q --disable-pip-version-check "$@" > .venv/pip.log 2>&1 || rc=$?
  grep -v "is ignored: it is neither a file nor a directory" .venv/pip.log || true
  return $rc
}
echo "installing into .venv (torch 2.13.0 CPU, pinned nbdev 2 toolchain, tools/requirements.txt)"
pipq --upgrade "pip<26" "setuptools<81" wheel
# torch first and pinned: the CPU wheel; any unpinned torch would pull a multi-GB CUDA build.
pipq torch==2.13.0
pipq -r tools/requirements.txt
pipq --no-deps --no-build-isolation -e .
echo "$want" > "$stamp"
