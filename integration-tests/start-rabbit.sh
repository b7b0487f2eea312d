#!/bin/bash
# Usage: start-rabbit.sh RUN_DIR PORT
# Starts a throw-away RabbitMQ (user guest/guest) with AMQP on 127.0.0.1:PORT, its Erlang
# distribution on 127.0.0.1:PORT+20000, its own epmd on 127.0.0.1:PORT+20001 and rabbitmqctl on
# PORT+20002..PORT+20012, so it shares nothing with another broker on the machine.
# rabbitmqctl needs `source RUN_DIR/rabbit.env`.
# Stop with stop-all.sh RUN_DIR. Needs rabbitmq-server (install-deps.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 RUN_DIR PORT" >&2; exit 2; }
RUN="$(mkdir -p "$1" && cd "$1" && pwd)"
PORT="$2"
[ "$PORT" -le 45000 ] || { echo "PORT must be at most 45000 (companion ports are PORT+20000..PORT+20012)" >&2; exit 2; }
source "$HERE/lib/common.sh"
refuse_if_running "$RUN/rabbit.pid" rabbitmq-server
refuse_if_running "$RUN/epmd.pid" epmd
R="$RUN/rabbit"
rm -rf "$R"; mkdir -p "$R/mnesia" "$R/log"
cat > "$RUN/rabbit.env" <<ENV
export HOME="$R"
export RABBITMQ_NODENAME="rabbit-gc-$PORT@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$PORT
export RABBITMQ_DIST_PORT=$((PORT + 20000))
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=$((PORT + 20001))
export RABBITMQ_CTL_DIST_PORT_MIN=$((PORT + 20002))
export RABBITMQ_CTL_DIST_PORT_MAX=$((PORT + 20012))
export RABBITMQ_MNESIA_BASE="$R/mnesia"
export RABBITMQ_LOG_BASE="$R/log"
export RABBITMQ_CONFIG_FILE="$R/rabbitmq"
export RABBITMQ_ENABLED_PLUGINS_FILE="$R/enabled_plugins"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export ERL_CRASH_DUMP="$R/erl_crash.dump"
ENV
sed -e "s#@PORT@#$PORT#g" "$HERE/etc/rabbitmq.conf.tmpl" > "$R/rabbitmq.conf"
echo '[].' > "$R/enabled_plugins"
source "$RUN/rabbit.env"
# Our own epmd in the foreground of a background job, so its PID is known and stop-all.sh stops
# exactly it; the broker registers with it (ERL_EPMD_PORT) instead of a shared one.
nohup /usr/bin/epmd -address 127.0.0.1 -port "$ERL_EPMD_PORT" > "$RUN/epmd.log" 2>&1 < /dev/null &
echo $! > "$RUN/epmd.pid"
nohup /usr/lib/rabbitmq/bin/rabbitmq-server > "$RUN/rabbit.stdout" 2>&1 < /dev/null &
echo $! > "$RUN/rabbit.pid"
trap '_rc=$?; if [ $_rc -ne 0 ]; then kill "$(cat "$RUN/rabbit.pid")" "$(cat "$RUN/epmd.pid")" 2>/dev/null || true; fi' EXIT
/usr/lib/rabbitmq/bin/rabbitmqctl --timeout 90 wait --pid "$(cat "$RUN/rabbit.pid")" > "$RUN/rabbit-wait.log" 2>&1 \
  || { echo "rabbitmq-server did not start; last lines of $RUN/rabbit.stdout:" >&2; tail -20 "$RUN/rabbit.stdout" >&2; exit 1; }
echo "AMQP_URL=rabbit://guest:guest@127.0.0.1:$PORT/ RABBIT_PID=$(cat "$RUN/rabbit.pid")"
