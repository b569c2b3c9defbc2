#!/usr/bin/env bash
# Installs what `make run-cluster` needs from Debian's packages, when missing: PostgreSQL, Redis, nginx.
# The packages may start their own servers on the standard ports; the cluster uses its own ports
# and data under var/cluster/, and those servers are stopped here so they hold nothing.
set -euo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
# shellcheck source=deploy/debian_packages.sh
source "$(dirname "$0")/debian_packages.sh"
install_packages "nginx redis-server postgresql" "${missing[@]}"
