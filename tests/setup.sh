#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine (idempotent; safe on a developer machine).
# Each peer has its own script in tests/setup.d/, run in name order. Servers are NOT started here:
# the test fixtures start them on 127.0.0.1 on free ports in temporary directories and stop them by PID.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for script in "$here"/setup.d/*.sh; do
  [ -e "$script" ] || continue
  echo "setup: $(basename "$script")"
  bash "$script"
done
