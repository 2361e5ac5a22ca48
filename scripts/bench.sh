#!/usr/bin/env bash
# Benchmarks. Each benchmark is a section: a function `bench_NAME` that prints a report,
# which goes to the terminal and to bench-results/NAME.txt.
#   scripts/bench.sh            every section
#   scripts/bench.sh sizes      only the named sections
# To add a benchmark, write its function and add its name to SECTIONS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results="$root/bench-results"
SECTIONS=(sizes first_visit first_sync sync app identity_open stats load)

say() { printf '[bench] %s\n' "$*" >&2; }

# What a phone downloads on its first visit, before the app is usable, after a fresh
# release build (scripts/first-load.sh tells what it counts).
bench_sizes() {
  "$root/scripts/build-app.sh" >&2
  "$root/scripts/first-load.sh"
}

# The officer's first visit on an emulated 3G phone (4x CPU, 1.6 Mbit/s, 150 ms): bytes
# and time until the login form is usable, the first paint, the second visit from the
# service worker, the precache, each on-demand page opened offline, and the bytes of a
# first sync plain and compressed (tests/src/bin/first-visit-bench.rs).
bench_first_visit() {
  local cargo=${CARGO:-cargo} target=${CARGO_TARGET_DIR:-$root/target}
  [[ $target = /* ]] || target="$root/$target"
  "$root/scripts/ensure-tools.sh" browser >&2
  "$root/scripts/build-app.sh" >&2
  (cd "$root" && "$cargo" build -p gugus-worker --release --locked >&2)
  (cd "$root" && "$cargo" build -p gugus-e2e --bin first-visit-bench --locked >&2)
  GUGUS_E2E_TIMEOUT_SECS=${GUGUS_E2E_TIMEOUT_SECS:-120} \
    GUGUS_WORKER_BIN="$target/release/gugus-worker" RUST_LOG=warn "$target/debug/first-visit-bench"
}

# An officer's phone syncing 10,000 activities into IndexedDB for the first time: the
# release app in headless Chromium at 360x640 (fresh profile each run), served by the
# release worker; the app's gugus:sync measures against the raw IndexedDB write of the same
# records in the same page, the app's memory, and the sync's bytes on the wire plain and
# compressed (tests/src/bin/first-sync-bench.rs; GUGUS_BENCH_ACTIVITIES, GUGUS_BENCH_RUNS).
bench_first_sync() {
  local cargo=${CARGO:-cargo} target=${CARGO_TARGET_DIR:-$root/target}
  [[ $target = /* ]] || target="$root/$target"
  "$root/scripts/ensure-tools.sh" browser >&2
  "$root/scripts/build-app.sh" >&2
  (cd "$root" && "$cargo" build -p gugus-worker --release --locked >&2)
  (cd "$root" && "$cargo" build -p gugus-e2e --bin first-sync-bench --locked >&2)
  GUGUS_E2E_TIMEOUT_SECS=${GUGUS_E2E_TIMEOUT_SECS:-120} \
    GUGUS_WORKER_BIN="$target/release/gugus-worker" RUST_LOG=warn "$target/debug/first-sync-bench"
}

# Sync throughput and latency: the release worker on loopback over SQLite and PostgreSQL
# (tests/src/bin/sync-bench.rs; PostgreSQL at GUGUS_TEST_POSTGRES, skipped when unreachable
# unless CI=true).
bench_sync() {
  local cargo=${CARGO:-cargo} target=${CARGO_TARGET_DIR:-$root/target}
  [[ $target = /* ]] || target="$root/$target"
  (cd "$root" && "$cargo" build -p gugus-worker --release --locked >&2)
  (cd "$root" && "$cargo" build -p gugus-e2e --bin sync-bench --locked >&2)
  GUGUS_WORKER_BIN="$target/release/gugus-worker" RUST_LOG=warn "$target/debug/sync-bench"
}

# The app as an officer uses it: the release build in headless Chromium at 360x640,
# served by the release worker, 10,000 generated cases synced into IndexedDB; saving an
# activity, searching the case list and opening the app again (4x CPU throttling), read
# from the app's User Timing marks (tests/src/bin/app-bench.rs, app/src/timing.rs).
bench_app() {
  local cargo=${CARGO:-cargo} target=${CARGO_TARGET_DIR:-$root/target}
  [[ $target = /* ]] || target="$root/$target"
  "$root/scripts/ensure-tools.sh" browser >&2
  "$root/scripts/build-app.sh" >&2
  (cd "$root" && "$cargo" build -p gugus-worker --release --locked >&2)
  (cd "$root" && "$cargo" build -p gugus-e2e --bin app-bench --locked >&2)
  # One wait (a save, a search, a reload) may take long on a slow machine with this much
  # data: the report should show the figure rather than time out.
  GUGUS_E2E_TIMEOUT_SECS=${GUGUS_E2E_TIMEOUT_SECS:-600} \
    GUGUS_WORKER_BIN="$target/release/gugus-worker" RUST_LOG=warn "$target/debug/app-bench"
}

# Opening a victim's identity on the case page of a phone holding 10,000 cases: the first
# open after an unlock (the case key unwrapped), again, and with 4x CPU throttling
# (tests/src/bin/identity-open-bench.rs; GUGUS_BENCH_CASES, GUGUS_BENCH_RUNS;
# GUGUS_BENCH_DIST and GUGUS_WORKER_BIN measure another build's app and worker).
bench_identity_open() {
  local cargo=${CARGO:-cargo} target=${CARGO_TARGET_DIR:-$root/target}
  [[ $target = /* ]] || target="$root/$target"
  "$root/scripts/ensure-tools.sh" browser >&2
  if [[ -z ${GUGUS_BENCH_DIST:-} ]]; then
    "$root/scripts/build-app.sh" >&2
    (cd "$root" && "$cargo" build -p gugus-worker --release --locked >&2)
  fi
  (cd "$root" && "$cargo" build -p gugus-e2e --bin identity-open-bench --locked >&2)
  GUGUS_E2E_TIMEOUT_SECS=${GUGUS_E2E_TIMEOUT_SECS:-600} \
    GUGUS_WORKER_BIN="${GUGUS_WORKER_BIN:-$target/release/gugus-worker}" RUST_LOG=warn \
    "$target/debug/identity-open-bench"
}

# The evaluation's figures (GET /api/v1/stats) over generated data on SQLite and
# PostgreSQL: by default the issue's 1,000,000 cases and 1,000,000 activities, which takes
# hours to generate on a 2-core machine; GUGUS_BENCH_STATS_CASES and
# GUGUS_BENCH_STATS_ACTIVITIES measure a smaller regency (tests/src/bin/stats-bench.rs).
bench_stats() {
  local cargo=${CARGO:-cargo} target=${CARGO_TARGET_DIR:-$root/target}
  [[ $target = /* ]] || target="$root/$target"
  (cd "$root" && "$cargo" build -p gugus-worker --release --locked >&2)
  (cd "$root" && "$cargo" build -p gugus-e2e --bin stats-bench --locked >&2)
  GUGUS_WORKER_BIN="$target/release/gugus-worker" RUST_LOG=warn "$target/debug/stats-bench"
}

# 200 phones at once: 40 officers', 4 supervisors' and 2 viewers' devices pushing, pulling
# and opening the evaluation together against the release worker, on two workers over one
# PostgreSQL database and on one worker over SQLite, 60 s each (GUGUS_BENCH_LOAD_SECS):
# latency per endpoint, errors, mutations/s, peak memory, convergence, beside the targets
# (tests/src/bin/load-bench.rs, tests/src/load.rs; PostgreSQL at GUGUS_TEST_POSTGRES,
# skipped when unreachable unless CI=true; GUGUS_BENCH_LOAD_ONLY=postgres or sqlite runs one
# setup). The client is a release build too: 200
# devices' JSON parsed by a debug build takes the CPU the workers are measured on.
bench_load() {
  local cargo=${CARGO:-cargo} target=${CARGO_TARGET_DIR:-$root/target}
  [[ $target = /* ]] || target="$root/$target"
  (cd "$root" && "$cargo" build -p gugus-worker --release --locked >&2)
  (cd "$root" && "$cargo" build -p gugus-e2e --bin load-bench --release --locked >&2)
  GUGUS_WORKER_BIN="$target/release/gugus-worker" RUST_LOG=warn "$target/release/load-bench"
}

main() {
  local wanted=("$@") name
  [ ${#wanted[@]} -gt 0 ] || wanted=("${SECTIONS[@]}")
  mkdir -p "$results"
  for name in "${wanted[@]}"; do
    if ! declare -F "bench_$name" >/dev/null; then
      say "unknown benchmark '$name' (known: ${SECTIONS[*]})"
      exit 2
    fi
    say "running $name"
    # Report to a temporary file first: a failed run leaves the last good result alone.
    "bench_$name" >"$results/$name.txt.tmp"
    mv "$results/$name.txt.tmp" "$results/$name.txt"
    cat "$results/$name.txt"
    say "wrote bench-results/$name.txt"
  done
}

main "$@"
