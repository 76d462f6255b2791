#!/usr/bin/env bash
# Node 20 and the npm packages the interop tests drive (pg, mysql2), pinned by each folder's
# package-lock.json under tests/interop/ and installed with `npm ci`. Idempotent: a folder whose
# node_modules matches its lockfile is left alone.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
for lock in "$here"/interop/*/package-lock.json; do
  [ -e "$lock" ] || continue
  dir="$(dirname "$lock")"
  stamp="$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  echo "setup: npm packages in tests/interop/$(basename "$dir") (node $(node --version))"
done
