#!/usr/bin/env bash
# A large ensemble as a Slurm job array: each array task trains one shard of the seeds and writes
# its runs as JSON lines; `adsdl merge` then joins them into the report the unsharded ensemble
# prints (same runs, same summary, bit for bit). Submit with
#
#   mkdir -p ensemble-shards      # Slurm opens the task logs there before the script runs
#   sbatch --array=1-16 scripts/slurm-ensemble.sh --preset qcd --runs 128 --seed 1
#   # when all tasks are done:
#   adsdl merge ensemble-shards/shard-*.jsonl            # or --json
#
# Every argument is passed to `adsdl ensemble` (any run flag: --recipe, --lr, --reg, …). The
# number of shards is the array's size; each task uses the cores Slurm gives it.
#SBATCH --job-name=adsdl-ensemble
#SBATCH --cpus-per-task=2
#SBATCH --time=02:00:00
#SBATCH --output=ensemble-shards/slurm-%A_%a.log
set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?submit as an array job: sbatch --array=1-N $0 …}"
: "${SLURM_ARRAY_TASK_COUNT:?submit as an array job: sbatch --array=1-N $0 …}"
ADSDL=${ADSDL:-target/release/adsdl}
mkdir -p ensemble-shards
"$ADSDL" ensemble "$@" --threads "${SLURM_CPUS_PER_TASK:-1}" --quiet \
  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" --jsonl \
  > "ensemble-shards/shard-$SLURM_ARRAY_TASK_ID.jsonl.part"
# Renamed only when complete: merge never reads a shard that is still being written.
mv "ensemble-shards/shard-$SLURM_ARRAY_TASK_ID.jsonl.part" "ensemble-shards/shard-$SLURM_ARRAY_TASK_ID.jsonl"
