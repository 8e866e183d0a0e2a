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

# Every file the page runs (JS, CSS, wasm, string tables) goes in one folder named by a hash of
# its contents, dist/b/HASH/: a URL there always means the same bytes, so hosts may cache it for
# good (`adsdl serve` says `immutable`), and a page can never run one build's app.js with another
# build's worker or wasm. Only the entry points keep their names: index.html, sw.js, the web-app
# manifest and its icons.
rm -rf dist
stage=dist/b/stage
mkdir -p "$stage/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$stage/pkg" target/wasm32-unknown-unknown/release/adsdl.wasm
WASM_OPT=tools/node_modules/.bin/wasm-opt
if [ -x "$WASM_OPT" ]; then
  log "wasm-opt -O3 ($("$WASM_OPT" --version))"
  "$WASM_OPT" -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "$stage/pkg/adsdl_bg.wasm" -o "$stage/pkg/adsdl_bg.wasm"
else
  log "wasm-opt not found: the wasm is not size-optimised"
fi
# Every script of the page (the service worker is written below, with this build's list).
cp www/style.css "$stage/"
for f in www/*.js; do [ "$f" = www/sw.js ] || cp "$f" "$stage/"; done
# The string tables: the page fetches its language's, the engine has both built in.
cp -r www/i18n "$stage/i18n"
build=$(cd "$stage" && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-12)
mv "$stage" "dist/b/$build"
cp www/manifest.webmanifest www/icon.svg www/icon-192.png www/icon-512.png dist/
# The page with its words written in, in English and in Japanese (the first paint shows text,
# not empty elements), pointing at this build's folder.
target/release/adsdl settings --json > target/pages.json
node scripts/prerender.mjs en www/index.html www/i18n dist "b/$build/" target/pages.json > dist/index.html
node scripts/prerender.mjs ja www/index.html www/i18n dist "b/$build/" target/pages.json > dist/ja.html
# The service worker caches exactly these files under this build's name: a new build reaches
# visitors on their next visit.
files=$(cd dist && find . -type f | sed 's|^\./||' | sort)
list=$(printf '"./"'; for f in $files; do printf ', "%s"' "$f"; done)
sed -e "s|__BUILD_HASH__|$build|" -e "s|__FILES__|[$list]|" www/sw.js > dist/sw.js
# Precompressed copies for `adsdl serve` (and any host that serves FILE.gz): the text and the
# wasm, gzipped once at build time rather than on every request.
(cd dist && find . -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' -o -name '*.json' -o -name '*.svg' -o -name '*.webmanifest' \) -exec gzip -9 -k -n -f {} \;)
b="dist/b/$build"
log "dist/ ready: $(du -sh dist | cut -f1); wasm+js gzipped: $(cat "$b/pkg/adsdl_bg.wasm" "$b/pkg/adsdl.js" "$b/app.js" | gzip -9 | wc -c) bytes"
