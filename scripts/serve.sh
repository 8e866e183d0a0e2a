#!/usr/bin/env bash
# The main command: install what is missing, build everything, serve the page on
# http://127.0.0.1:8000 (PORT=… to change it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/build.sh
exec ./target/release/adsdl serve --dir dist --host 127.0.0.1 --port "${PORT:-8000}"
