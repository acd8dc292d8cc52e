#!/usr/bin/env bash
# Runs the docs/evaluation.md grid: refine --labeled 50, seeds 0-4, per dataset and noisy column.
# Usage: eval/run-evaluation.sh <mode> <outdir>   (mode: hashing | oracle | pn | minilm)
# SETS="dataset:column ..." overrides the dataset/column pairs (default: the four target columns).
set -u
mode=$1; out=$2; mkdir -p "$out"
DATA=${DATA:-/work/shared/data}
CLI=${CLI:-src/UuLearning.Cli/bin/Release/net10.0/UuLearning.Cli.dll}
sets=${SETS:-"youtube-spam:majority_vote refusal-xstest:llm_gpt4_judge fakenews-kaggle:sim_noise25 misinfo-headlines:llm_flan_ul2"}
for seed in 0 1 2 3 4; do
  for pair in $sets; do
    ds=${pair%%:*}; col=${pair#*:}
    extra=""; features=hashing
    case $mode in
      oracle) extra="--priors oracle";;
      pn) extra="--loss pn";;
      minilm) features=minilm;;
    esac
    report="$out/${ds}__${col}__${mode}__s${seed}.json"
    [ -f "$report" ] && continue
    cmd="dotnet $CLI refine --input $DATA/$ds/data.csv --text-column text --label-column $col --gold-column gold --labeled 50 --seed $seed --features $features $extra --report $report"
    echo "$cmd" >> "$out/commands.log"
    start=$(date +%s)
    if ! $cmd > "$out/${ds}__${col}__${mode}__s${seed}.log" 2>&1; then
      echo "FAILED: $cmd" >> "$out/commands.log"
    fi
    echo "  took $(( $(date +%s) - start )) s" >> "$out/commands.log"
  done
done
