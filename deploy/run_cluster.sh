#!/usr/bin/env bash
# `make run-cluster`: the assistant on Rasa's horizontal-scaling engine, on this machine.
# PostgreSQL (conversations), Redis (per-conversation locks), two Rasa servers and two action
# servers, nginx on CLINIC_RASA_PORT (round-robin) in front, the model server and the web page.
# Ports are settings (CLINIC_CLUSTER_*, clinic/settings.py). Data and configuration stay under
# var/cluster/; Ctrl-C stops everything. Never run it together with `make run`: both use
# CLINIC_RASA_PORT and the web and model ports.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

settings=$(.venv/bin/python -m clinic.settings --shell) || exit 2
eval "$settings"
VAR="$ROOT/var/cluster"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$VAR"/{log,pg,redis,nginx/{body,proxy,fastcgi,uwsgi,scgi}} var/log

# shellcheck source=deploy/supervise.sh
source deploy/supervise.sh
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
  -o "-p $CLINIC_CLUSTER_POSTGRES_PORT -c listen_addresses=127.0.0.1 -k /tmp" >/dev/null
"$PG_BIN/psql" -h 127.0.0.1 -p "$CLINIC_CLUSTER_POSTGRES_PORT" -U rasa -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'rasa'" | grep -q 1 \
  || "$PG_BIN/createdb" -h 127.0.0.1 -p "$CLINIC_CLUSTER_POSTGRES_PORT" -U rasa rasa
export CLINIC_TRACKER_STORE_URL="postgresql://rasa@127.0.0.1:$CLINIC_CLUSTER_POSTGRES_PORT/rasa"

# Redis keeps only locks of messages in flight: nothing to save to disk.
supervise "Redis" "$VAR/log/redis.log" redis-server --port "$CLINIC_CLUSTER_REDIS_PORT" --bind 127.0.0.1 \
  --save "" --appendonly no --dir "$VAR/redis"
export CLINIC_LOCK_STORE_URL="redis://127.0.0.1:$CLINIC_CLUSTER_REDIS_PORT/1"

.venv/bin/python -m deploy.serve_models --port "$CLINIC_MODEL_PORT" >>"$VAR/log/models.log" 2>&1 &
pids+=($!)

read -r -a rasa_ports <<<"$CLINIC_CLUSTER_RASA_PORTS"
read -r -a action_ports <<<"$CLINIC_CLUSTER_ACTION_PORTS"
upstreams=""
server_urls=()
for i in "${!rasa_ports[@]}"; do
  CLINIC_BIND_ADDRESS=127.0.0.1 supervise "the action server on ${action_ports[$i]}" \
    "$VAR/log/actions-${action_ports[$i]}.log" \
    .venv/bin/python -m actions.server --actions actions --port "${action_ports[$i]}" --quiet
  # shellcheck disable=SC2086 # one origin per word
  CLINIC_ACTION_URL="http://127.0.0.1:${action_ports[$i]}/webhook" CLINIC_PROXIES_COUNT=1 CLINIC_REFUSE_WHEN_UNREADY=1 \
    supervise "the Rasa server on ${rasa_ports[$i]}" "$VAR/log/rasa-${rasa_ports[$i]}.log" \
    .venv/bin/python -m rasa_addons run --endpoints deploy/cluster/endpoints.yml --credentials credentials.yml \
    --interface 127.0.0.1 --port "${rasa_ports[$i]}" --cors $CLINIC_ORIGINS
  upstreams+="server 127.0.0.1:${rasa_ports[$i]} max_fails=1 fail_timeout=5s; "
  server_urls+=("http://127.0.0.1:${rasa_ports[$i]}")
done

user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
sed -e "s|@VAR@|$VAR|g" -e "s|@NGINX_PORT@|$CLINIC_RASA_PORT|g" -e "s|@UPSTREAMS@|$upstreams|" \
  -e "s|@USER@|$user_line|" -e "s|@MAX_BODY_BYTES@|$CLINIC_MAX_BODY_BYTES|" -e "s|@LOCK_LIFETIME@|$CLINIC_LOCK_LIFETIME_SECONDS|" \
  deploy/cluster/nginx.conf.template >"$VAR/nginx/nginx.conf"
"$(command -v nginx || echo /usr/sbin/nginx)" -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -g "daemon off;" \
  >>"$VAR/log/nginx.log" 2>&1 &
pids+=($!)

.venv/bin/python -m deploy.serve_web --port "$CLINIC_WEB_PORT" --bind 127.0.0.1 >>"$VAR/log/web.log" 2>&1 &
pids+=($!)
if [ "$CLINIC_MONITORING" = 1 ]; then
  deploy/monitoring_setup.sh
  # shellcheck source=deploy/monitor.sh
  source deploy/monitor.sh
  start_monitoring "${server_urls[*]//http:\/\//}" "$(printf '127.0.0.1:%s ' "${action_ports[@]}")"
fi

echo "Starting the cluster (logs in var/cluster/log/)..."
wait_until_ready "${server_urls[@]}" "http://127.0.0.1:$CLINIC_RASA_PORT"
echo "Ready: nginx on http://localhost:$CLINIC_RASA_PORT in front of Rasa servers on ports ${rasa_ports[*]}."
echo "Open http://localhost:$CLINIC_WEB_PORT for the demo clinic page. Press Ctrl-C to stop."
echo "Conversations are in PostgreSQL: for make report and make purge, set CLINIC_TRACKER_STORE_URL=$CLINIC_TRACKER_STORE_URL"
wait -n "${pids[@]}"
