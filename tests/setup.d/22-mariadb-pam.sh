#!/usr/bin/env bash
# PAM for MariaDB's auth_pam: the MySQL dialog interop tests give the throwaway MariaDB a PAM service of
# their own (written by tests/run.sh, removed when it ends) that asks for a password (pam_pwdfile) and
# then a Google Authenticator code (pam_google_authenticator); the mariadb CLI's dialog prompts are
# answered through expect. auth_pam.so and its setuid auth_pam_tool come with mariadb-server
# (20-mariadb.sh). Install-only and idempotent.
set -euo pipefail
pam_dir=/lib/x86_64-linux-gnu/security
missing=()
[ -f "$pam_dir/pam_pwdfile.so" ] || missing+=(libpam-pwdfile)
[ -f "$pam_dir/pam_google_authenticator.so" ] || missing+=(libpam-google-authenticator)
command -v expect >/dev/null 2>&1 || missing+=(expect)
if [ "${#missing[@]}" -gt 0 ]; then
  for attempt in 1 2 3 4 5 6; do
    # Another installer may hold the dpkg lock; wait and retry rather than fail the setup.
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
      break
    fi
    [ "$attempt" -eq 6 ] && exit 1
    sleep 10
  done
fi
echo "setup: PAM modules pam_pwdfile, pam_google_authenticator; expect $(expect -v 2>/dev/null | awk '{print $3}')"
