#!/bin/bash
# Stops what deploy/local/demo.sh started in RUN_DIR (default /tmp/glance-convert-demo), by
# recorded PID only.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUN="${1:-${GLANCE_CONVERT_DEMO_DIR:-/tmp/glance-convert-demo}}"
[ -d "$RUN" ] || { echo "stop: nothing in $RUN"; exit 0; }
if [ -f "$RUN/daemon.pid" ]; then
  pid=$(cat "$RUN/daemon.pid")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    echo "stopped glance-convert daemon $pid"
  fi
  rm -f "$RUN/daemon.pid"
fi
"$ROOT/integration-tests/down.sh" "$RUN"
