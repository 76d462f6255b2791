#!/usr/bin/env bash
# libsodium: Handshake.Plugins.Ed25519 composes MariaDB's ed25519 from its scalar and point functions
# (1.0.17 or later; Debian 12 ships 1.0.18 as libsodium23). The mariadb client's own client_ed25519
# plugin comes with libmariadb3 (a mariadb-client dependency, installed by 20-mariadb.sh); the CLI
# interop tests need it. Install-only and idempotent.
set -euo pipefail
if ! ldconfig -p 2>/dev/null | grep -q 'libsodium\.so\.2[3-9]'; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsodium23 >/dev/null
fi
plugin_dir=/usr/lib/x86_64-linux-gnu/libmariadb3/plugin
if command -v mariadb >/dev/null 2>&1 && [ -d "$(dirname "$plugin_dir")" ] && [ ! -f "$plugin_dir/client_ed25519.so" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install --reinstall -y -qq libmariadb3 >/dev/null
fi
echo "setup: libsodium $(ldconfig -p | grep -o 'libsodium\.so\.[0-9]*' | head -1)"
