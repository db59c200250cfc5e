#!/usr/bin/env bash
# Build the docs site into _site/ from the notebooks, offline, with no Quarto: bash tools/build_docs.sh
#
#   1. tools/docs/proc.py (.venv): nbdev's docs processing of nbs/*.ipynb into _proc/, executing each notebook
#      (slow/gpu cells skipped, as nbdev_test does) so pages show plots and tables; cached in build/docs_cache.
#      It replaces `nbdev_proc_nbs`, which without Quarto pip-installs ".[dev]" (an unpinned torch!).
#   2. smalldocs (own venv .venv-docs: it needs fastcore>=2, .venv pins fastcore 1.7) renders _proc/ to HTML.
#   3. tools/docs/postprocess.py: KaTeX (npm, pinned in tools/docs/package.json, installed into
#      tools/docs/node_modules) typesets all maths at build time; KaTeX's CSS and fonts are shipped in the site;
#      no CDN is left. 4. tools/check_site.py _site checks the result.
#
# Environment: DOCS_EXEC=0 builds without executing the notebooks (only show_doc cells run, as with nbdev: no
# plots), DOCS_WORKERS (default 2) notebooks processed side by side, DOCS_TIMEOUT seconds per notebook (300),
# DOCS_STRICT=1 fails the build when a notebook cell raised during the build, DOCS_CHECK=0 skips the final check.
# Where Quarto is installed, `nbdev_docs` still builds the Quarto site (nbs/_quarto.yml links to ./_quarto.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} IMBAL_NB_QUIET=1 PYTHONWARNINGS=ignore
t0=$(date +%s)
say() { echo "[build_docs $(( $(date +%s) - t0 ))s] $*"; }

# one build at a time (pytest-xdist workers may both ask for the site): the next one waits, then hits the cache
mkdir -p build
exec 9>build/.build_docs.lock
flock 9

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || { echo "no .venv: run bash tools/install.sh first" >&2; exit 1; }

# smalldocs in its own venv (pinned); reinstalled when the pin changes
SMALLDOCS=smalldocs==0.5.4
if [ ! -x .venv-docs/bin/smalldocs ] || [ "$(cat .venv-docs/.pin 2>/dev/null)" != "$SMALLDOCS" ]; then
  say "creating .venv-docs ($SMALLDOCS)"
  rm -rf .venv-docs
  "$PY" -m venv .venv-docs
  .venv-docs/bin/python -m pip install -q --disable-pip-version-check "$SMALLDOCS"
  echo "$SMALLDOCS" > .venv-docs/.pin
fi

# KaTeX from the npm registry, version pinned by tools/docs/package.json + package-lock.json
command -v node >/dev/null || { echo "node is needed for KaTeX (Debian: apt-get install -y nodejs npm)" >&2; exit 1; }
if [ ! -f tools/docs/node_modules/katex/dist/katex.min.css ] || \
   ! cmp -s tools/docs/package-lock.json tools/docs/node_modules/.imbal_nb_lock; then
  say "installing KaTeX (npm ci)"
  (cd tools/docs && npm ci --no-audit --no-fund --loglevel=error >/dev/null && cp package-lock.json node_modules/.imbal_nb_lock)
fi

say "processing notebooks into _proc/ (DOCS_EXEC=${DOCS_EXEC:-1})"
flags=(); [ "${DOCS_EXEC:-1}" = "0" ] && flags+=(--no-exec)
.venv/bin/python tools/docs/proc.py "${flags[@]}"

say "rendering HTML (smalldocs)"
rm -rf _proc/_docs _site
(cd _proc && "$ROOT/.venv-docs/bin/smalldocs" render --quiet . 2>&1 | grep -v -E 'is not read by smalldocs|is ignored|is not built: smalldocs makes only html' || true)
[ -f _proc/_docs/index.html ] || { echo "smalldocs wrote no _proc/_docs/index.html" >&2; exit 1; }
mv _proc/_docs _site

doc_url=$(.venv/bin/python -c "from nbdev.config import get_config as g; c=g(); print(c.doc_host.rstrip('/')+'/'+c.doc_baseurl.strip('/'))" 2>/dev/null || true)
say "typesetting maths (KaTeX), making the site self-contained"
.venv-docs/bin/python tools/docs/postprocess.py _site --katex tools/docs/node_modules/katex/dist --proc _proc --doc-url "$doc_url"

if [ "${DOCS_CHECK:-1}" != "0" ]; then .venv-docs/bin/python tools/check_site.py _site; fi
say "done: $(find _site -name '*.html' | wc -l) pages in _site/ (open _site/index.html)"
