#!/bin/bash
# Usage: [GLANCE_URL=http://127.0.0.1:9292] start-keystone.sh RUN_DIR PORT
# Starts a throw-away Keystone (fernet tokens, sqlite in WAL mode) on 127.0.0.1:PORT and fills it:
#   admin/admin (bootstrap), projects "service" and "demo", users "glance" (Glance's authtoken
#   user) and "glance-convert" (admin in "service"), "demo" (member in "demo"), an application
#   credential of glance-convert, and the image service with public/internal/admin endpoints in
#   RegionOne pointing at GLANCE_URL. Passwords come from the environment or are generated, and
#   are written with every id to RUN_DIR/keystone.env (mode 600).
# Stop with stop-all.sh RUN_DIR. Needs python3-keystone (install-deps.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 RUN_DIR PORT" >&2; exit 2; }
RUN="$(mkdir -p "$1" && cd "$1" && pwd)"
PORT="$2"
GLANCE_URL="${GLANCE_URL:-http://127.0.0.1:9292}"
source "$HERE/lib/common.sh"

refuse_if_running "$RUN/keystone.pid" keystone
gen() { head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20; }
umask 077
: "${KEYSTONE_ADMIN_PASSWORD:=$(gen)}"
: "${GLANCE_SERVICE_PASSWORD:=$(gen)}"
: "${GLANCE_CONVERT_PASSWORD:=$(gen)}"
: "${DEMO_PASSWORD:=$(gen)}"
umask 022

rm -rf "$RUN/keystone.sqlite"* "$RUN/fernet-keys" "$RUN/credential-keys"
mkdir -p "$RUN/fernet-keys" "$RUN/credential-keys"
sed -e "s#@RUN@#$RUN#g" -e "s#@TOKEN_EXPIRATION@#${KEYSTONE_TOKEN_EXPIRATION:-3600}#g" \
    "$HERE/etc/keystone.conf.tmpl" > "$RUN/keystone.conf"
KM=(keystone-manage --config-file "$RUN/keystone.conf")
AUTH_URL="http://127.0.0.1:$PORT/v3"
{
  "${KM[@]}" db_sync
  "${KM[@]}" fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  "${KM[@]}" credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
  "${KM[@]}" bootstrap --bootstrap-password "$KEYSTONE_ADMIN_PASSWORD" \
      --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "$AUTH_URL" --bootstrap-public-url "$AUTH_URL" \
      --bootstrap-internal-url "$AUTH_URL"
} > "$RUN/keystone-setup.log" 2>&1 || { echo "keystone-manage failed, see $RUN/keystone-setup.log" >&2; exit 1; }
# WAL: in the default journal mode, catalog writes fail with 500 "database is locked" once tokens
# have been issued (the token path keeps a read transaction open in the single server process).
/usr/bin/python3 -c "import sqlite3,sys;sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$RUN/keystone.sqlite"

OS_KEYSTONE_CONFIG_FILES="$RUN/keystone.conf" nohup keystone-wsgi-public --host 127.0.0.1 --port "$PORT" \
    > "$RUN/keystone.stdout" 2>&1 < /dev/null &
echo $! > "$RUN/keystone.pid"
kill_on_failure "$RUN/keystone.pid"
wait_http "$AUTH_URL" "$RUN/keystone.pid" keystone "$RUN/keystone.stdout"

KEYSTONE_URL="$AUTH_URL" GLANCE_URL="$GLANCE_URL" KEYSTONE_ADMIN_PASSWORD="$KEYSTONE_ADMIN_PASSWORD" \
GLANCE_SERVICE_PASSWORD="$GLANCE_SERVICE_PASSWORD" GLANCE_CONVERT_PASSWORD="$GLANCE_CONVERT_PASSWORD" \
DEMO_PASSWORD="$DEMO_PASSWORD" \
  /usr/bin/python3 "$HERE/lib/keystone-setup.py" > "$RUN/keystone-ids.env.tmp" 2> "$RUN/keystone-setup-api.log" \
  || { echo "keystone setup failed, see $RUN/keystone-setup-api.log" >&2; exit 1; }

umask 077
{
  echo "export KEYSTONE_URL=$AUTH_URL"
  echo "export KEYSTONE_PID=$(cat "$RUN/keystone.pid")"
  echo "export KEYSTONE_ADMIN_PASSWORD=$KEYSTONE_ADMIN_PASSWORD"
  echo "export GLANCE_SERVICE_PASSWORD=$GLANCE_SERVICE_PASSWORD"
  echo "export GLANCE_CONVERT_PASSWORD=$GLANCE_CONVERT_PASSWORD"
  echo "export DEMO_PASSWORD=$DEMO_PASSWORD"
  cat "$RUN/keystone-ids.env.tmp"
} > "$RUN/keystone.env"
rm -f "$RUN/keystone-ids.env.tmp"
echo "KEYSTONE_URL=$AUTH_URL KEYSTONE_PID=$(cat "$RUN/keystone.pid")"
