#!/usr/bin/env bash
# Screenshot every page of the built site with headless Chromium, to look at them as a reader would.
# Usage: bash tools/docs/screenshots.sh [SITE=_site] [OUTDIR=build/screenshots] [HEIGHT=1600] [WIDTH=1200]
#   PAGES="index 07_baselines" bash tools/docs/screenshots.sh   only those pages (names without .html)
# Needs Chromium. Where it is missing, Debian's package is installed (apt-get, as root or with passwordless sudo);
# otherwise the script stops and says what to install. The flags keep Chromium off the network.
set -euo pipefail
site=${1:-_site}; out=${2:-build/screenshots}; h=${3:-1600}; w=${4:-1200}
[ -f "$site/index.html" ] || { echo "screenshots: no $site/index.html: build the site first (bash tools/build_docs.sh)" >&2; exit 1; }

find_chromium() { for c in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }; done; return 1; }
if ! CHROME=$(find_chromium); then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || { sudo -n true 2>/dev/null && SUDO="sudo -n"; }
    if [ "$(id -u)" = 0 ] || [ -n "$SUDO" ]; then
      echo "screenshots: chromium missing, installing Debian's chromium (apt-get)" >&2
      $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null \
        || { echo "screenshots: apt-get install chromium failed; install Chromium by hand" >&2; exit 1; }
    fi
  fi
  CHROME=$(find_chromium) || { echo "screenshots: Chromium is not installed and could not be installed here." \
    "Install it (Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium) or put chromium on PATH." >&2; exit 1; }
fi

mkdir -p "$out"
prof=$(mktemp -d); trap 'rm -rf "$prof"' EXIT
if [ -n "${PAGES:-}" ]; then files=$(for p in $PAGES; do echo "$site/$p.html"; done)
else files=$(find "$site" -name '*.html' | sort); fi
fail=0
for f in $files; do
  [ -f "$f" ] || { echo "screenshots: no page $f" >&2; fail=1; continue; }
  name=$(echo "${f#$site/}" | sed 's#/#__#g; s#\.html$##')
  if timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-sync \
      --disable-background-networking --disable-component-update --disable-dev-shm-usage --hide-scrollbars \
      --user-data-dir="$prof" --virtual-time-budget=3000 \
      --screenshot="$out/$name.png" --window-size="$w,$h" "file://$(realpath "$f")" >/dev/null 2>&1 && [ -s "$out/$name.png" ]; then
    echo "$out/$name.png"
  else echo "screenshots: failed: $f" >&2; fail=1; fi
done
exit $fail
