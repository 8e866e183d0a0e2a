#!/usr/bin/env bash
# Build the CLI and the page: dist/ is one self-contained folder (HTML, CSS, JS, wasm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh

log() { printf '\033[1m[build]\033[0m %s\n' "$*" >&2; }
log "cargo build --release (native CLI)"
cargo build --release --bin adsdl
log "cargo build --release --target wasm32-unknown-unknown"
cargo build --release --lib --target wasm32-unknown-unknown

rm -rf dist
mkdir -p dist/pkg
wasm-bindgen --target web --no-typescript --out-dir dist/pkg target/wasm32-unknown-unknown/release/adsdl.wasm
WASM_OPT=tools/node_modules/.bin/wasm-opt
if [ -x "$WASM_OPT" ]; then
  log "wasm-opt -O3 ($("$WASM_OPT" --version))"
  "$WASM_OPT" -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    dist/pkg/adsdl_bg.wasm -o dist/pkg/adsdl_bg.wasm
else
  log "wasm-opt not found: the wasm is not size-optimised"
fi
cp www/style.css www/app.js www/worker.js www/train-worker.js www/trainer-loop.js www/tour.js www/recorder.js www/inverse.js www/i18n.js www/manifest.webmanifest www/icon.svg \
  www/icon-192.png www/icon-512.png dist/
# The page with its English words written in (the first paint shows text, not empty elements).
node scripts/prerender.mjs www/index.html www/i18n/en.json > dist/index.html
# The string tables: the page fetches its language's, the engine has both built in.
cp -r www/i18n dist/i18n
# The service worker caches exactly these files under a name made from their content: a new
# build reaches visitors on their next visit, and the old cache is dropped.
files=$(cd dist && find . -type f ! -name '*.gz' | sed 's|^\./||' | sort)
hash=$(cd dist && cat $files | sha256sum | cut -c1-16)
list=$(printf '"./"'; for f in $files; do printf ', "%s"' "$f"; done)
sed -e "s|__BUILD_HASH__|$hash|" -e "s|__FILES__|[$list]|" www/sw.js > dist/sw.js
# Precompressed copies for `adsdl serve` (and any host that serves FILE.gz): the text and the
# wasm, gzipped once at build time rather than on every request.
(cd dist && find . -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' -o -name '*.json' -o -name '*.svg' -o -name '*.webmanifest' \) -exec gzip -9 -k -n -f {} \;)
log "dist/ ready: $(du -sh dist | cut -f1); wasm+js gzipped: $(cat dist/pkg/adsdl_bg.wasm dist/pkg/adsdl.js dist/app.js | gzip -9 | wc -c) bytes"
