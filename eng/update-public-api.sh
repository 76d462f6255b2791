#!/usr/bin/env bash
# Records new public API (RS0016) in each src project's PublicAPI.Unshipped.txt, from the build's own
# diagnostics, and drops entries the build reports as removed (RS0017). Run after changing public
# API on purpose; review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in ${1:-src/*/*.csproj}; do
  dir=$(dirname "$proj")
  [ -f "$dir/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  [ -f "$dir/PublicAPI.Unshipped.txt" ] || printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
done
for pass in 1 2 3; do
  out=$(dotnet build -nologo -clp:NoSummary 2>&1 || true)
  changed=0
  for proj in ${1:-src/*/*.csproj}; do
    dir=$(dirname "$proj")
    abs=$(cd "$dir" && pwd)
    add=$(printf '%s\n' "$out" | grep "RS0016" | grep -F "[$abs/" | sed -n "s/.*Symbol '\(.*\)' is not part of the declared public API.*/\1/p" | sort -u || true)
    del=$(printf '%s\n' "$out" | grep "RS0017" | grep -F "[$abs/" | sed -n "s/.*Symbol '\(.*\)' is part of the declared API, but.*/\1/p" | sort -u || true)
    if [ -n "$add" ] || [ -n "$del" ]; then
      changed=1
      { head -n1 "$dir/PublicAPI.Unshipped.txt"; { tail -n +2 "$dir/PublicAPI.Unshipped.txt"; printf '%s\n' "$add"; } | grep -v '^$' | grep -vxF -f <(printf '%s\n' "$del" | grep -v '^$' || true) | sort -u; } > "$dir/PublicAPI.Unshipped.txt.new"
      mv "$dir/PublicAPI.Unshipped.txt.new" "$dir/PublicAPI.Unshipped.txt"
    fi
  done
  [ "$changed" = 1 ] || break
done
