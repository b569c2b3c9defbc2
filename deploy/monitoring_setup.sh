#!/usr/bin/env bash
# Installs what monitoring needs from Debian's packages, when missing: Prometheus (with promtool) and
# Alertmanager. The packages may start their own servers on the standard ports; ours run with their
# configuration and data under var/monitoring/ (deploy/monitor.sh), so those are stopped here.
set -euo pipefail
missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
# shellcheck source=deploy/debian_packages.sh
source "$(dirname "$0")/debian_packages.sh"
install_packages "prometheus prometheus-alertmanager prometheus-node-exporter" "${missing[@]}"
