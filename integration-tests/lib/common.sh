# Helpers shared by the integration-tests scripts (sourced, not run).

# Refuses to start a second copy over a process this RUN_DIR already runs.
refuse_if_running() {
  local pidfile="$1" what="$2"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$what already running in $(dirname "$pidfile") (pid $(cat "$pidfile")); stop-all.sh it first" >&2
    exit 1
  fi
}

# wait_http URL PIDFILE NAME LOG: polls URL until it answers, failing early if the process died.
wait_http() {
  local url="$1" pidfile="$2" name="$3" log="$4" i
  for i in $(seq 1 300); do
    if curl -sf -o /dev/null "$url"; then return 0; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name died while starting; last lines of $log:" >&2; tail -30 "$log" >&2; exit 1
    fi
    sleep 0.2
  done
  echo "$name did not answer on $url within 60 s" >&2; tail -30 "$log" >&2; exit 1
}

# A free TCP port on 127.0.0.1 (the kernel's choice; racy in theory, fine for one machine).
free_port() {
  /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# kill_on_failure PIDFILE: if the calling script fails after this point, the process it started
# (and only that one) is stopped again, so a failed start leaves nothing behind.
kill_on_failure() {
  _gc_started_pidfile="$1"
  trap '_rc=$?; if [ $_rc -ne 0 ] && [ -f "$_gc_started_pidfile" ]; then kill "$(cat "$_gc_started_pidfile")" 2>/dev/null || true; fi' EXIT
}

# A free port P in [10000, 30000) whose companions P+20000..P+20012 are free too (start-rabbit.sh
# puts the Erlang distribution, epmd and rabbitmqctl there).
free_rabbit_port() {
  /usr/bin/python3 - <<'PY'
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
for _ in range(200):
    p = random.randrange(10000, 30000)
    if free(p) and all(free(p + 20000 + i) for i in range(13)):
        print(p); break
else:
    raise SystemExit("no free port for RabbitMQ")
PY
}
