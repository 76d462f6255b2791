#!/usr/bin/env bash
# PostgreSQL 15 binaries: SASLprep oracle and PostgreSQL interop tests start throwaway servers.
set -euo pipefail
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
# The Debian package may start a cluster of its own; the tests start their own servers.
(pg_ctlcluster 15 main stop || true) >/dev/null 2>&1
echo "setup: PostgreSQL binaries at /usr/lib/postgresql/15/bin"
