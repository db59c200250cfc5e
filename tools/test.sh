#!/usr/bin/env bash
# The test command (README, CI): install, check notebooks clean and in sync, run every notebook and the plain
# tests with pytest, build the docs site and check it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
export PATH="$PWD/.venv/bin:$PATH" OMP_NUM_THREADS=1 IMBAL_NB_QUIET=1 MPLBACKEND=Agg
t0=$(date +%s)
echo "== notebooks clean and in sync with the package"
state() { { git status --porcelain -- nbs imbal_nb README.md; git diff -- nbs imbal_nb README.md; } | md5sum; }
before=$(state)
nbdev_clean >/dev/null 2>&1
nbdev_export >/dev/null 2>&1
python tools/make_readme.py
if [ "$before" != "$(state)" ]; then
  echo "FAIL: nbdev_clean / nbdev_export / make_readme changed files (notebooks unclean or package out of sync):"
  git diff --stat -- nbs imbal_nb README.md; exit 1
fi
echo "== docs site (executes the notebooks, slow/gpu cells skipped; typesets math with KaTeX; checks the pages)"
bash tools/build_docs.sh
echo "== notebooks (nbdev_test per notebook, slow/gpu skipped), site checks and plain tests"
python -m pytest -n 2 -q tests "$@"
echo "test.sh done in $(( $(date +%s) - t0 )) s after install"
