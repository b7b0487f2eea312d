#!/bin/bash
# Usage: stop-all.sh RUN_DIR...
# Stops what start-keystone.sh, start-glance.sh and start-rabbit.sh started in each RUN_DIR, by
# the PIDs they recorded (and only if that PID still runs the program that was started: a PID
# reused by an unrelated process is left alone). SIGTERM, then SIGKILL after 15 s.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 RUN_DIR..." >&2; exit 2; }

# stop_pid PIDFILE PATTERN: stops the recorded process if its command line matches PATTERN.
stop_pid() {
  local pidfile="$1" pattern="$2" pid i
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    local cmd
    cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)"
    if [ -z "$cmd" ]; then
      :   # exiting (zombie or already reaped): nothing left to stop
    elif grep -q -- "$pattern" <<< "$cmd"; then
      kill "$pid" 2>/dev/null || true
      for i in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
      echo "stopped $(basename "$pidfile" .pid) $pid"
    else
      echo "$(basename "$pidfile" .pid): pid $pid is no longer ours, left alone" >&2
    fi
  fi
  rm -f "$pidfile"
}

for dir in "$@"; do
  [ -d "$dir" ] || continue
  stop_pid "$dir/glance-api.pid" glance-api
  stop_pid "$dir/keystone.pid" keystone-wsgi-public
  if [ -f "$dir/rabbit.pid" ]; then
    pid="$(cat "$dir/rabbit.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      # A clean stop through the broker's own CLI; then whatever of ours is left gets signals.
      (source "$dir/rabbit.env"; /usr/lib/rabbitmq/bin/rabbitmqctl --timeout 30 stop > /dev/null 2>&1) || true
      for child in $(pgrep -P "$pid" 2>/dev/null || true); do
        echo "$child" > "$dir/rabbit-beam.pid"; stop_pid "$dir/rabbit-beam.pid" beam
      done
      stop_pid "$dir/rabbit.pid" rabbitmq
      echo "stopped rabbitmq"
    fi
    rm -f "$dir/rabbit.pid"
  fi
  stop_pid "$dir/epmd.pid" epmd
done
