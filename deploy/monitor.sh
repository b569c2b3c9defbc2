# Sourced by run.sh and run_cluster.sh, after supervise.sh, when CLINIC_MONITORING is on.
# `start_monitoring "RASA_HOST:PORT..." "ACTION_HOST:PORT..."` writes Prometheus's and Alertmanager's
# configuration for those servers (deploy/monitoring_config.py) and starts both, supervised, on this
# machine only; their data stays in var/monitoring/. docs/OPERATIONS.md says what they show.
start_monitoring() {
  local rasa_targets=$1 action_targets=$2
  mkdir -p var/monitoring/prometheus var/monitoring/alertmanager var/log
  # shellcheck disable=SC2086 # one target per word
  .venv/bin/python -m deploy.monitoring_config --rasa $rasa_targets --actions $action_targets
  supervise "Prometheus" var/log/prometheus.log prometheus --config.file=var/monitoring/prometheus.yml \
    --storage.tsdb.path=var/monitoring/prometheus --storage.tsdb.retention.time=60d \
    --web.listen-address="127.0.0.1:$CLINIC_PROMETHEUS_PORT"
  # One Alertmanager, not a high-availability pair: no cluster port.
  supervise "Alertmanager" var/log/alertmanager.log prometheus-alertmanager \
    --config.file=var/monitoring/alertmanager.yml --storage.path=var/monitoring/alertmanager \
    --web.listen-address="127.0.0.1:$CLINIC_ALERTMANAGER_PORT" --cluster.listen-address=
  echo "Monitoring: Prometheus on http://127.0.0.1:$CLINIC_PROMETHEUS_PORT, Alertmanager on http://127.0.0.1:$CLINIC_ALERTMANAGER_PORT"
}
