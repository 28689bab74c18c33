#!/bin/sh
# slurm-sweep.sh — a sweep as a Slurm job array: task I of N runs shard I/N
# of the scenario into its own database; a job that depends on the array
# merges the shards into one.
#
#   mkdir -p results/shards      (Slurm opens the --output file first)
#   jid=$(sbatch --parsable --array=1-64 scripts/slurm-sweep.sh scenarios/x.yaml)
#   sbatch --dependency=afterok:$jid --wrap \
#       "./build/asgdsim merge results/x.db results/shards/x-*.db"
#
# Shards are numbered from 1, like the task ids of `--array=1-N`; N is the
# number of tasks of the array (SLURM_ARRAY_TASK_COUNT), or SHARDS if set.
# Task I runs the plan's runs i (from 0) with i mod N = I - 1.  --resume
# makes a requeued or restarted task skip its runs already done and start
# again the one it was killed in.  With --cpus-per-task=C a task runs C
# runs side by side (--jobs C).  Shard files are named after the scenario
# file: results/shards/<file name without .yaml>-<I>.db.  Merging refuses
# shards of different scenarios and never doubles a run, so a shard merged
# twice is harmless.
#
#SBATCH --job-name=asgdsim-sweep
#SBATCH --array=1-64
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --time=04:00:00
#SBATCH --output=results/shards/slurm-%A_%a.out
set -eu
if [ $# -lt 1 ]; then
	echo "usage: sbatch --array=1-N scripts/slurm-sweep.sh SCENARIO.yaml [RUN OPTIONS...]" >&2
	exit 2
fi
scenario=$1
shift
task=${SLURM_ARRAY_TASK_ID:?"not in a Slurm job array (sbatch --array=1-N)"}
shards=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:?"SLURM_ARRAY_TASK_COUNT is not set: set SHARDS"}}
asgdsim=${ASGDSIM:-./build/asgdsim}
name=$(basename "$scenario" .yaml)
mkdir -p results/shards
exec "$asgdsim" run "$scenario" --shard "$task/$shards" --resume \
	--jobs "${SLURM_CPUS_PER_TASK:-1}" --quiet \
	-o "results/shards/$name-$task.db" "$@"
