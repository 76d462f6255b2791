#!/usr/bin/env bash
# MariaDB 10.11 server and client: the MySQL interop tests start throwaway servers (mariadbd) and run
# the mariadb command-line client against our acceptor. Install-only and idempotent.
set -euo pipefail
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ] || ! command -v mariadb >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi
# The Debian package may start a server of its own; the tests start their own on free ports.
(service mariadb stop || true) >/dev/null 2>&1
(systemctl stop mariadb || true) >/dev/null 2>&1
echo "setup: MariaDB $(mariadbd --version 2>/dev/null | head -1 || /usr/sbin/mariadbd --version | head -1)"
