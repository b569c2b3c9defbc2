#!/usr/bin/env bash
# Starts the action server, the Rasa server (REST channel) and the demo clinic page; Ctrl-C stops all three.
# Used by `make run`; ports and bind address come from the environment (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${RASA_PORT:=5005}" "${ACTION_PORT:=5055}" "${WEB_PORT:=8080}" "${BIND_ADDRESS:=127.0.0.1}"
# The web pages allowed to talk to the assistant (CORS): the clinic's own site, never "*".
: "${CLINIC_ORIGINS:=http://localhost:$WEB_PORT http://127.0.0.1:$WEB_PORT}"
# Rasa's HTTP API (conversations, model upload...) stays off unless an operator turns it on,
# and then only with a token: it once allowed remote code execution (CVE-2024-49375).
api_args=()
if [ "${RASA_ENABLE_API:-0}" = 1 ]; then
  if [ -z "${RASA_API_TOKEN:-}" ]; then
    echo "RASA_ENABLE_API=1 needs RASA_API_TOKEN (a long random secret); not starting." >&2
    exit 2
  fi
  api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
fi
# The webhook refuses request bodies over 64 KB before reading them (Sanic's default is 100 MB).
: "${WEBHOOK_MAX_BODY_BYTES:=65536}"
mkdir -p var/log
# Servers that die are started again, and Ctrl-C stops them all (scripts/supervise.sh). Conversations are in
# var/conversations.db, so a patient carries on where they were (tests/integration/test_reliability.py).
# shellcheck source=scripts/supervise.sh
source scripts/supervise.sh

# The action server binds 0.0.0.0 unless told otherwise: keep it on this machine.
SANIC_HOST="$BIND_ADDRESS" supervise var/log/actions.log \
  .venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" --quiet
# The model server: the Rasa server picks up each newly trained model from it.
.venv/bin/python scripts/serve_models.py --port 5056 >>var/log/models.log 2>&1 &
pids+=($!)
# shellcheck disable=SC2086 # one origin per word
SANIC_REQUEST_MAX_SIZE="$WEBHOOK_MAX_BODY_BYTES" supervise var/log/rasa.log .venv/bin/rasa run --endpoints endpoints.yml --credentials credentials.yml \
  "${api_args[@]}" --interface "$BIND_ADDRESS" --port "$RASA_PORT" --cors $CLINIC_ORIGINS
.venv/bin/python scripts/serve_web.py --port "$WEB_PORT" --bind "$BIND_ADDRESS" >>var/log/web.log 2>&1 &
pids+=($!)

echo "Starting the assistant (logs in var/log/)..."
.venv/bin/python scripts/wait_ready.py "http://127.0.0.1:$RASA_PORT" --timeout 180
echo "Ready. Open http://localhost:$WEB_PORT for the demo clinic page with the chat."
echo "(The REST webhook: POST http://localhost:$RASA_PORT/webhooks/rest/webhook {\"sender\": \"...\", \"message\": \"...\"})"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"
