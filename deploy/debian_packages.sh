# Sourced by cluster_setup.sh and monitoring_setup.sh. `install_packages "SERVICES" PACKAGE...` installs the
# Debian packages given (none given: nothing to do), then stops the services they may have started
# (SERVICES, separated by spaces): ours run on their own ports, with their data under var/.
install_packages() {
  local services=$1
  shift
  [ $# -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" != 0 ] && sudo=sudo
  echo "Installing $* from Debian's packages..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  for service in $services; do
    $sudo service "$service" stop >/dev/null 2>&1 || true
  done
}
