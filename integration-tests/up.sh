#!/bin/bash
# Usage: [WITH_RABBIT=1] [KEYSTONE_PORT=N] [GLANCE_PORT=N] [RABBIT_PORT=N] up.sh [RUN_DIR]
# Starts a real Keystone and a real Glance API (and with WITH_RABBIT=1 a RabbitMQ that Glance
# publishes messagingv2 notifications to) on 127.0.0.1, all in RUN_DIR (default
# /tmp/glance-convert-it), and writes:
#   RUN_DIR/clouds.yaml  clouds "glance-convert" (service user, admin in project "service"),
#                        "glance-convert-appcred" (its application credential), "demo" (member of
#                        project "demo") and "admin"
#   RUN_DIR/env          shell exports for tests: GLANCE_URL, KEYSTONE_URL, OS_CLIENT_CONFIG_FILE,
#                        AMQP_URL (with rabbit), ids and passwords; mode 600
# Re-runnable: whatever an earlier up.sh started in RUN_DIR is stopped first, and state starts
# empty. Ports are free ones unless given. Stop with down.sh RUN_DIR.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
RUN="${1:-${GLANCE_CONVERT_IT_DIR:-/tmp/glance-convert-it}}"
source "$HERE/lib/common.sh"

"$HERE/install-deps.sh"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
"$HERE/stop-all.sh" "$RUN"
rm -f "$RUN/env" "$RUN/clouds.yaml" "$RUN/keystone.env"

KEYSTONE_PORT="${KEYSTONE_PORT:-$(free_port)}"
GLANCE_PORT="${GLANCE_PORT:-$(free_port)}"
while [ "$GLANCE_PORT" = "$KEYSTONE_PORT" ]; do GLANCE_PORT="$(free_port)"; done
GLANCE_URL="http://127.0.0.1:$GLANCE_PORT"

# If anything below fails, stop what this run started.
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "up.sh failed; stopping what it started" >&2; "$HERE/stop-all.sh" "$RUN" >&2 || true; fi' EXIT

NOTIFY_URL=
if [ "${WITH_RABBIT:-0}" = 1 ]; then
  RABBIT_PORT="${RABBIT_PORT:-$(free_rabbit_port)}"
  "$HERE/start-rabbit.sh" "$RUN" "$RABBIT_PORT"
  NOTIFY_URL="rabbit://guest:guest@127.0.0.1:$RABBIT_PORT/"
fi
GLANCE_URL="$GLANCE_URL" "$HERE/start-keystone.sh" "$RUN" "$KEYSTONE_PORT"
# shellcheck source=/dev/null
source "$RUN/keystone.env"
NOTIFY_URL="$NOTIFY_URL" "$HERE/start-glance.sh" "$RUN" "$GLANCE_PORT"

umask 077
cat > "$RUN/clouds.yaml" <<YAML
# Written by glance-convert integration-tests/up.sh for the throw-away cloud in $RUN.
clouds:
  glance-convert:
    auth:
      auth_url: $KEYSTONE_URL
      username: glance-convert
      password: $GLANCE_CONVERT_PASSWORD
      project_name: service
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  glance-convert-appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: $KEYSTONE_URL
      application_credential_id: $GLANCE_CONVERT_APP_CRED_ID
      application_credential_secret: $GLANCE_CONVERT_APP_CRED_SECRET
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  demo:
    auth:
      auth_url: $KEYSTONE_URL
      username: demo
      password: $DEMO_PASSWORD
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  admin:
    auth:
      auth_url: $KEYSTONE_URL
      username: admin
      password: $KEYSTONE_ADMIN_PASSWORD
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
YAML
{
  echo "# Written by glance-convert integration-tests/up.sh; source it or point GLANCE_CONVERT_IT_ENV here."
  echo "export GLANCE_CONVERT_IT_RUN_DIR=$RUN"
  echo "export OS_CLIENT_CONFIG_FILE=$RUN/clouds.yaml"
  echo "export GLANCE_URL=$GLANCE_URL"
  echo "export GLANCE_PID=$(cat "$RUN/glance-api.pid")"
  echo "export GLANCE_IMAGES_DIR=$RUN/images"
  if [ -n "$NOTIFY_URL" ]; then
    echo "export AMQP_URL=$NOTIFY_URL"
    echo "export RABBIT_PID=$(cat "$RUN/rabbit.pid")"
  fi
  cat "$RUN/keystone.env"
} > "$RUN/env"
umask 022

# Healthy = a token for the service user is issued and Glance accepts it.
token="$(curl -sf -D - -o /dev/null -X POST "$KEYSTONE_URL/auth/tokens" -H 'Content-Type: application/json' \
  -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"glance-convert\",\"domain\":{\"id\":\"default\"},\"password\":\"$GLANCE_CONVERT_PASSWORD\"}}},\"scope\":{\"project\":{\"name\":\"service\",\"domain\":{\"id\":\"default\"}}}}}" \
  | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r')"
[ -n "$token" ] || { echo "up.sh: Keystone issued no token for glance-convert" >&2; exit 1; }
code="$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $token" "$GLANCE_URL/v2/images?limit=1")"
[ "$code" = 200 ] || { echo "up.sh: Glance answered $code to an authenticated list" >&2; exit 1; }

echo "up: Keystone $KEYSTONE_URL, Glance $GLANCE_URL${NOTIFY_URL:+, RabbitMQ $NOTIFY_URL}"
echo "up: export GLANCE_CONVERT_IT_ENV=$RUN/env   (or: source $RUN/env); stop with $HERE/down.sh $RUN"
