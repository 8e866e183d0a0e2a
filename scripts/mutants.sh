#!/usr/bin/env bash
# Mutation check of the physics tests: each line below plants one wrong piece of physics (the
# ones issue 29 found passing every test) and runs the unit tests that must catch it. Prints
# "caught … (the failing tests)" or "SURVIVED"; exits 1 if any survives. The tree is restored
# after each mutation, also on Ctrl-C. Dev profile: about 30 s a mutation. Not part of the test
# command (it rewrites source files while it runs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export RUST_BACKTRACE=0
backup=$(mktemp)
current=""
restore() { [ -n "$current" ] && cp "$backup" "$current"; current=""; }
trap restore EXIT INT TERM
survived=0
mutate() { # file, text, replacement, test filter
  current=$1
  cp "$1" "$backup"
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
assert old in text, f"{path}: '{old}' not found (the code moved: update scripts/mutants.sh)"
open(path, "w").write(text.replace(old, new, 1))
PY
  local out
  if out=$(cargo test --lib -q "$4" 2>&1); then
    echo "SURVIVED: $1: $2 → $3"
    survived=1
  else
    echo "caught:   $1: $2 → $3 ($(printf '%s\n' "$out" | sed -n '/^failures:$/,/^test result/p' | grep '^    [a-z]' | tr -d ' ' | tr '\n' ' '))"
  fi
  restore
}
mutate src/physics/regularizer.rs "let w = self.curvature * bulk.eta(i).powi(4);" "let w = self.curvature * bulk.eta(i + 1).powi(4);" regularizer
mutate src/physics/regularizer.rs "let tau = libm::tanh(k * bulk.deta());" "let tau = libm::tanh(1.02 * k * bulk.deta());" regularizer
mutate src/systems/qcd/mod.rs "&& h[4..=8].iter()" "&& h[1..=13].iter()" qcd
mutate src/physics/network.rs "let dphi_dl = -0.5 * a3 * eta * e3;" "let dphi_dl = 0.9 * (-0.5 * a3 * eta * e3);" boundary_jacobian
mutate src/train/optim.rs "const BETA2: f64 = 0.999;" "const BETA2: f64 = 0.99;" optim
exit $survived
