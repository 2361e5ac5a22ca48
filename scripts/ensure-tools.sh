#!/usr/bin/env bash
# Installs what the build and the tests need, when it is missing. Idempotent.
#   scripts/ensure-tools.sh build    wasm32 target, wasm-bindgen CLI, wasm-split-cli, wasm-opt,
#                                    brotli
#   scripts/ensure-tools.sh browser  Chromium and chromedriver (Debian packages)
#   scripts/ensure-tools.sh api      schemathesis (PyPI) in a virtualenv under .tools/; prints
#                                    the path of its command
#   scripts/ensure-tools.sh lambda   cargo-lambda (PyPI) in a virtualenv under .tools/; prints
#                                    the path of its command
#   scripts/ensure-tools.sh cfn-lint cfn-lint (PyPI) in a virtualenv under .tools/; prints the
#                                    path of its command
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.129
# The split tool of the wasm_split_helpers that Leptos pins (0.2.3; the same split protocol
# from 0.2.2 to 0.2.4). 0.2.3 and later know wasm-bindgen 0.2.128's renamed descriptor
# import, which 0.2.2 does not.
WASM_SPLIT_VERSION=0.2.4
BINARYEN_VERSION=132.0.0
# The API's fuzzer (scripts/schemathesis.sh), from PyPI.
SCHEMATHESIS_VERSION=4.32.5
# The Lambda emulator the function's end-to-end test runs (`cargo lambda watch`), from PyPI,
# which ships its binary.
CARGO_LAMBDA_VERSION=1.9.2
# The linter of the AWS deployment template (worker/lambda/deploy/template.yaml; make
# deploy-check), from PyPI.
CFN_LINT_VERSION=1.58.0
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"

say() { printf '[ensure-tools] %s\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  local have=""
  if command -v wasm-bindgen >/dev/null 2>&1; then
    have=$(wasm-bindgen --version | awk '{print $2}')
  fi
  if [ "$have" != "$WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (found: ${have:-none}); takes ~3 min"
    cargo install --locked --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_wasm_split() {
  local have=""
  if command -v wasm-split-cli >/dev/null 2>&1; then
    have=$(cargo install --list | awk '/^wasm_split_cli_support v/ { sub(/^v/, "", $2); sub(/:$/, "", $2); print $2 }')
  fi
  if [ "$have" != "$WASM_SPLIT_VERSION" ]; then
    say "installing wasm-split-cli $WASM_SPLIT_VERSION (found: ${have:-none}); takes ~2 min"
    cargo install --locked --force wasm_split_cli_support --version "$WASM_SPLIT_VERSION" \
      --features build-binary
  fi
}

ensure_wasm_opt() {
  # Debian's binaryen (108) produces a wasm that fails at load; the npm package is current.
  if [ ! -x "$tools/node_modules/.bin/wasm-opt" ]; then
    command -v npm >/dev/null 2>&1 || { say "npm is missing: apt-get install -y npm"; exit 1; }
    say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into .tools/"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

ensure_brotli() {
  # The build writes brotli twins of the app's files beside the gzip ones.
  command -v brotli >/dev/null 2>&1 && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's brotli"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli >/dev/null
  else
    say "brotli is missing. Install it, e.g.: sudo apt-get install -y brotli"
    exit 1
  fi
}

# Chromium and its driver for the browser tests, and poppler-utils (pdftotext, pdfinfo)
# for the test that prints the periodic report to PDF and reads it back.
ensure_browser() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 &&
    command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium, chromium-driver and poppler-utils (~1 min)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null
  else
    say "Chromium, chromedriver or pdftotext is missing. Install them, e.g.:"
    say "  sudo apt-get update && sudo apt-get install -y chromium chromium-driver poppler-utils"
    exit 1
  fi
}

# A command from PyPI in its own virtualenv, .tools/PACKAGE-VERSION/bin/PACKAGE:
#   ensure_pypi PACKAGE VERSION "HOW LONG"
ensure_pypi() {
  local package=$1 version=$2 takes=$3
  local venv="$tools/$package-$version"
  [ -x "$venv/bin/$package" ] && return
  command -v python3 >/dev/null 2>&1 || { say "python3 is missing: apt-get install -y python3-venv"; exit 1; }
  say "installing $package $version from PyPI into .tools/ ($takes)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version"
}
ensure_schemathesis() { ensure_pypi schemathesis "$SCHEMATHESIS_VERSION" "~1 min"; }
ensure_cfn_lint() { ensure_pypi cfn-lint "$CFN_LINT_VERSION" "~1 min"; }
ensure_cargo_lambda() { ensure_pypi cargo-lambda "$CARGO_LAMBDA_VERSION" "~10 s"; }

case "${1:-build}" in
  build) ensure_wasm_target; ensure_wasm_opt; ensure_brotli; ensure_wasm_bindgen; ensure_wasm_split ;;
  browser) ensure_browser ;;
  api) ensure_schemathesis; echo "$tools/schemathesis-$SCHEMATHESIS_VERSION/bin/schemathesis" ;;
  lambda) ensure_cargo_lambda; echo "$tools/cargo-lambda-$CARGO_LAMBDA_VERSION/bin/cargo-lambda" ;;
  cfn-lint) ensure_cfn_lint; echo "$tools/cfn-lint-$CFN_LINT_VERSION/bin/cfn-lint" ;;
  all) ensure_wasm_target; ensure_wasm_opt; ensure_brotli; ensure_browser; ensure_wasm_bindgen; ensure_wasm_split
       ensure_schemathesis; ensure_cfn_lint; ensure_cargo_lambda ;;
  *) say "usage: $0 build|browser|api|lambda|cfn-lint|all"; exit 2 ;;
esac
