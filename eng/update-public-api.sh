#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of the packable projects from the code (Microsoft.CodeAnalysis.PublicApiAnalyzers'
# own code fixes, run by `dotnet format`), then builds each project to show that nothing is left unrecorded.
#
#   eng/update-public-api.sh                                   every project under src/ with <IsPackable>true</IsPackable>
#   eng/update-public-api.sh src/UuLearning/UuLearning.csproj  only these
#
# PublicAPI.Shipped.txt is never touched: it lists what a released version shipped. At a release, move the lines of
# PublicAPI.Unshipped.txt into PublicAPI.Shipped.txt (see CHANGELOG.md). A symbol removed after it shipped is reported by
# RS0017 and needs a "*REMOVED*" line in PublicAPI.Unshipped.txt (the fix adds it where the analyzer offers one).
# Takes one to two minutes per project on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
  projects=("$@")
else
  mapfile -t projects < <(grep -l '<IsPackable>true</IsPackable>' src/*/*.csproj)
fi

for proj in "${projects[@]}"; do
  dir=$(dirname "$proj")
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  # Start from an empty list so that symbols that are gone drop out; the fixes add back every public symbol that
  # PublicAPI.Shipped.txt does not list.
  printf '#nullable enable\n' > "$unshipped"
  echo "== $proj"
  dotnet format analyzers "$proj" --diagnostics RS0016 RS0017 --severity info --verbosity quiet || true
  # Stable order, so that merges of branches that each added API are line-wise unions.
  { head -n 1 "$unshipped"; tail -n +2 "$unshipped" | LC_ALL=C sort -u; } > "$unshipped.tmp" && mv "$unshipped.tmp" "$unshipped"
  echo "   $(($(wc -l < "$unshipped") - 1)) unshipped entries"
done

# The check the CI build makes: any RS0016/RS0017 left is an error here.
for proj in "${projects[@]}"; do
  dotnet build "$proj" -c Release -nologo -v quiet
done
