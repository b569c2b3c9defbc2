#!/usr/bin/env bash
# Starts the action server and the Rasa server (REST channel) and stops both on Ctrl-C.
# Used by `make run`; ports and bind address come from the environment (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${RASA_PORT:=5005}" "${ACTION_PORT:=5055}" "${BIND_ADDRESS:=127.0.0.1}"
mkdir -p var/log
pids=()
stop() {
  trap - INT TERM EXIT
  echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

# The action server binds 0.0.0.0 unless told otherwise: keep it on this machine.
SANIC_HOST="$BIND_ADDRESS" .venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" --quiet \
  >>var/log/actions.log 2>&1 &
pids+=($!)
.venv/bin/rasa run --model models/current.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
  --interface "$BIND_ADDRESS" --port "$RASA_PORT" >>var/log/rasa.log 2>&1 &
pids+=($!)

echo "Starting the assistant (logs in var/log/)..."
.venv/bin/python scripts/wait_ready.py "http://127.0.0.1:$RASA_PORT" --timeout 180
echo "Ready: POST http://localhost:$RASA_PORT/webhooks/rest/webhook  {\"sender\": \"me\", \"message\": \"hello\"}"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"
