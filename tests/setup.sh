#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine. Idempotent; safe on a developer machine.
# - PostgreSQL 15 binaries: the SASLprep oracle tests start a throwaway server on 127.0.0.1.
set -euo pipefail

need_apt=()
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  need_apt+=(postgresql)
fi

if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install: ${need_apt[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  # The Debian package starts a cluster of its own; the tests start their own servers.
  (service postgresql stop || pg_ctlcluster 15 main stop || true) >/dev/null 2>&1
fi
echo "setup: PostgreSQL binaries at /usr/lib/postgresql/15/bin"
