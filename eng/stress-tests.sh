#!/usr/bin/env bash
# Runs the tests that touch time, threads or HTTP N times while every core is kept busy, and prints the pass count.
#
# Usage: eng/stress-tests.sh [runs] [load-per-core]
#   runs           how many times to run the tests (default 20)
#   load-per-core  busy loops per core (default 1; 3 on 2 cores gives a load of about 8)
#   FILTER=...     another dotnet test filter (default: Category=TimeSensitive)
#
# Builds once (Release), then runs `dotnet test --no-build` on both test projects per round. Exit code 0 only when
# every run passed. The busy loops are killed on exit (also on Ctrl+C).
set -euo pipefail

runs="${1:-20}"
per_core="${2:-1}"
filter="${FILTER:-Category=TimeSensitive}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

logs="$(mktemp -d "${TMPDIR:-/tmp}/uulearning-stress-XXXXXX")"
echo "Building (Release) once... (log: $logs/build.log)"
if ! dotnet build UuLearning.sln -c Release -nologo > "$logs/build.log" 2>&1; then
    grep -E "error" "$logs/build.log" | sort -u | head -20
    echo "The build failed."
    exit 1
fi

busy=()
stop_load() {
    for pid in "${busy[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
}
trap stop_load EXIT INT TERM

loops=$(( $(nproc) * per_core ))
for _ in $(seq "$loops"); do
    ( while :; do :; done ) &
    busy+=("$!")
done
echo "Started $loops busy loops on $(nproc) cores; running '$filter' $runs times."

passed=0
for run in $(seq "$runs"); do
    start=$(date +%s)
    ok=1
    for project in tests/UuLearning.Tests tests/UuLearning.Cli.Tests; do
        log="$logs/run$run-$(basename "$project").log"
        if ! dotnet test "$project" -c Release --no-build --filter "$filter" -nologo > "$log" 2>&1; then
            ok=0
            echo "  run $run: $(basename "$project") FAILED (log: $log)"
            grep -E "^\s+Failed |Assert|Expected|Actual" "$log" | head -20 | sed 's/^/    /' || true
        fi
    done
    [ "$ok" = 1 ] && passed=$((passed + 1))
    echo "run $run: $([ "$ok" = 1 ] && echo passed || echo FAILED) in $(( $(date +%s) - start )) s (load $(cut -d' ' -f1 /proc/loadavg))"
done

echo "$passed of $runs passed"
[ "$passed" = "$runs" ]
