#!/usr/bin/env bash
# Install what building (and, with --test, testing) needs. Idempotent: each step checks first and
# skips what is present at the right version. Sourced or run from the repository root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The wasm target and the linters.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
  rustup component list --installed | grep -q "^$comp" || rustup component add "$comp"
done

# A C linker for build scripts (present on most machines with rustup).
command -v cc >/dev/null || apt_install gcc libc6-dev

# wasm-bindgen-cli at exactly the version Cargo.toml pins (the generated glue must match).
WB_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  log "cargo install wasm-bindgen-cli --version $WB_VERSION (a few minutes, once)"
  # No --locked: its lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# Node.js and npm: wasm-opt (npm 'binaryen'; Debian's v108 breaks the wasm in Chromium) and,
# for the tests, playwright-core.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if [ ! -f tools/node_modules/.package-lock.json ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  log "npm ci (tools/: binaryen, playwright-core, axe-core)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$want_test" = 1 ]; then
  # Debian's Chromium and its driver (never a browser download of a test tool's own).
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  # Japanese glyphs for the headless browser, so the e2e test can check that the page in
  # Japanese renders (the page itself uses system fonts and downloads none).
  if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; then
    apt_install fonts-noto-cjk
  fi
  # Lighthouse, pinned (scripts/lighthouse.mjs), in a folder of its own: the build needs none of it.
  if [ ! -f tools/lighthouse/node_modules/.package-lock.json ] || [ tools/lighthouse/package-lock.json -nt tools/lighthouse/node_modules/.package-lock.json ]; then
    log "npm ci (tools/lighthouse: lighthouse)"
    (cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
