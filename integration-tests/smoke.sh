#!/bin/bash
# Usage: smoke.sh [RUN_DIR]   checks the stack up.sh started, with curl and a Keystone token:
# create (chosen id, 409 on reuse), upload, download, range read, JSON-patch PATCH, tags,
# deactivate/reactivate, os_hidden listing, member access and delete; and, when RabbitMQ runs,
# that Glance published notifications. Exit 0 = all passed.
set -euo pipefail
RUN="${1:-${GLANCE_CONVERT_IT_DIR:-/tmp/glance-convert-it}}"
# shellcheck source=/dev/null
source "$RUN/env"
G="$GLANCE_URL"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got '$2', want '$3'"; fail=1; fi; }
json() { /usr/bin/python3 -c "import sys,json;d=json.load(sys.stdin);print($1)"; }
token() {
  curl -sf -D - -o /dev/null -X POST "$KEYSTONE_URL/auth/tokens" -H 'Content-Type: application/json' \
    -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$1\",\"domain\":{\"id\":\"default\"},\"password\":\"$2\"}}},\"scope\":{\"project\":{\"name\":\"$3\",\"domain\":{\"id\":\"default\"}}}}}" \
    | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r'
}
SVC="$(token glance-convert "$GLANCE_CONVERT_PASSWORD" service)"
DEMO="$(token demo "$DEMO_PASSWORD" demo)"
S=(-H "X-Auth-Token: $SVC" -H 'Accept: application/json')
D=(-H "X-Auth-Token: $DEMO" -H 'Accept: application/json')
PATCH_TYPE='Content-Type: application/openstack-images-v2.1-json-patch'
ID="$(/usr/bin/python3 -c 'import uuid;print(uuid.uuid4())')"
head -c 3000000 /dev/urandom > "$TMP/data"

check "no token -> 401" "$(curl -s -o /dev/null -w '%{http_code}' "$G/v2/images")" 401
check "demo create with chosen id" "$(curl -s "${D[@]}" -X POST "$G/v2/images" -H 'Content-Type: application/json' \
  -d "{\"id\":\"$ID\",\"name\":\"smoke\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"smoke_prop\":\"x\"}" | json 'd["id"],d["status"],d["owner"]')" \
  "$ID queued $KEYSTONE_DEMO_PROJECT_ID"
check "reused id -> 409" "$(curl -s -o /dev/null -w '%{http_code}' "${D[@]}" -X POST "$G/v2/images" -H 'Content-Type: application/json' \
  -d "{\"id\":\"$ID\",\"name\":\"again\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")" 409
check "demo upload (chunked)" "$(curl -s -o /dev/null -w '%{http_code}' "${D[@]}" -X PUT "$G/v2/images/$ID/file" \
  -H 'Content-Type: application/octet-stream' -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/data")" 204
check "active, size and hashes" "$(curl -s "${S[@]}" "$G/v2/images/$ID" | json 'd["status"],d["size"],d["checksum"],d["os_hash_algo"],d["os_hash_value"]')" \
  "active 3000000 $(md5sum < "$TMP/data" | cut -d' ' -f1) sha512 $(sha512sum < "$TMP/data" | cut -d' ' -f1)"
check "service download" "$(curl -s "${S[@]}" "$G/v2/images/$ID/file" | cmp - "$TMP/data" && echo same)" same
check "range read 206" "$(curl -s -o "$TMP/part" -w '%{http_code}' "${S[@]}" -H 'Range: bytes=65536-66047' "$G/v2/images/$ID/file")" 206
check "range bytes" "$(dd if="$TMP/data" bs=512 skip=128 count=1 status=none | cmp - "$TMP/part" && echo same)" same
check "PATCH json-patch" "$(curl -s "${S[@]}" -X PATCH "$G/v2/images/$ID" -H "$PATCH_TYPE" \
  -d '[{"op":"add","path":"/glance_convert_state","value":"ok"},{"op":"replace","path":"/os_hidden","value":true}]' | json 'd["glance_convert_state"],d["os_hidden"]')" "ok True"
check "PATCH disk_format of active -> 403" "$(curl -s -o /dev/null -w '%{http_code}' "${S[@]}" -X PATCH "$G/v2/images/$ID" -H "$PATCH_TYPE" \
  -d '[{"op":"replace","path":"/disk_format","value":"qcow2"}]')" 403
check "hidden not listed by default" "$(curl -s "${S[@]}" "$G/v2/images?limit=1000" | json "sum(i['id']=='$ID' for i in d['images'])")" 0
check "listed with os_hidden=true" "$(curl -s "${S[@]}" "$G/v2/images?os_hidden=true&limit=1000" | json "sum(i['id']=='$ID' for i in d['images'])")" 1
check "tag" "$(curl -s -o /dev/null -w '%{http_code}' "${S[@]}" -X PUT "$G/v2/images/$ID/tags/glance-convert-smoke")" 204
check "service deactivate" "$(curl -s -o /dev/null -w '%{http_code}' "${S[@]}" -X POST "$G/v2/images/$ID/actions/deactivate")" 204
check "deactivated" "$(curl -s "${S[@]}" "$G/v2/images/$ID" | json 'd["status"]')" deactivated
check "service reactivate" "$(curl -s -o /dev/null -w '%{http_code}' "${S[@]}" -X POST "$G/v2/images/$ID/actions/reactivate")" 204
check "service adds member" "$(curl -s "${S[@]}" -X POST "$G/v2/images/$ID/members" -H 'Content-Type: application/json' \
  -d "{\"member\":\"$KEYSTONE_SERVICE_PROJECT_ID\"}" | json 'd["status"]')" pending
check "demo deletes" "$(curl -s -o /dev/null -w '%{http_code}' "${D[@]}" -X DELETE "$G/v2/images/$ID")" 204
check "deleted id cannot be reused -> 409" "$(curl -s -o /dev/null -w '%{http_code}' "${D[@]}" -X POST "$G/v2/images" -H 'Content-Type: application/json' \
  -d "{\"id\":\"$ID\",\"name\":\"again\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")" 409
if [ -n "${AMQP_URL:-}" ]; then
  # Declares nothing: counts what Glance put on its own notifications.info queue.
  n="$(/usr/bin/python3 -c '
import sys, pika
p = pika.URLParameters(sys.argv[1].replace("rabbit://", "amqp://", 1))
c = pika.BlockingConnection(p); ch = c.channel()
q = ch.queue_declare("notifications.info", passive=True)
print("yes" if q.method.message_count > 0 else "no"); c.close()' "$AMQP_URL")"
  check "notifications published" "$n" yes
fi
[ $fail = 0 ] && echo "SMOKE PASSED" || { echo "SMOKE FAILED"; exit 1; }
