#!/usr/bin/env bash
# Starts the action server, the Rasa server (REST channel) and the demo clinic page; Ctrl-C stops all three.
# Used by `make run`; ports and bind address come from the environment (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${RASA_PORT:=5005}" "${ACTION_PORT:=5055}" "${WEB_PORT:=8080}" "${BIND_ADDRESS:=127.0.0.1}"
# The web pages allowed to talk to the assistant (CORS): the clinic's own site, never "*".
: "${CLINIC_ORIGINS:=http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
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
# The model server: the Rasa server picks up each newly trained model from it.
.venv/bin/python scripts/serve_models.py --port 5056 >>var/log/models.log 2>&1 &
pids+=($!)
# shellcheck disable=SC2086 # one origin per word
.venv/bin/rasa run --endpoints endpoints.yml --credentials credentials.yml \
  --interface "$BIND_ADDRESS" --port "$RASA_PORT" --cors $CLINIC_ORIGINS >>var/log/rasa.log 2>&1 &
pids+=($!)
.venv/bin/python scripts/serve_web.py --port "$WEB_PORT" --bind "$BIND_ADDRESS" >>var/log/web.log 2>&1 &
pids+=($!)

echo "Starting the assistant (logs in var/log/)..."
.venv/bin/python scripts/wait_ready.py "http://127.0.0.1:$RASA_PORT" --timeout 180
echo "Ready. Open http://localhost:$WEB_PORT for the demo clinic page with the chat."
echo "(The REST webhook: POST http://localhost:$RASA_PORT/webhooks/rest/webhook {\"sender\": \"...\", \"message\": \"...\"})"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"
