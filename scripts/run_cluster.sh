#!/usr/bin/env bash
# `make run-cluster`: the assistant on Rasa's horizontal-scaling engine, on this machine.
# PostgreSQL (conversations), Redis (per-conversation locks), two Rasa servers and two action
# servers, nginx on RASA_PORT (round-robin) in front, the model server and the web page.
# Data and configuration stay under var/cluster/; Ctrl-C stops everything. Never run it
# together with `make run`: both use RASA_PORT and the web and model ports.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

: "${RASA_PORT:=5005}" "${RASA_SERVER_PORTS:=5006 5007}" "${ACTION_PORTS:=5055 5065}"
: "${POSTGRES_PORT:=5433}" "${REDIS_PORT:=6380}" "${MODEL_PORT:=5056}" "${WEB_PORT:=8080}"
: "${CLINIC_ORIGINS:=http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
# How long a conversation's lock outlives a server killed while holding it (Rasa's default: 60 s).
# Longer than the slowest message (the action server is given up after 7 s), shorter than nginx's
# proxy_read_timeout (20 s), so a message retried on the other server is answered in time.
: "${TICKET_LOCK_LIFETIME:=10}"
# Messages worked on at once per server: up to 2 may wait for locks left by a killed server, the
# others keep being served (credentials.yml has 2 for one server alone).
: "${CLINIC_MAX_CONCURRENT:=4}"
export TICKET_LOCK_LIFETIME CLINIC_MAX_CONCURRENT
VAR="$ROOT/var/cluster"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$VAR"/{log,pg,redis,nginx/{body,proxy,fastcgi,uwsgi,scgi}} var/log

# shellcheck source=scripts/supervise.sh
source scripts/supervise.sh
after_stop() {
  as_postgres "$PG_BIN/pg_ctl" -D "$VAR/pg" -m fast stop >/dev/null 2>&1 || true
}

# PostgreSQL refuses to run as root: as root, it runs as the `postgres` user Debian's package creates.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
touch "$VAR/log/postgres.log"
[ "$(id -u)" = 0 ] && chown postgres: "$VAR/pg" "$VAR/log/postgres.log"
if [ ! -f "$VAR/pg/PG_VERSION" ]; then
  as_postgres "$PG_BIN/initdb" -D "$VAR/pg" --username=rasa --auth=trust >"$VAR/log/initdb.log"
fi
as_postgres "$PG_BIN/pg_ctl" -D "$VAR/pg" -l "$VAR/log/postgres.log" -w start \
  -o "-p $POSTGRES_PORT -c listen_addresses=127.0.0.1 -k /tmp" >/dev/null
"$PG_BIN/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U rasa -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'rasa'" | grep -q 1 \
  || "$PG_BIN/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U rasa rasa
export CLINIC_TRACKER_STORE_URL="postgresql://rasa@127.0.0.1:$POSTGRES_PORT/rasa"

# Redis keeps only locks of messages in flight: nothing to save to disk.
supervise "$VAR/log/redis.log" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
  --appendonly no --dir "$VAR/redis"
export CLINIC_LOCK_STORE_URL="redis://127.0.0.1:$REDIS_PORT/1"

.venv/bin/python scripts/serve_models.py --port "$MODEL_PORT" >>"$VAR/log/models.log" 2>&1 &
pids+=($!)
export MODEL_SERVER_URL="http://127.0.0.1:$MODEL_PORT/models/current.tar.gz"

read -r -a rasa_ports <<<"$RASA_SERVER_PORTS"
read -r -a action_ports <<<"$ACTION_PORTS"
upstreams=""
for i in "${!rasa_ports[@]}"; do
  SANIC_HOST=127.0.0.1 supervise "$VAR/log/actions-${action_ports[$i]}.log" \
    .venv/bin/python -m rasa_sdk --actions actions --port "${action_ports[$i]}" --quiet
  # shellcheck disable=SC2086 # one origin per word
  ACTION_ENDPOINT_URL="http://127.0.0.1:${action_ports[$i]}/webhook" SANIC_PROXIES_COUNT=1 \
    SANIC_REQUEST_MAX_SIZE=65536 supervise "$VAR/log/rasa-${rasa_ports[$i]}.log" \
    .venv/bin/rasa run --endpoints cluster/endpoints.yml --credentials credentials.yml \
    --interface 127.0.0.1 --port "${rasa_ports[$i]}" --cors $CLINIC_ORIGINS
  upstreams+="server 127.0.0.1:${rasa_ports[$i]} max_fails=1 fail_timeout=5s; "
done

user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
sed -e "s|@VAR@|$VAR|g" -e "s|@NGINX_PORT@|$RASA_PORT|g" -e "s|@UPSTREAMS@|$upstreams|" \
  -e "s|@USER@|$user_line|" cluster/nginx.conf.template >"$VAR/nginx/nginx.conf"
"$(command -v nginx || echo /usr/sbin/nginx)" -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -g "daemon off;" >>"$VAR/log/nginx.log" 2>&1 &
pids+=($!)

.venv/bin/python scripts/serve_web.py --port "$WEB_PORT" --bind 127.0.0.1 >>"$VAR/log/web.log" 2>&1 &
pids+=($!)

echo "Starting the cluster (logs in var/cluster/log/)..."
for port in "${rasa_ports[@]}" "$RASA_PORT"; do
  .venv/bin/python scripts/wait_ready.py "http://127.0.0.1:$port" --timeout 240
done
echo "Ready: nginx on http://localhost:$RASA_PORT in front of Rasa servers on ports ${rasa_ports[*]}."
echo "Open http://localhost:$WEB_PORT for the demo clinic page. Press Ctrl-C to stop."
wait -n "${pids[@]}"
