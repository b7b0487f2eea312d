#!/bin/bash
# Usage: [NOTIFY_URL=rabbit://user:pw@127.0.0.1:5672/] start-glance.sh RUN_DIR PORT
# Starts a throw-away Glance v2 API on 127.0.0.1:PORT: sqlite, file store "fs" (multi-store
# style), import methods glance-direct/web-download/copy-image, Keystone token validation and
# enforce_new_defaults=true. Needs the Keystone of start-keystone.sh: KEYSTONE_URL and
# GLANCE_SERVICE_PASSWORD from the environment or from RUN_DIR/keystone.env.
# Optional environment: NOTIFY_URL (messagingv2 notifications, oslo retry = 1 as the README
# advises: uploads do not wait for a broker that is down), GLANCE_ENFORCE_NEW_DEFAULTS
# (default true), GLANCE_IMAGE_SIZE_CAP (bytes, default 10 GiB), GLANCE_DEBUG (default false),
# GLANCE_PROPERTY_PROTECTIONS (a property protections file, role format; default none).
# Stop with stop-all.sh RUN_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 RUN_DIR PORT" >&2; exit 2; }
RUN="$(mkdir -p "$1" && cd "$1" && pwd)"
PORT="$2"
source "$HERE/lib/common.sh"
if [ -z "${KEYSTONE_URL:-}" ] || [ -z "${GLANCE_SERVICE_PASSWORD:-}" ]; then
  [ -f "$RUN/keystone.env" ] || { echo "no KEYSTONE_URL/GLANCE_SERVICE_PASSWORD and no $RUN/keystone.env" >&2; exit 2; }
  source "$RUN/keystone.env"
fi
refuse_if_running "$RUN/glance-api.pid" glance-api

rm -rf "$RUN/glance.sqlite" "$RUN/images" "$RUN/staging" "$RUN/tasks" "$RUN/lock"
mkdir -p "$RUN/images" "$RUN/staging" "$RUN/tasks" "$RUN/lock"
umask 077   # the rendered config holds the service password
sed -e "s#@RUN@#$RUN#g" -e "s#@PORT@#$PORT#g" -e "s#@ETC@#$HERE/etc#g" \
    -e "s#@KEYSTONE_URL@#$KEYSTONE_URL#g" -e "s#@GLANCE_SERVICE_PASSWORD@#$GLANCE_SERVICE_PASSWORD#g" \
    -e "s#@ENFORCE_NEW_DEFAULTS@#${GLANCE_ENFORCE_NEW_DEFAULTS:-true}#g" \
    -e "s#@IMAGE_SIZE_CAP@#${GLANCE_IMAGE_SIZE_CAP:-10737418240}#g" \
    -e "s#@DEBUG@#${GLANCE_DEBUG:-false}#g" \
    -e "s#@NOTIFY_DRIVER@#$([ -n "${NOTIFY_URL:-}" ] && echo messagingv2 || echo noop)#g" \
    -e "s#@TRANSPORT_URL@#${NOTIFY_URL:-}#g" \
    "$HERE/etc/glance-api.conf.tmpl" > "$RUN/glance-api.conf"
if [ -n "${GLANCE_PROPERTY_PROTECTIONS:-}" ]; then
  protections="$(cd "$(dirname "$GLANCE_PROPERTY_PROTECTIONS")" && pwd)/$(basename "$GLANCE_PROPERTY_PROTECTIONS")"
  sed -i "/^\[DEFAULT\]/a property_protection_file = $protections\nproperty_protection_rule_format = roles" "$RUN/glance-api.conf"
fi
umask 022
glance-manage --config-file "$RUN/glance-api.conf" db_sync > "$RUN/glance-db-sync.log" 2>&1 \
  || { echo "glance-manage db_sync failed, see $RUN/glance-db-sync.log" >&2; exit 1; }
nohup glance-api --config-file "$RUN/glance-api.conf" > "$RUN/glance-api.stdout" 2>&1 < /dev/null &
echo $! > "$RUN/glance-api.pid"
kill_on_failure "$RUN/glance-api.pid"
wait_http "http://127.0.0.1:$PORT/healthcheck" "$RUN/glance-api.pid" glance-api "$RUN/glance-api.stdout"
echo "GLANCE_URL=http://127.0.0.1:$PORT GLANCE_PID=$(cat "$RUN/glance-api.pid")"
