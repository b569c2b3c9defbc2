# Sourced by run.sh and run_cluster.sh, after supervise.sh, when CLINIC_MONITORING is on.
# `start_monitoring "RASA_HOST:PORT..." "ACTION_HOST:PORT..."` writes Prometheus's and Alertmanager's
# configuration for those servers (deploy/monitoring_config.py) and starts both, supervised, on this
# machine only; their data stays in CLINIC_MONITORING_DIR (var/monitoring/). docs/OPERATIONS.md says what they show.
start_monitoring() {
  local rasa_targets=$1 action_targets=$2 dir=$CLINIC_MONITORING_DIR
  mkdir -p "$dir/prometheus" "$dir/alertmanager" var/log
  # shellcheck disable=SC2086 # one target per word
  .venv/bin/python -m deploy.monitoring_config --rasa $rasa_targets --actions $action_targets --out "$dir"
  supervise "Prometheus" var/log/prometheus.log prometheus --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/prometheus" --storage.tsdb.retention.time=60d \
    --web.listen-address="127.0.0.1:$CLINIC_PROMETHEUS_PORT"
  # One Alertmanager, not a high-availability pair: no cluster port.
  supervise "Alertmanager" var/log/alertmanager.log prometheus-alertmanager \
    --config.file="$dir/alertmanager.yml" --storage.path="$dir/alertmanager" \
    --web.listen-address="127.0.0.1:$CLINIC_ALERTMANAGER_PORT" --cluster.listen-address=
  echo "Monitoring: Prometheus on http://127.0.0.1:$CLINIC_PROMETHEUS_PORT, Alertmanager on http://127.0.0.1:$CLINIC_ALERTMANAGER_PORT"
}
