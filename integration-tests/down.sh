#!/bin/bash
# Usage: down.sh [RUN_DIR]   stops what up.sh started in RUN_DIR (default /tmp/glance-convert-it).
# Logs and state stay in RUN_DIR for a look afterwards; the next up.sh starts from empty.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
RUN="${1:-${GLANCE_CONVERT_IT_DIR:-/tmp/glance-convert-it}}"
[ -d "$RUN" ] || { echo "down: nothing in $RUN"; exit 0; }
"$HERE/stop-all.sh" "$RUN"
