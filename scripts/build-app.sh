#!/usr/bin/env bash
# Builds the app for release into dist/: the main wasm, its JS glue, the split loader and
# the pages' wasm chunks in dist/pkg/, public/ beside them, and the chunk list and the
# build id stamped into dist/sw.js.
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

# The split build: the pages of app/src/pages/on_demand.rs are split points (`--features
# split`). The final link keeps its relocations (--emit-relocs, passed to the linking crate
# only, so the dependencies share the ordinary build cache), which wasm-split-cli needs to
# cut the module into the main wasm and a wasm per page, plus chunks of code that several
# pages share. Only the main module goes through wasm-bindgen (keeping the exports the
# chunks link to); then wasm-opt shrinks every module.
say "compiling gugus-app for wasm32 (profile wasm-release, split points on)"
cargo rustc -p gugus-app --bin gugus_app --features split --target wasm32-unknown-unknown \
  --profile wasm-release --locked -- -Clink-args=--emit-relocs
[ -f "$wasm_in" ] || die "cargo did not produce $wasm_in"

rm -rf "$stage"
mkdir -p "$stage/pkg"
split_dir="$target_dir/wasm-split"
rm -rf "$split_dir"
mkdir -p "$split_dir"

say "splitting the wasm into the first download and the pages' chunks (wasm-split-cli)"
wasm-split-cli --target web --out-name gugus_app "$wasm_in" "$split_dir" >&2
[ -f "$split_dir/gugus_app.wasm" ] && [ -f "$split_dir/__wasm_split.js" ] ||
  die "wasm-split-cli did not write gugus_app.wasm and __wasm_split.js"
ls "$split_dir"/split_*.wasm >/dev/null 2>&1 || die "wasm-split-cli found no split point"

say "generating the JS bindings of the main module (wasm-bindgen)"
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir "$stage/pkg" \
  --out-name gugus_app "$split_dir/gugus_app.wasm"
cp "$split_dir/__wasm_split.js" "$split_dir"/*.wasm "$stage/pkg/"
rm -f "$stage/pkg/gugus_app.wasm" # the split tool's main module, before wasm-bindgen

say "optimising every wasm module for size (wasm-opt -Oz)"
for wasm in "$stage"/pkg/*.wasm; do
  "$wasm_opt" -Oz "${wasm_features[@]}" -o "$wasm.opt" "$wasm" 2> >(grep -v 'unknown name subsection' >&2)
  mv "$wasm.opt" "$wasm"
done

say "copying public/"
cp -R public/. "$stage/"
# The stylesheet is part of the first download: its comments (they explain the rules to
# whoever edits public/style.css), indentation, line breaks, the spaces around { } ; , >
# and after a colon stay out of what phones fetch (no string in the stylesheet holds them).
perl -0pi -e 's{/\*.*?\*/}{}gs; s/\s+/ /g; s/\s*([{};,>])\s*/$1/g; s/: /:/g; s/;\}/}/g; s/^ //; s/$/\n/' \
  "$stage/style.css"

# The service worker precaches every chunk, from this list, so the app stays whole offline
# after the first visit and the pages' chunks arrive right after the first screen.
chunks=$(cd "$stage" && find pkg -type f \( -name 'split_*.wasm' -o -name 'chunk_*.wasm' \
  -o -name '__wasm_split.js' \) | sort | sed "s|^|  '/|; s|\$|',|")
chunk_list="$stage/chunk-list.txt"
printf '%s\n' "$chunks" >"$chunk_list"
sed -i "/^  \/\/ __CHUNKS__\$/{
r $chunk_list
d
}" "$stage/sw.js"
rm -f "$chunk_list"
grep -q "__wasm_split.js'" "$stage/sw.js" || die "could not list the chunks in sw.js (it needs a '  // __CHUNKS__' line)"

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
