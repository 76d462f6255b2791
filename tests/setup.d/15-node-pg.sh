#!/usr/bin/env bash
# node-postgres (pg) for the PostgreSQL acceptor interop tests: installs the locked versions.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../interop/node-pg" && pwd)"
if [ ! -d "$dir/node_modules/pg" ]; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "setup: node pg in $dir"
