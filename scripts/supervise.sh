# Sourced by run.sh and run_cluster.sh. `supervise LOG command...` runs a server in the background
# and starts it again whenever it stops (a crash, the out-of-memory killer), logging each restart.
# Its process id (the supervisor's) is added to the caller's `pids` array; killing it stops both.
supervise() {
  local log=$1
  shift
  (
    child=""
    trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM
    while true; do
      "$@" >>"$log" 2>&1 &
      child=$!
      wait "$child" || true
      echo "$(date -u +%FT%TZ) stopped; starting it again" >>"$log"
      sleep 1
    done
  ) &
  pids+=($!)
}
