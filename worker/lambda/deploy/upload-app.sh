#!/usr/bin/env bash
# Uploads the built app (dist/, made by scripts/build-app.sh) to the stack's bucket and
# makes CloudFront serve it (docs/deploy.md, "Upload the app").
#   worker/lambda/deploy/upload-app.sh STACK_NAME [DIST_DIR]
#   DRY_RUN=1 worker/lambda/deploy/upload-app.sh STACK_NAME   print the aws commands only
#
# Every file gets the Content-Type the worker's ServeDir gives it (mime_guess), and each
# `.br` / `.gz` twin the Content-Type of its original and `Content-Encoding: br` / `gzip`
# (CloudFront's viewer-request function picks the twin, as ServeDir does). No file gets a
# Cache-Control: the worker sends none on static files either.
#
# Order, so that a phone never keeps two builds' files under one build id: every file but
# sw.js first, then an invalidation of /* (waited for), then sw.js, which names the new
# build, and its own invalidation. A phone sees the new build only once its files are
# what every edge serves. Keys of an earlier build that this one lacks are removed at the
# end (the bucket's versioning keeps them 30 days).
#
# Needs the AWS CLI (v2) with credentials for the stack's account; the region is
# AWS_REGION, else ap-southeast-3.
set -euo pipefail

say() { printf '[upload-app] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 STACK_NAME [DIST_DIR]"
stack=$1
root=$(cd "$(dirname "$0")/../../.." && pwd)
dist=${2:-$root/dist}
region=${AWS_REGION:-ap-southeast-3}
dry_run=${DRY_RUN:-}

[ -f "$dist/index.html" ] && [ -f "$dist/sw.js" ] ||
  die "$dist has no index.html or sw.js: run 'make build' first"
grep -q "__BUILD_ID__" "$dist/sw.js" && die "$dist/sw.js has no build id stamped in: not a scripts/build-app.sh build"

run() {
  if [ -n "$dry_run" ]; then
    printf 'aws'
    printf ' %q' "$@"
    printf '\n'
  else
    aws --region "$region" "$@"
  fi
}

output() {
  if [ -n "$dry_run" ]; then
    printf '%s-from-%s' "$1" "$stack"
    return
  fi
  aws --region "$region" cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}

[ -n "$dry_run" ] || command -v aws >/dev/null 2>&1 || die "the AWS CLI (aws) is missing"
bucket=$(output StaticBucketName)
distribution=$(output DistributionId)
[ -n "$bucket" ] && [ "$bucket" != None ] || die "stack $stack has no StaticBucketName output"
[ -n "$distribution" ] && [ "$distribution" != None ] || die "stack $stack has no DistributionId output"

# The Content-Type of a file name without its .br/.gz, as mime_guess 2.0.5 (the worker's
# ServeDir) gives it; an extension not listed stops the upload rather than guess.
content_type() {
  case "$1" in
    *.html) echo text/html ;;
    *.js) echo text/javascript ;;
    *.css) echo text/css ;;
    *.json) echo application/json ;;
    *.webmanifest) echo application/manifest+json ;;
    *.wasm) echo application/wasm ;;
    *.png) echo image/png ;;
    *) return 1 ;;
  esac
}

upload() {
  local key=$1 base encoding=() type
  base=$key
  case "$key" in
    *.br) base=${key%.br}; encoding=(--content-encoding br) ;;
    *.gz) base=${key%.gz}; encoding=(--content-encoding gzip) ;;
  esac
  type=$(content_type "$base") || die "no Content-Type known for $key: add its extension to content_type in $0"
  run s3 cp "$dist/$key" "s3://$bucket/$key" --content-type "$type" "${encoding[@]}" --only-show-errors
}

invalidate() {
  local id
  if [ -n "$dry_run" ]; then
    run cloudfront create-invalidation --distribution-id "$distribution" --paths "$@"
    return
  fi
  id=$(aws --region "$region" cloudfront create-invalidation --distribution-id "$distribution" \
    --paths "$@" --query Invalidation.Id --output text)
  say "waiting for invalidation $id ($*) to complete (a few minutes)"
  aws --region "$region" cloudfront wait invalidation-completed --distribution-id "$distribution" --id "$id"
}

mapfile -t keys < <(cd "$dist" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
# Check every name before uploading anything.
for key in "${keys[@]}"; do
  base=${key%.br}
  base=${base%.gz}
  content_type "$base" >/dev/null || die "no Content-Type known for $key: add its extension to content_type in $0"
done

say "uploading ${#keys[@]} files of $dist to s3://$bucket (all but sw.js)"
for key in "${keys[@]}"; do
  case "$key" in sw.js | sw.js.br | sw.js.gz) continue ;; esac
  upload "$key"
done
invalidate '/*'

say "uploading sw.js: phones now see the new build"
for key in sw.js sw.js.br sw.js.gz; do
  if [ -f "$dist/$key" ]; then upload "$key"; fi
done
invalidate '/sw.js' '/sw.js.br' '/sw.js.gz'

say "removing the keys this build lacks"
if [ -n "$dry_run" ]; then
  run s3api list-objects-v2 --bucket "$bucket" --query 'Contents[].Key' --output text
else
  mapfile -t remote < <(aws --region "$region" s3api list-objects-v2 --bucket "$bucket" \
    --query 'Contents[].Key' --output text | tr '\t' '\n' | grep -v '^None$' || true)
  declare -A local_keys=()
  for key in "${keys[@]}"; do local_keys[$key]=1; done
  for key in "${remote[@]}"; do
    if [ -n "$key" ] && [ -z "${local_keys[$key]:-}" ]; then
      run s3 rm "s3://$bucket/$key" --only-show-errors
    fi
  done
fi
say "done: the build of $(grep -o "gugus-shell-[0-9a-f]\{12\}" "$dist/sw.js" | head -n1) is served"
