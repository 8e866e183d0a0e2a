#!/usr/bin/env bash
# Every test: formatting and lints (native and wasm32), native unit/integration/doc tests, the
# wasm API in headless Chromium, and the end-to-end test of the built page in a real browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --test

log() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy (native, wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
log "cargo doc (native, wasm32): no broken links"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --target wasm32-unknown-unknown
# The tests build with the `quick` profile (release without LTO, Cargo.toml): seconds after an
# edit instead of the release profile's minute and a half.
log "native tests"
cargo test --profile quick
log "wasm tests in headless Chromium"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --profile quick --target wasm32-unknown-unknown --test web_browser
log "build the page (and the release CLI the record and the browser tests drive)"
bash scripts/build.sh
log "the record, quick: every command of docs/results.md still runs and stays in tolerance"
node scripts/reproduce.mjs --quick
log "end-to-end test in Chromium"
node e2e/page.test.mjs
log "Lighthouse (mobile profile, median of 3): the first seconds on a phone"
node scripts/lighthouse.mjs
