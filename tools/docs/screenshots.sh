#!/usr/bin/env bash
# Screenshot every page of the built site with headless Chromium, to look at them as a reader would.
# Usage: bash tools/docs/screenshots.sh [SITE=_site] [OUTDIR=build/screenshots] [HEIGHT=1600]
# Needs Debian's chromium (apt-get update && apt-get install -y chromium). The flags keep Chromium off the network.
set -euo pipefail
site=${1:-_site}; out=${2:-build/screenshots}; h=${3:-1600}
command -v chromium >/dev/null || { echo "chromium missing: apt-get update && apt-get install -y chromium" >&2; exit 1; }
mkdir -p "$out"
prof=$(mktemp -d)
for f in $(find "$site" -name '*.html' | sort); do
  name=$(echo "${f#$site/}" | sed 's#/#__#g; s#\.html$##')
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-sync \
    --disable-background-networking --disable-component-update --user-data-dir="$prof" \
    --screenshot="$out/$name.png" --window-size=1200,"$h" "file://$(realpath "$f")" >/dev/null 2>&1 || echo "failed: $f" >&2
  echo "$out/$name.png"
done
rm -rf "$prof"
