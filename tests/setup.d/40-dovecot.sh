#!/usr/bin/env bash
# Dovecot 2.3 (IMAP and submission): the SASL interop tests start a throwaway Dovecot on free ports with
# its own configuration and base_dir (tests/run.sh) and log in with our IMAP and SMTP clients.
# Install-only and idempotent.
set -euo pipefail
if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/lib/dovecot/submission ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd dovecot-submissiond >/dev/null
fi
# The Debian package may try to start the system service; the tests start their own.
(service dovecot stop || true) >/dev/null 2>&1
(systemctl stop dovecot || true) >/dev/null 2>&1
echo "setup: Dovecot $(/usr/sbin/dovecot --version 2>/dev/null || dovecot --version)"
