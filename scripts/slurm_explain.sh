#!/usr/bin/env bash
# SLURM batch script: explain every row of a CSV with KernelSHAP on several nodes (docs/scaling.md).
#
#   sbatch scripts/slurm_explain.sh MODEL.pt POINTS.csv OUT.csv [more lfa explain flags]
#
# Each task is one lfa process (one MPI rank) with its own model; tasks split the points into
# contiguous blocks and rank 0 writes OUT.csv, identical to a one-process run. Adjust the
# resources below: one task per core with one LibTorch thread each is the cheapest on CPUs; on GPU
# nodes use one task per GPU (ranks pick their GPU by local rank with --device cuda).
#SBATCH --job-name=lfa-explain
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=16
#SBATCH --cpus-per-task=1
#SBATCH --time=01:00:00
#SBATCH --output=lfa-explain-%j.log
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: sbatch $0 MODEL.pt POINTS.csv OUT.csv [lfa explain flags]" >&2
  exit 2
fi
model="$1"
points="$2"
out="$3"
shift 3

# The checkout's build (scripts/setup.sh); every node must see it and the data at the same paths.
lfa="${LFA_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/lfa}"
export LFA_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}" OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"

# srun starts the ranks through PMIx (Open MPI 4 and SLURM built with it); where srun lacks PMIx,
# use: mpirun -n "$SLURM_NTASKS" "$lfa" explain ...
srun --mpi=pmix "$lfa" info
srun --mpi=pmix "$lfa" explain --model "$model" --data "$points" --explainer kernelshap \
  --out "$out" "$@"
