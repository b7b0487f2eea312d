#!/bin/bash
# The daemon end to end against a person doing it by hand, through the same local Glance:
# starts a real Keystone + Glance (+ RabbitMQ) with integration-tests/up.sh, runs
# `glance-convert run` as an operator would, and for each job alternates, in one run (after a
# warm-up of the daemon):
#   daemon:   upload an image → the daemon converts it → the copy is active and verified
#             (its conversion-log record; the copy's status in Glance is noted as it turns active)
#   baseline: upload the same image → download it → upload the same bytes as a new image, active
#             (what `download; qemu-img convert; upload` costs at least, minus the convert)
# Both clocks start just before the original is created. Prints a markdown table (min/median/max,
# median ratio daemon/baseline) and, per run, the copy's verification: the daemon's log result,
# the copy's status, disk_format and content digest in Glance, and qemu-img compare of the copy
# (downloaded after the clock stopped) against the uploaded file.
#
#   bench/daemon.sh [--size 2G] [--images DIR] [--pairs N] [--jobs LIST] [--mode notify|poll]
#                   [--no-compare] [--quick] [--keep]
#
# --images DIR: base.raw and base.qcow2 of bench/run.sh (default bench/work/SIZE; built by run.sh
#   when missing). --mode notify (default): Glance's notifications over RabbitMQ, as an operator
#   runs it (safety poll 10 min, so every start comes from a notification); poll: no broker,
#   poll_interval 1s (the shortest allowed). --quick: a 256 MiB image built on the spot, one pair,
#   no warm-up, jobs qcow2-to-raw and flatvmdk-relabel (a minute or two; asserts correctness, not
#   timings). --keep leaves the run directory (logs) behind; everything started is always stopped.
# Exit 1 when any copy is not verified, a baseline re-upload differs, or anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE=2G; PAIRS=3; QUICK=0; JOBS=""; MODE=notify; COMPARE=1; KEEP=0; IMAGES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2;;
    --images) IMAGES="$2"; shift 2;;
    --pairs) PAIRS="$2"; shift 2;;
    --jobs) JOBS="$2"; shift 2;;
    --mode) MODE="$2"; shift 2;;
    --no-compare) COMPARE=0; shift;;
    --quick) QUICK=1; SIZE=256M; PAIRS=1; shift;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,26p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
case "$MODE" in notify|poll) ;; *) echo "--mode is notify or poll" >&2; exit 2;; esac
command -v qemu-img >/dev/null || { echo "bench needs qemu-img (apt-get install qemu-utils)" >&2; exit 2; }
# GLANCE_CONVERT_JAR names another build to measure (e.g. a baseline), as for bench/run.sh.
[ -n "${GLANCE_CONVERT_JAR:-}" ] || [ -f target/glance-convert.jar ] || mvn -B -ntp -q package -DskipTests
export GLANCE_CONVERT_JAR="${GLANCE_CONVERT_JAR:-$PWD/target/glance-convert.jar}"

# job name | file | declared disk_format | its real (qemu) format | cloud's target_format | what it is
ALL_JOBS=(
  "qcow2-to-raw|base.qcow2|qcow2|qcow2|raw|a qcow2 upload on a Ceph cloud (raw wanted): convert"
  "flatvmdk-relabel|base.raw|vmdk|raw|raw|raw bytes labelled vmdk (an ESXi -flat.vmdk) on a raw cloud: relabel"
  "qcow2-as-raw|base.qcow2|raw|qcow2|raw|a qcow2 labelled raw on a raw cloud: convert"
  "raw-to-qcow2|base.raw|raw|raw|qcow2|a raw upload on a file-backed KVM cloud (qcow2 wanted): convert"
)
if [ -z "$JOBS" ]; then
  if [ $QUICK = 1 ]; then JOBS=qcow2-to-raw,flatvmdk-relabel; else JOBS=qcow2-to-raw,flatvmdk-relabel,raw-to-qcow2; fi
fi

RUN=$(mktemp -d /tmp/glance-convert-bench-e2e.XXXXXX)
DAEMON_PID=
stop_daemon() {
  [ -n "$DAEMON_PID" ] || return 0
  if kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill "$DAEMON_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$DAEMON_PID" 2>/dev/null && kill -9 "$DAEMON_PID" 2>/dev/null || true
  fi
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=
}
cleanup() {
  stop_daemon
  integration-tests/down.sh "$RUN" >/dev/null 2>&1 || true
  if [ $KEEP = 1 ]; then echo "run directory kept: $RUN" >&2; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ $QUICK = 1 ] && [ -z "$IMAGES" ]; then
  # Small, cheap and deterministic: 48 MiB of patterned data in a 256 MiB disk, with holes.
  IMAGES="$RUN/source-images"; mkdir -p "$IMAGES"
  qemu-img create -q -f raw "$IMAGES/base.raw" "$SIZE"
  for i in $(seq 0 11); do
    qemu-io -f raw -c "write -q -P $((i * 17 + 1)) $((i * 20 + 1))M 4M" "$IMAGES/base.raw" >/dev/null
  done
  qemu-img convert -f raw -O qcow2 "$IMAGES/base.raw" "$IMAGES/base.qcow2"
else
  IMAGES="${IMAGES:-bench/work/$SIZE}"
  if [ ! -f "$IMAGES/base.raw" ] || [ ! -f "$IMAGES/base.qcow2" ]; then
    [ "$(basename "$IMAGES")" = "$SIZE" ] || { echo "no base.raw/base.qcow2 in $IMAGES" >&2; exit 2; }
    bench/run.sh --size "$SIZE" --dir "$(dirname "$IMAGES")" --jobs none >/dev/null
  fi
fi
IMAGES=$(cd "$IMAGES" && pwd)
RESULTS_DIR="$ROOT/bench/work"; mkdir -p "$RESULTS_DIR"
RESULTS="$RESULTS_DIR/daemon-$SIZE.md"

if [ "$MODE" = notify ]; then echo "== starting Keystone, Glance and RabbitMQ in $RUN" >&2
else echo "== starting Keystone and Glance in $RUN" >&2; fi
if [ "$MODE" = notify ]; then
  WITH_RABBIT=1 integration-tests/up.sh "$RUN" > "$RUN/up.log" 2>&1 || { cat "$RUN/up.log" >&2; exit 1; }
else
  integration-tests/up.sh "$RUN" > "$RUN/up.log" 2>&1 || { cat "$RUN/up.log" >&2; exit 1; }
fi
# shellcheck source=/dev/null
source "$RUN/env"
export KEYSTONE_URL GLANCE_URL DEMO_PASSWORD GLANCE_CONVERT_PASSWORD
NAMESPACE=$(/usr/bin/python3 -c 'import uuid; print(uuid.uuid4())')
echo "$NAMESPACE" > "$RUN/id-namespace"
ROWS="$RUN/rows.jsonl"; : > "$ROWS"
E2E="/usr/bin/python3 $ROOT/bench/e2e.py"

start_daemon() { # target
  local port; port=$(/usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  local notify="" poll="poll_interval: 1s"
  if [ "$MODE" = notify ]; then
    poll="poll_interval: 60s"
    notify="    notifications:
      transport_url: $AMQP_URL
      queue: glance-convert-bench
      safety_poll_interval: 10m"
  fi
  mkdir -p "$RUN/work"
  cat > "$RUN/glance-convert.yaml" <<YAML
# Written by bench/daemon.sh: one cloud, the bench's Keystone and Glance.
id_namespace_file: $RUN/id-namespace
work_dir: $RUN/work
work_dir_min_free: 1G
concurrency: 2
$poll
conversion_log: $RUN/conversions.jsonl
metrics: {enabled: true, bind: 127.0.0.1, port: $port}
clouds:
  - name: bench
    cloud: glance-convert
    target_format: $1
    original: hide
    on_unsafe: tag
$notify
YAML
  OS_CLIENT_CONFIG_FILE="$RUN/clouds.yaml" GLANCE_CONVERT_LOG_LEVEL=INFO \
    bin/glance-convert run --config "$RUN/glance-convert.yaml" >> "$RUN/daemon.log" 2>&1 &
  DAEMON_PID=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || { echo "the daemon died:" >&2; tail -30 "$RUN/daemon.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "the daemon was not ready within 60 s:" >&2; tail -30 "$RUN/daemon.log" >&2; exit 1
}

status=0
for spec in "${ALL_JOBS[@]}"; do
  IFS='|' read -r name file declared real target what <<< "$spec"
  [[ ",$JOBS," == *",$name,"* ]] || continue
  echo "== $name: $what (daemon mode: $MODE)" >&2
  start_daemon "$target"
  sleep 1 # the start-up poll is over
  common=(--job "$name" --file "$IMAGES/$file" --declared "$declared" --rows "$ROWS")
  daemon_args=(--target "$target" --source-format "$real" --log "$RUN/conversions.jsonl" --daemon-log "$RUN/daemon.log" --namespace "$NAMESPACE")
  [ $COMPARE = 1 ] && daemon_args+=(--compare)
  if [ $QUICK = 0 ]; then
    echo "   warm-up" >&2
    $E2E daemon "${common[@]}" "${daemon_args[@]}" --pair 0 --warm-up || { status=1; stop_daemon; continue; }
  fi
  for i in $(seq 1 "$PAIRS"); do
    $E2E daemon "${common[@]}" "${daemon_args[@]}" --pair "$i" || status=1
    $E2E baseline "${common[@]}" --pair "$i" || status=1
  done
  stop_daemon
done

{
  $E2E table --rows "$ROWS" --mode "$MODE"
  echo
  if [ "$MODE" = notify ]; then
    echo "Daemon started by Glance's notifications over RabbitMQ (safety poll 10 min), original: hide, concurrency 2, default heap (256 MiB)."
  else
    echo "Daemon polling Glance every 1 s (no broker), original: hide, concurrency 2, default heap (256 MiB)."
  fi
  echo "glance-convert: $GLANCE_CONVERT_JAR, built $(date -u -r "$GLANCE_CONVERT_JAR" +%Y-%m-%dT%H:%MZ)."
  echo "Keystone + Glance $(dpkg-query -W -f '${Version}' glance-api 2>/dev/null) (file store, sqlite) of integration-tests/up.sh on 127.0.0.1; images from $IMAGES ($SIZE); $PAIRS pair(s); uploads and downloads by curl."
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); load average at the end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)."
} > "$RESULTS"
cat "$RESULTS"
exit $status
