#!/usr/bin/env bash
# Fuzzes the real worker against its own OpenAPI description (GET /api/v1/openapi.json)
# with schemathesis: a fresh SQLite store in demo mode, then one run per caller (no token,
# an officer, a supervisor, a viewer, an admin and an agency liaison), a bounded number of examples per
# operation each. Every answer must match the description (status, content type, body
# schema) and none may be a 5xx. Exits non-zero on any failure.
#
#   scripts/schemathesis.sh                 build target/debug/gugus-worker, then run
#   MAX_EXAMPLES=25 scripts/schemathesis.sh more examples per operation (default 20; make api-check: 10)
#   SEED=1 scripts/schemathesis.sh          the same examples again
#   KEEP=1 scripts/schemathesis.sh          keep the store, the worker's log and the reports
#
# The operations that end sessions (logout; ending a session, whose id schemathesis reads
# from GET /sessions; an admin's password reset and deactivation, whose ids it reads from
# GET /users) are fuzzed last, in a run of their own per caller: the other operations would
# otherwise only see 401 once the caller's session ended.
set -euo pipefail

MAX_EXAMPLES=${MAX_EXAMPLES:-20}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
# The examples of the description, its boundary values and missing or wrong parameters,
# then generated data. The stateful phase needs links, which the description has none of.
PHASES=examples,coverage,fuzzing

root=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '[schemathesis] %s\n' "$*" >&2; }

schemathesis=$("$root/scripts/ensure-tools.sh" api)
say "building the worker (debug)"
# Where cargo put it, as cargo says (CARGO_TARGET_DIR or not).
built=$(cd "$root" && cargo build -p gugus-worker --locked --quiet --message-format=json |
  python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and message["target"]["name"] == "gugus-worker":
        print(message["executable"])')
[ -x "$built" ] || { say "cargo built no gugus-worker"; exit 1; }

work=$(mktemp -d)
worker_pid=""
stop() {
  if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
    kill "$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
  fi
  if [ -n "${KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap stop EXIT
# A copy: a build of another checkout sharing the target folder cannot swap it mid-run.
worker="$work/gugus-worker"
cp "$built" "$worker"

export DATABASE_URL="sqlite://$work/gugus.db"
# The demo has no admin: one more account, for the account operations.
admin_password="kunci-rapat-jembatan-gerimis-42"
GUGUS_PASSWORD="$admin_password" "$worker" user add --username api-admin \
  --name "API Admin" --role admin >/dev/null
"$worker" serve --demo --addr 127.0.0.1:0 --static-dir "$work/no-app" \
  >"$work/stdout" 2>"$work/worker.log" &
worker_pid=$!
base=""
for _ in $(seq 1 600); do
  base=$(sed -n 's|^listening on \(http://[0-9.:]*\)$|\1|p' "$work/stdout" | head -n 1)
  [ -n "$base" ] && break
  kill -0 "$worker_pid" 2>/dev/null || { cat "$work/worker.log" >&2; say "the worker stopped"; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { say "the worker did not start within 60 s"; exit 1; }
say "worker at $base (demo data, SQLite at $work)"

# A bearer token for USERNAME PASSWORD.
login() {
  curl --silent --show-error --fail -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"$2\", \"device_id\": \"$(python3 -c 'import uuid; print(uuid.uuid4())')\"}" \
    "$base/api/v1/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# The callers: a name, and the username and password to log in with (none: no token).
callers=(
  "anonymous - -"
  "officer petugas sepatu-lumpur-sawah"
  "supervisor ketua rapat-pagi-teh-manis"
  "viewer bupati pendopo-hujan-senja"
  "admin api-admin $admin_password"
  "liaison penghubung-uptd kunci-jendela-biru-pagi"
)

# Runs schemathesis as CALLER (with TOKEN, or none) over the operations FILTER selects;
# writes its JUnit report to $work/CALLER-PART.xml.
fuzz() {
  local caller=$1 token=$2 part=$3
  shift 3
  local auth=()
  [ -n "$token" ] && auth=(--header "Authorization: Bearer $token")
  local seed=()
  [ -n "${SEED:-}" ] && seed=(--seed "$SEED")
  say "$caller: $part"
  # In the temporary folder: schemathesis keeps a cache in .schemathesis/ beside it.
  (cd "$work" && "$schemathesis" run "$base/api/v1/openapi.json" \
    "${auth[@]}" "${seed[@]}" "$@" \
    --checks "$CHECKS" --phases "$PHASES" --max-examples "$MAX_EXAMPLES" \
    --workers 1 --request-timeout 40 --no-color \
    --report junit --report-junit-path "$work/$caller-$part.xml") \
    >"$work/$caller-$part.out" 2>&1
}

# Every caller logs in before any fuzzing: the fuzzed logins soon meet the rate limit.
declare -A tokens
for caller in "${callers[@]}"; do
  read -r name username password <<<"$caller"
  tokens[$name]=""
  [ "$username" != - ] && tokens[$name]=$(login "$username" "$password")
done
enders=(logout endSession setPassword deactivateUser)
failed=0
for caller in "${callers[@]}"; do
  read -r name _ _ <<<"$caller"
  fuzz "$name" "${tokens[$name]}" main "${enders[@]/#/--exclude-operation-id=}" || failed=1
done
for caller in "${callers[@]}"; do
  read -r name _ _ <<<"$caller"
  fuzz "$name" "${tokens[$name]}" enders "${enders[@]/#/--include-operation-id=}" || failed=1
done

# Operations, test cases and failures per caller, from the JUnit reports and the summaries.
python3 - "$work" "${callers[@]%% *}" <<'PY' || failed=1
import pathlib, re, sys
import xml.etree.ElementTree as ET

work = pathlib.Path(sys.argv[1])
print(f"{'caller':<11} {'operations':>10} {'test cases':>10} {'failures':>8}")
sums = [set(), 0, 0]
for caller in sys.argv[2:]:
    operations, cases, failures = set(), 0, 0
    for report in sorted(work.glob(f"{caller}-*.xml")):
        root = ET.parse(report).getroot()
        operations.update(case.get("name") for case in root.iter("testcase"))
        failures += int(root.get("failures", 0)) + int(root.get("errors", 0))
    for out in sorted(work.glob(f"{caller}-*.out")):
        found = re.search(r"(\d+) generated", out.read_text(errors="replace"))
        cases += int(found.group(1)) if found else 0
    sums[0] |= operations
    sums[1] += cases
    sums[2] += failures
    print(f"{caller:<11} {len(operations):>10} {cases:>10} {failures:>8}")
print(f"{'all':<11} {len(sums[0]):>10} {sums[1]:>10} {sums[2]:>8}")
sys.exit(1 if sums[2] else 0)
PY

if [ "$failed" != 0 ]; then
  for out in "$work"/*.out; do
    if ! grep -q "No issues found" "$out"; then
      say "=== $(basename "$out" .out)"
      cat "$out" >&2
    fi
  done
  grep -E '"level":"(ERROR|WARN)"|ERROR|panicked' "$work/worker.log" | head -n 50 >&2 || true
  say "FAILED: see above"
  exit 1
fi
say "every answer matched the description; no 5xx"
