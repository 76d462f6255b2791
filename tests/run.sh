#!/usr/bin/env bash
# The README's test command. On a fresh machine or a developer machine:
#   1. installs what the suite needs and is missing (tests/setup.d/*.sh: apt-get, npm ci);
#   2. starts a throwaway PostgreSQL 15 (TLS on), MariaDB 10.11 and Dovecot 2.3 (IMAP, submission) on
#      127.0.0.1, free ports, temporary directories (and, as root, PAM services of their own for MariaDB's
#      auth_pam plus a second MariaDB whose auth_pam asks for mysql_clear_password), and exports where they are (HANDSHAKE_PG_*,
#      HANDSHAKE_MARIADB_*, HANDSHAKE_DOVECOT_*);
#   3. runs `dotnet test` with any arguments given to this script (or, with `--exec CMD ARGS...`, that command
#      with the servers up: e.g. `tests/run.sh --exec dotnet run -c Release --project bench/Handshake.Benchmarks
#      -- --serve-load --store env`);
#   4. stops the servers by PID and deletes their directories, whatever the outcome.
# Interop tests read the exported variables. HANDSHAKE_REQUIRE_SERVERS=1 (the default here) makes a
# test whose server is missing fail instead of passing vacuously.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

export HANDSHAKE_REQUIRE_SERVERS="${HANDSHAKE_REQUIRE_SERVERS:-1}"

"$here/setup.sh"

runas() { # runs a command as the given user when we are root (PostgreSQL and MariaDB refuse root)
  local user="$1"; shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

root="$(mktemp -d /tmp/handshake-servers.XXXXXX)"
chmod 755 "$root"
pg_pid=""
maria_pid=""
dovecot_pid=""
pam_service=""
maria_clear_pid=""

stop_servers() {
  set +e
  if [ -n "$pg_pid" ]; then
    runas postgres "$PG_BIN/pg_ctl" -D "$root/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 || kill -9 "$pg_pid" 2>/dev/null
  fi
  if [ -n "$maria_pid" ]; then
    kill "$maria_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$maria_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$maria_pid" 2>/dev/null
  fi
  if [ -n "$dovecot_pid" ]; then
    kill "$dovecot_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$dovecot_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$dovecot_pid" 2>/dev/null
  fi
  if [ -n "$maria_clear_pid" ]; then
    kill "$maria_clear_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$maria_clear_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$maria_clear_pid" 2>/dev/null
  fi
  [ -n "$pam_service" ] && rm -f "/etc/pam.d/$pam_service" "/etc/pam.d/$pam_service-pw"
  rm -rf "$root"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# One self-signed certificate for both servers (CN=localhost, SAN IP:127.0.0.1 and DNS:localhost).
openssl req -x509 -nodes -newkey rsa:2048 -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$root/server.key" -out "$root/server.crt" >/dev/null 2>&1
chmod 644 "$root/server.crt"
export HANDSHAKE_SERVER_CA="$root/server.crt"

# --- PostgreSQL 15 -------------------------------------------------------------------------------
PG_BIN="${HANDSHAKE_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
if [ -x "$PG_BIN/initdb" ]; then
  mkdir -p "$root/pg"
  cp "$root/server.crt" "$root/server.key" "$root/pg/"
  chmod 600 "$root/pg/server.key"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$root/pg"
  runas postgres "$PG_BIN/initdb" -D "$root/pg/data" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  pg_port="$(free_port)"
  cat >>"$root/pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$root/pg'
password_encryption = 'scram-sha-256'
ssl = on
ssl_cert_file = '$root/pg/server.crt'
ssl_key_file = '$root/pg/server.key'
fsync = off
max_connections = 200
EOF
  runas postgres "$PG_BIN/pg_ctl" -D "$root/pg/data" -l "$root/pg/server.log" -w -t 30 start >/dev/null
  pg_pid="$(head -1 "$root/pg/data/postmaster.pid")"
  export HANDSHAKE_PG_BINDIR="$PG_BIN" HANDSHAKE_PG_HOST=127.0.0.1 HANDSHAKE_PG_PORT="$pg_port" \
    HANDSHAKE_PG_SOCKET_DIR="$root/pg" HANDSHAKE_PG_SUPERUSER=postgres
  echo "run: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (pid $pg_pid, ssl on)"
else
  echo "run: PostgreSQL binaries not found in $PG_BIN; PostgreSQL interop tests will fail" >&2
fi

# --- MariaDB 10.11 -------------------------------------------------------------------------------
MARIADBD="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
if [ -x "$MARIADBD" ] && command -v mariadb-install-db >/dev/null 2>&1; then
  mkdir -p "$root/maria"
  cp "$root/server.crt" "$root/server.key" "$root/maria/"
  [ "$(id -u)" -eq 0 ] && chown -R mysql:mysql "$root/maria"
  maria_port="$(free_port)"
  maria_user=()
  [ "$(id -u)" -eq 0 ] && maria_user=(--user=mysql)
  mariadb-install-db --no-defaults "${maria_user[@]}" --datadir="$root/maria/data" --skip-test-db \
    >"$root/maria/install.log" 2>&1
  "$MARIADBD" --no-defaults "${maria_user[@]}" --datadir="$root/maria/data" --bind-address=127.0.0.1 \
    --port="$maria_port" --socket="$root/maria/mysqld.sock" --pid-file="$root/maria/mysqld.pid" \
    --log-error="$root/maria/error.log" --skip-name-resolve \
    --ssl-cert="$root/maria/server.crt" --ssl-key="$root/maria/server.key" 2>>"$root/maria/stderr.log" &
  maria_pid=$!
  for _ in $(seq 1 100); do
    mariadb-admin --no-defaults -S "$root/maria/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  mariadb-admin --no-defaults -S "$root/maria/mysqld.sock" -uroot ping >/dev/null
  export HANDSHAKE_MARIADB_HOST=127.0.0.1 HANDSHAKE_MARIADB_PORT="$maria_port" \
    HANDSHAKE_MARIADB_SOCKET="$root/maria/mysqld.sock"
  echo "run: MariaDB $("$MARIADBD" --version | awk '{print $3}') on 127.0.0.1:$maria_port (pid $maria_pid, ssl on)"
else
  echo "run: mariadbd not found; MariaDB interop tests will fail" >&2
fi

# --- A PAM service for MariaDB's auth_pam ----------------------------------------------------------
# Its own /etc/pam.d file (a unique name, removed when this script ends): a password from a pwdfile
# (SHA-512 crypt), then a Google Authenticator code from a secret file made here (a fresh base32 secret).
# The MySQL dialog tests create MariaDB users IDENTIFIED VIA pam USING that service; PAM users are the
# MariaDB user names. Needs root (for /etc/pam.d) and tests/setup.d/22-mariadb-pam.sh's modules.
pam_modules=/lib/x86_64-linux-gnu/security
if [ -n "$maria_pid" ] && [ "$(id -u)" -eq 0 ] && [ -f "$pam_modules/pam_pwdfile.so" ] && [ -f "$pam_modules/pam_google_authenticator.so" ]; then
  pam_service="handshake-test-$(openssl rand -hex 4)"
  mkdir -p "$root/pam"
  pam_password="pam-$(openssl rand -hex 6)"
  pam_secret="$(python3 -c 'import base64,os; print(base64.b32encode(os.urandom(10)).decode())')"
  : >"$root/pam/passwd"
  for pam_user in oc_pam; do
    echo "$pam_user:$(openssl passwd -6 "$pam_password")" >>"$root/pam/passwd"
  done
  chmod 600 "$root/pam/passwd"
  # pam_google_authenticator reads the secret as user=root: owned by root, mode 600, a TOTP (not HOTP) key.
  printf '%s\n" TOTP_AUTH\n' "$pam_secret" >"$root/pam/totp"
  chmod 600 "$root/pam/totp"
  printf '%s\n' \
    "auth required pam_pwdfile.so pwdfile=$root/pam/passwd" \
    "auth required pam_google_authenticator.so secret=$root/pam/totp user=root" \
    "account required pam_permit.so" >"/etc/pam.d/$pam_service"
  export HANDSHAKE_MARIADB_PAM_SERVICE="$pam_service" HANDSHAKE_MARIADB_PAM_PASSWORD="$pam_password" \
    HANDSHAKE_MARIADB_PAM_TOTP_SECRET="$pam_secret"
  echo "run: PAM service $pam_service for MariaDB's auth_pam (pam_pwdfile, then pam_google_authenticator)"
  # A second, password-only service and a second MariaDB whose auth_pam asks for mysql_clear_password
  # instead of dialog (pam_use_cleartext_plugin is read-only, set when the plugin loads).
  printf '%s\n' \
    "auth required pam_pwdfile.so pwdfile=$root/pam/passwd" \
    "account required pam_permit.so" >"/etc/pam.d/$pam_service-pw"
  mkdir -p "$root/maria-clear"
  cp "$root/server.crt" "$root/server.key" "$root/maria-clear/"
  chown -R mysql:mysql "$root/maria-clear"
  maria_clear_port="$(free_port)"
  mariadb-install-db --no-defaults --user=mysql --datadir="$root/maria-clear/data" --skip-test-db \
    >"$root/maria-clear/install.log" 2>&1
  "$MARIADBD" --no-defaults --user=mysql --datadir="$root/maria-clear/data" --bind-address=127.0.0.1 \
    --port="$maria_clear_port" --socket="$root/maria-clear/mysqld.sock" --pid-file="$root/maria-clear/mysqld.pid" \
    --log-error="$root/maria-clear/error.log" --skip-name-resolve \
    --ssl-cert="$root/maria-clear/server.crt" --ssl-key="$root/maria-clear/server.key" \
    --plugin-load-add=auth_pam --pam-use-cleartext-plugin 2>>"$root/maria-clear/stderr.log" &
  maria_clear_pid=$!
  for _ in $(seq 1 100); do
    mariadb-admin --no-defaults -S "$root/maria-clear/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  mariadb-admin --no-defaults -S "$root/maria-clear/mysqld.sock" -uroot ping >/dev/null
  export HANDSHAKE_MARIADB_PAM_PASSWORD_SERVICE="$pam_service-pw" HANDSHAKE_MARIADB_CLEAR_PORT="$maria_clear_port" \
    HANDSHAKE_MARIADB_CLEAR_SOCKET="$root/maria-clear/mysqld.sock"
  echo "run: MariaDB with pam_use_cleartext_plugin on 127.0.0.1:$maria_clear_port (pid $maria_clear_pid, ssl on), PAM service $pam_service-pw"
else
  echo "run: no PAM service for MariaDB (needs root, pam_pwdfile and pam_google_authenticator); MariaDB PAM tests will fail" >&2
fi

# --- Dovecot 2.3 (IMAP and submission) -----------------------------------------------------------
# Its own config and base_dir under $root, 127.0.0.1 on free ports, TLS with the shared certificate,
# a passwd-file passdb: one user with a {SCRAM-SHA-256} credential, one with {SCRAM-SHA-1} (Dovecot
# runs SCRAM-SHA-1 only from SCRAM-SHA-1 credentials; PLAIN verifies against either).
DOVECOT="$(command -v dovecot || echo /usr/sbin/dovecot)"
if [ -x "$DOVECOT" ] && command -v doveadm >/dev/null 2>&1; then
  dv="$root/dovecot"
  mkdir -p "$dv/base" "$dv/state" "$dv/home/scram256" "$dv/home/scram1"
  cp "$root/server.crt" "$root/server.key" "$dv/"
  chmod 600 "$dv/server.key"
  dv_password="dove-$(openssl rand -hex 6)"
  dv_uid="$(id -u dovecot 2>/dev/null || id -u)"; dv_gid="$(id -g dovecot 2>/dev/null || id -g)"
  {
    echo "scram256:$(doveadm pw -s SCRAM-SHA-256 -p "$dv_password"):$dv_uid:$dv_gid::$dv/home/scram256::"
    echo "scram1:$(doveadm pw -s SCRAM-SHA-1 -p "$dv_password"):$dv_uid:$dv_gid::$dv/home/scram1::"
  } >"$dv/passwd"
  chmod 644 "$dv/passwd"
  if [ "$(id -u)" -eq 0 ]; then chown -R "$dv_uid:$dv_gid" "$dv/home"; fi
  dv_imap="$(free_port)"; dv_imaps="$(free_port)"; dv_sub="$(free_port)"; dv_subs="$(free_port)"
  cat >"$dv/dovecot.conf" <<EOF
base_dir = $dv/base
state_dir = $dv/state
protocols = imap submission
listen = 127.0.0.1
hostname = localhost
log_path = $dv/dovecot.log
ssl = yes
ssl_cert = <$dv/server.crt
ssl_key = <$dv/server.key
disable_plaintext_auth = yes
auth_mechanisms = plain scram-sha-1 scram-sha-256
auth_verbose = yes
submission_relay_host = 127.0.0.1
submission_relay_port = 9
mail_location = maildir:~/Maildir
first_valid_uid = $dv_uid
first_valid_gid = $dv_gid
passdb {
  driver = passwd-file
  args = $dv/passwd
}
userdb {
  driver = static
  args = uid=$dv_uid gid=$dv_gid home=$dv/home/%u
}
service imap-login {
  inet_listener imap {
    port = $dv_imap
  }
  inet_listener imaps {
    port = $dv_imaps
    ssl = yes
  }
}
service submission-login {
  inet_listener submission {
    port = $dv_sub
  }
  inet_listener submissions {
    port = $dv_subs
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
  "$DOVECOT" -c "$dv/dovecot.conf" -F >"$dv/stdout.log" 2>&1 &
  dovecot_pid=$!
  for _ in $(seq 1 100); do
    python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$dv_imap),1); sys.exit(0 if s.recv(64).startswith(b'* OK') else 1)" 2>/dev/null && break
    sleep 0.1
  done
  export HANDSHAKE_DOVECOT_HOST=127.0.0.1 HANDSHAKE_DOVECOT_IMAP_PORT="$dv_imap" HANDSHAKE_DOVECOT_IMAPS_PORT="$dv_imaps" \
    HANDSHAKE_DOVECOT_SUBMISSION_PORT="$dv_sub" HANDSHAKE_DOVECOT_SUBMISSIONS_PORT="$dv_subs" \
    HANDSHAKE_DOVECOT_SCRAM256_USER=scram256 HANDSHAKE_DOVECOT_SCRAM1_USER=scram1 HANDSHAKE_DOVECOT_PASSWORD="$dv_password" \
    HANDSHAKE_DOVECOT_LOG="$dv/dovecot.log"
  echo "run: Dovecot $("$DOVECOT" --version | awk '{print $1}') on 127.0.0.1: imap $dv_imap, imaps $dv_imaps, submission $dv_sub, submissions $dv_subs (pid $dovecot_pid, ssl on)"
else
  echo "run: dovecot not found; Dovecot interop tests will fail" >&2
fi

status=0
if [ "${1:-}" = "--exec" ]; then
  shift
  "$@" || status=$?
else
  dotnet test "$@" || status=$?
fi
exit "$status"
