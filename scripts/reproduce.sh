#!/usr/bin/env bash
# Regenerate the record: every measurement docs/results.md reports, with its command, written from
# scratch (scripts/reproduce.mjs). `--quick` runs the same commands on fewer seeds into
# target/results-quick.md and fails when one no longer runs or leaves its tolerance (the test
# command runs it). A few minutes in full on 2 cores; under a minute with --quick.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
if [[ " $* " == *" --quick "* ]]; then
  cargo build --release --bin adsdl
else
  # The full record times the built page too (Play → the metric, as a phone runs it).
  bash scripts/build.sh
fi
node scripts/reproduce.mjs "$@"
