#!/usr/bin/env bash
# Two builds of the CLI timed alternately (`adsdl bench`), so that the machine's drifts, which
# reach 2× within minutes, fall on both: prints each round and the median ratio B/A.
#
#   bash scripts/ab-bench.sh A_BINARY B_BINARY [ROUNDS=10]
#
# Keep a copy of target/release/adsdl before a change, rebuild, and compare the two. BENCH_A and
# BENCH_B add flags to each side, e.g. one binary twice with BENCH_A='--kernel avx2'
# BENCH_B='--kernel sse4.1'.
set -euo pipefail
a=$1 b=$2 rounds=${3:-10}
ms() { "$1" bench --epochs 40 $2 | sed -n 's/.*median \([0-9.]*\) ms.*/\1/p'; }
ratios=()
for ((i = 1; i <= rounds; i++)); do
  x=$(ms "$a" "${BENCH_A:-}") y=$(ms "$b" "${BENCH_B:-}")
  r=$(awk -v x="$x" -v y="$y" 'BEGIN { printf "%.3f", y / x }')
  echo "round $i: A $x ms, B $y ms, B/A $r"
  ratios+=("$r")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; faster = 0; for (i in v) if (v[i] < 1) faster++; printf "median B/A %.3f; B faster in %d of %d rounds\n", m, faster, NR }'
