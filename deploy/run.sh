#!/usr/bin/env bash
# `make run`: the action server, the model server, the Rasa server (REST channel) and the demo clinic page;
# Ctrl-C stops them all. Every port and address is a setting (clinic/settings.py, README's table).
set -euo pipefail
cd "$(dirname "$0")/.."

# The settings, resolved, as CLINIC_ variables; exits 2 naming a setting it cannot run with.
settings=$(.venv/bin/python -m clinic.settings --shell) || exit 2
eval "$settings"
# Rasa's HTTP API (conversations, model upload...) stays off unless an operator turns it on, with a token.
api_args=()
if [ "$CLINIC_ENABLE_API" = 1 ]; then api_args=(--enable-api --auth-token "$CLINIC_API_TOKEN"); fi
mkdir -p var/log
# Servers that die are started again, and Ctrl-C stops them all (deploy/supervise.sh). Conversations are in
# var/conversations.db, so a patient carries on where they were (tests/integration/test_reliability.py).
# shellcheck source=deploy/supervise.sh
source deploy/supervise.sh

# The action server listens on CLINIC_BIND_ADDRESS.
supervise "the action server" var/log/actions.log \
  .venv/bin/python -m actions.server --actions actions --port "$CLINIC_ACTION_PORT" --quiet
# The model server: the Rasa server picks up each newly trained model from it.
.venv/bin/python -m deploy.serve_models --port "$CLINIC_MODEL_PORT" >>var/log/models.log 2>&1 &
pids+=($!)
# shellcheck disable=SC2086 # one origin per word
supervise "the Rasa server" var/log/rasa.log .venv/bin/python -m rasa_addons run --endpoints endpoints.yml \
  --credentials credentials.yml "${api_args[@]}" --interface "$CLINIC_BIND_ADDRESS" --port "$CLINIC_RASA_PORT" \
  --cors $CLINIC_ORIGINS
.venv/bin/python -m deploy.serve_web --port "$CLINIC_WEB_PORT" --bind "$CLINIC_BIND_ADDRESS" >>var/log/web.log 2>&1 &
pids+=($!)
if [ "$CLINIC_MONITORING" = 1 ]; then
  deploy/monitoring_setup.sh
  # shellcheck source=deploy/monitor.sh
  source deploy/monitor.sh
  start_monitoring "127.0.0.1:$CLINIC_RASA_PORT" "127.0.0.1:$CLINIC_ACTION_PORT"
fi

echo "Starting the assistant (logs in var/log/)..."
wait_until_ready "http://127.0.0.1:$CLINIC_RASA_PORT"
echo "Ready. Open http://localhost:$CLINIC_WEB_PORT for the demo clinic page with the chat."
echo "(The REST webhook: POST http://localhost:$CLINIC_RASA_PORT/webhooks/rest/webhook {\"sender\": \"...\", \"message\": \"...\"})"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"
