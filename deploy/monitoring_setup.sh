#!/usr/bin/env bash
# Installs what monitoring needs from Debian's packages, when missing: Prometheus (with promtool) and
# Alertmanager. The packages may start their own servers on the standard ports; ours run with their
# configuration and data under var/monitoring/ (deploy/monitor.sh), so those are stopped here.
set -euo pipefail
missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" != 0 ] && sudo=sudo
echo "Installing ${missing[*]} from Debian's packages..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for service in prometheus prometheus-alertmanager prometheus-node-exporter; do
  $sudo service "$service" stop >/dev/null 2>&1 || true
done
