#!/usr/bin/env bash
# Installs what `make run-cluster` needs from Debian's packages, when missing: PostgreSQL, Redis, nginx.
# The packages may start their own servers on the standard ports; the cluster uses its own ports
# and data under var/cluster/, and those servers are stopped here so they hold nothing.
set -euo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" != 0 ] && sudo=sudo
echo "Installing ${missing[*]} from Debian's packages..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for service in nginx redis-server postgresql; do
  $sudo service "$service" stop >/dev/null 2>&1 || true
done
