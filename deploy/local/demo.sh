#!/bin/bash
# The whole product on one machine: a real Keystone and Glance on 127.0.0.1, the glance-convert
# daemon watching them, and a user uploading images the way users get them wrong. Prints the
# conversion log and the resulting image list, and how to stop everything.
#
#   deploy/local/demo.sh [RUN_DIR]        (default /tmp/glance-convert-demo)
#   deploy/local/stop.sh [RUN_DIR]        stops only what the demo started
#
# Re-running starts from a clean slate in the same RUN_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUN="${1:-${GLANCE_CONVERT_DEMO_DIR:-/tmp/glance-convert-demo}}"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }

step "Installing what the demo needs (JDK 17, Maven, qemu-utils, Keystone, Glance) if missing"
bin/install-build-deps
integration-tests/install-deps.sh

step "Building glance-convert"
mvn -B -ntp -q package -DskipTests

step "Starting Keystone and Glance on 127.0.0.1 (in $RUN)"
"$ROOT/deploy/local/stop.sh" "$RUN" >/dev/null 2>&1 || true
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
integration-tests/up.sh "$RUN"
# shellcheck source=/dev/null
source "$RUN/env"

step "Starting the glance-convert daemon (a Ceph-style cloud: target raw, originals hidden)"
mkdir -p "$RUN/work"
[ -s "$RUN/id-namespace" ] || /usr/bin/python3 -c 'import uuid; print(uuid.uuid4())' > "$RUN/id-namespace"
METRICS_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$RUN/glance-convert.yaml" <<YAML
# Written by deploy/local/demo.sh; see config/glance-convert.yaml for every key.
id_namespace_file: $RUN/id-namespace
work_dir: $RUN/work
work_dir_min_free: 100M
concurrency: 2
poll_interval: 3s
conversion_log: $RUN/conversions.jsonl
metrics:
  enabled: true
  bind: 127.0.0.1
  port: $METRICS_PORT
clouds:
  - name: demo
    cloud: glance-convert
    target_format: raw
    original: hide
    on_unsafe: tag
YAML
rm -f "$RUN/conversions.jsonl"
OS_CLIENT_CONFIG_FILE="$RUN/clouds.yaml" GLANCE_CONVERT_LOG_LEVEL=INFO \
  nohup bin/glance-convert run --config "$RUN/glance-convert.yaml" > "$RUN/daemon.log" 2>&1 &
echo $! > "$RUN/daemon.pid"
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$METRICS_PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$(cat "$RUN/daemon.pid")" 2>/dev/null || { echo "the daemon died:"; tail -30 "$RUN/daemon.log"; exit 1; }
  sleep 1
done
echo "daemon pid $(cat "$RUN/daemon.pid"), metrics http://127.0.0.1:$METRICS_PORT/metrics"

step "Making sample images the way users get them wrong"
S="$RUN/samples"; rm -rf "$S"; mkdir -p "$S"
qemu-img create -q -f raw "$S/esxi-disk-flat.vmdk" 64M
printf 'a boot sector' | dd of="$S/esxi-disk-flat.vmdk" conv=notrunc status=none
qemu-img create -q -f qcow2 "$S/ubuntu.qcow2" 256M
qemu-io -f qcow2 -c 'write -q -P 0x5a 1M 4M' "$S/ubuntu.qcow2" >/dev/null
qemu-img create -q -f qcow2 -b /etc/hostname -F raw "$S/backing.qcow2" 64M
echo "  esxi-disk-flat.vmdk  raw bytes (an ESXi -flat extent), uploaded as disk_format=vmdk"
echo "  ubuntu.qcow2         a qcow2, uploaded as disk_format=raw"
echo "  backing.qcow2        a qcow2 whose backing file is /etc/hostname (hostile), uploaded as qcow2"

token_for() { # user password project -> token
  curl -sf -D - -o /dev/null -X POST "$KEYSTONE_URL/auth/tokens" -H 'Content-Type: application/json' \
    -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$1\",\"domain\":{\"id\":\"default\"},\"password\":\"$2\"}}},\"scope\":{\"project\":{\"name\":\"$3\",\"domain\":{\"id\":\"default\"}}}}}" \
    | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r'
}
DEMO_TOKEN=$(token_for demo "$DEMO_PASSWORD" demo)
upload() { # name disk_format file -> id
  local id
  id=$(curl -sf -X POST "$GLANCE_URL/v2/images" -H "X-Auth-Token: $DEMO_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$1\",\"disk_format\":\"$2\",\"container_format\":\"bare\"}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sf -X PUT "$GLANCE_URL/v2/images/$id/file" -H "X-Auth-Token: $DEMO_TOKEN" \
    -H 'Content-Type: application/octet-stream' --data-binary "@$3" >/dev/null
  echo "$id"
}
step "Uploading them to Glance as the demo user (plain PUT /file)"
IDS=()
IDS+=("$(upload esxi-disk vmdk "$S/esxi-disk-flat.vmdk")")
IDS+=("$(upload ubuntu raw "$S/ubuntu.qcow2")")
IDS+=("$(upload sneaky qcow2 "$S/backing.qcow2")")
printf '  %s\n' "${IDS[@]}"

step "Waiting for the daemon to decide each image"
ADMIN_TOKEN=$(token_for glance-convert "$GLANCE_CONVERT_PASSWORD" service)
state_of() {
  curl -sf -H "X-Auth-Token: $ADMIN_TOKEN" "$GLANCE_URL/v2/images/$1" \
    | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("glance_convert_state",""))'
}
for _ in $(seq 1 120); do
  pending=0
  for id in "${IDS[@]}"; do
    case "$(state_of "$id")" in done|ok|rejected|skipped) ;; *) pending=$((pending + 1));; esac
  done
  [ "$pending" = 0 ] && break
  sleep 2
done
[ "$pending" = 0 ] || echo "  ($pending images still undecided; see $RUN/daemon.log)"

step "The conversion log (bin/glance-convert log --file $RUN/conversions.jsonl)"
bin/glance-convert log --file "$RUN/conversions.jsonl"

step "The images in Glance now (as an admin sees them, hidden ones included)"
{ curl -sf -H "X-Auth-Token: $ADMIN_TOKEN" "$GLANCE_URL/v2/images?limit=100"
  curl -sf -H "X-Auth-Token: $ADMIN_TOKEN" "$GLANCE_URL/v2/images?limit=100&os_hidden=true"; } \
  | /usr/bin/python3 -c '
import json, sys
seen = {}
for line in sys.stdin.read().replace("}{", "}\n{").splitlines():
    for i in json.loads(line)["images"]:
        seen[i["id"]] = i
print("%-36s  %-14s %-6s %-8s %-6s %-9s %s" % ("ID", "NAME", "FORMAT", "STATUS", "HIDDEN", "STATE", "NOTE"))
for i in sorted(seen.values(), key=lambda i: i["created_at"]):
    note = i.get("glance_convert_reason") or ("copy of " + i["glance_convert_source_id"] if i.get("glance_convert_source_id") else "")
    print("%-36s  %-14s %-6s %-8s %-6s %-9s %s" % (i["id"], i["name"][:14], i["disk_format"], i["status"],
          i.get("os_hidden"), i.get("glance_convert_state", ""), note[:70]))
'
cat <<DONE

Everything runs from $RUN:
  daemon log   $RUN/daemon.log        metrics  http://127.0.0.1:$METRICS_PORT/metrics
  Glance       $GLANCE_URL            Keystone $KEYSTONE_URL   (credentials: $RUN/clouds.yaml)
Stop everything the demo started with:
  deploy/local/stop.sh $RUN
DONE
