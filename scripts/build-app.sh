#!/usr/bin/env bash
# Builds the app for release into dist/: the wasm and its JS glue in dist/pkg/, public/
# beside them, and the build id stamped into dist/sw.js's cache name.
#   scripts/build-app.sh
# Idempotent. It builds in a staging folder and swaps it in at the end, so dist/ is
# never half built (a running worker keeps serving the previous build meanwhile).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
wasm_in="$target_dir/wasm32-unknown-unknown/wasm-release/gugus_app.wasm"
wasm_opt="$root/.tools/node_modules/.bin/wasm-opt"
dist="$root/dist"
stage="$target_dir/dist-staging"

# The post-MVP features the app's wasm uses (rustc 1.95 emits them for
# wasm32-unknown-unknown by default; wasm-opt refuses a module using one it was not
# allowed). Measured: bulk memory, saturating float-to-int, sign extension; mutable
# globals is binaryen's default, named so the list does not depend on it. Reference types
# and multi-value are not used, so wasm-opt is not allowed to introduce them. Chromium
# has supported all four for years; the end-to-end tests load the result in it.
wasm_features=(
  --enable-bulk-memory
  --enable-nontrapping-float-to-int
  --enable-sign-ext
  --enable-mutable-globals
)

say() { printf '[build-app] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

cd "$root"
[ -f public/style.css ] || die "public/style.css is missing: the app's stylesheet must exist before a build"
"$root/scripts/ensure-tools.sh" build

say "compiling gugus-app for wasm32 (profile wasm-release)"
cargo build -p gugus-app --target wasm32-unknown-unknown --profile wasm-release --locked
[ -f "$wasm_in" ] || die "cargo did not produce $wasm_in"

rm -rf "$stage"
mkdir -p "$stage/pkg"

say "generating the JS bindings (wasm-bindgen)"
wasm-bindgen --target web --no-typescript --out-dir "$stage/pkg" "$wasm_in"

say "optimising the wasm for size (wasm-opt -Oz)"
wasm="$stage/pkg/gugus_app_bg.wasm"
"$wasm_opt" -Oz "${wasm_features[@]}" -o "$wasm.opt" "$wasm"
mv "$wasm.opt" "$wasm"

say "copying public/"
cp -R public/. "$stage/"

# The build id covers every file of the shell, so any change to it makes a new cache
# (and a new service worker) and phones pick it up.
build_id=$(
  cd "$stage"
  find . -type f ! -name sw.js -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12
)
sed -i "s/__BUILD_ID__/$build_id/g" "$stage/sw.js"
grep -q "^const CACHE = 'gugus-shell-$build_id';\$" "$stage/sw.js" ||
  die "could not stamp the build id into sw.js (its CACHE line must be 'gugus-shell-__BUILD_ID__')"

# Brotli and gzip twins of the text and wasm files, for a server that serves precompressed
# files (tower-http's ServeDir): a phone on 3G downloads the smaller one its browser takes.
say "precompressing (brotli -q 11, gzip -9)"
find "$stage" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.webmanifest' -o -name '*.json' \) -print0 >"$stage.list"
xargs -0 gzip -9 -n -k -f <"$stage.list"
xargs -0 brotli -q 11 -k -f <"$stage.list"
rm -f "$stage.list"

rm -rf "$dist"
mv "$stage" "$dist"
say "built dist/ (build $build_id): $(du -sh "$dist" | cut -f1)"
