#!/usr/bin/env bash
# Reruns the docs/evaluation.md tables: the library's default refinement on each (dataset, noisy column), 10 draws of
# 50 gold labels (seeds 0-9), accuracy of the returned and of the initial labels on the items outside the labeled sample.
#
# Usage: eval/run-evaluation.sh <data-folder> [harness options...]
#   <data-folder> holds <dataset>/data.csv files (id,text,gold,split,<noisy columns>; 1/0/empty).
#   Harness options (eval/UuLearning.Evaluation/Program.cs): --sets ds:col,... --seeds 0-9 --folds 5 --selection donoharm|last
#   --relabel posterior|sign --harm-tolerance 0.01 --runs runs.csv --score-files <folder> (score another tool's labels).
# One training thread (OMP_NUM_THREADS=1): on a shared 2-core machine more threads only wait on each other.
set -euo pipefail
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 <data-folder> [options]  (a folder of <dataset>/data.csv files)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
dotnet build eval/UuLearning.Evaluation -c Release -v quiet -nologo >/dev/null
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} exec dotnet eval/UuLearning.Evaluation/bin/Release/net10.0/UuLearning.Evaluation.dll "$@"
