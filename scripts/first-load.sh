#!/usr/bin/env bash
# The sizes of what a phone downloads on its first visit, before the app is usable, read
# from the built dist/ (it builds nothing): the page, the boot module, the JS glue, the
# wasm, the stylesheet, the manifest and the two icons the browser fetches with them (the
# first-visit benchmark's list), and the pages' chunks loaded on demand.
#   scripts/first-load.sh                   the table
#   scripts/first-load.sh --budget-kib 300  the table, and fails when the first load's
#                                           gzipped total is over 300 KiB (make test)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dist="$root/dist"
budget_kib=
case "${1:-}" in
  --budget-kib) budget_kib=${2:?--budget-kib needs a number} ;;
  '') ;;
  *) echo "usage: $0 [--budget-kib N]" >&2; exit 2 ;;
esac
[ -f "$dist/index.html" ] || { echo "[first-load] dist/ is missing: run 'make build' first" >&2; exit 1; }

gz_bytes() { gzip -9 -n -c "$1" | wc -c; }
raw_bytes() { wc -c <"$1"; }

rows=(
  "wasm|pkg/gugus_app_bg.wasm"
  "JS glue|pkg/gugus_app.js"
  "JS split|pkg/__wasm_split.js"
  "JS boot|boot.js"
  "CSS|style.css"
  "HTML|index.html"
  "manifest|manifest.webmanifest"
  "icon|icons/favicon-32.png"
  "icon|icons/icon-192.png"
)
raw_total=0 gz_total=0
printf '# App bundle sizes (release build, wasm-opt -Oz)\n\n'
printf '%-8s %-24s %12s %12s\n' what file bytes 'gzip -9'
for row in "${rows[@]}"; do
  label=${row%%|*}
  file=${row#*|}
  raw=$(raw_bytes "$dist/$file")
  gz=$(gz_bytes "$dist/$file")
  raw_total=$((raw_total + raw))
  gz_total=$((gz_total + gz))
  printf '%-8s %-24s %12d %12d\n' "$label" "$file" "$raw" "$gz"
done
printf '%-8s %-24s %12d %12d\n' total 'first load' "$raw_total" "$gz_total"
printf '\nFirst-load transfer, gzipped: %d bytes (%d KiB)\n' "$gz_total" $(((gz_total + 1023) / 1024))
chunk_raw=0 chunk_gz=0 n=0
for file in "$dist"/pkg/split_*.wasm "$dist"/pkg/chunk_*.wasm; do
  [ -f "$file" ] || continue
  chunk_raw=$((chunk_raw + $(raw_bytes "$file")))
  chunk_gz=$((chunk_gz + $(gz_bytes "$file")))
  n=$((n + 1))
done
printf 'On-demand chunks: %d files, %d bytes, %d gzipped\n' "$n" "$chunk_raw" "$chunk_gz"

if [ -n "$budget_kib" ]; then
  budget=$((budget_kib * 1024))
  if [ "$gz_total" -gt "$budget" ]; then
    printf '[first-load] FAIL: the first load is %d bytes gzipped, over the budget of %d KiB (%d bytes)\n' \
      "$gz_total" "$budget_kib" "$budget" >&2
    exit 1
  fi
  printf '[first-load] within the budget: %d of %d bytes gzipped\n' "$gz_total" "$budget"
fi
