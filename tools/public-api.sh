#!/usr/bin/env bash
# Regenerates the public API lists (PublicAPI.Unshipped.txt) of every packed project from its code, after API changes
# or a merge: each Unshipped list is reset to its header and refilled by the analyzer's own code fix (RS0016 adds a
# public symbol that is not listed, RS0017 drops a listed one that is gone). PublicAPI.Shipped.txt is left alone: at a
# release, move the Unshipped lines into it. Review the diff: every line is a public API change.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dir=$(dirname "$project")
  [ -f "$dir/PublicAPI.Unshipped.txt" ] || continue
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
  echo "=== $project"
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity info
done
dotnet build -c Release
