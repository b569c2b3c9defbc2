# Sourced by run.sh and run_cluster.sh. `supervise LOG command...` runs a server in the background
# and starts it again whenever it stops (a crash, the out-of-memory killer), logging each restart.
# Every background process id goes in `pids`; Ctrl-C, TERM or the script's end stops them all,
# then runs the caller's `after_stop` function if it has one.
pids=()
stop() {
  trap - INT TERM EXIT
  echo "Stopping..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  if declare -F after_stop >/dev/null; then after_stop; fi
}
trap stop INT TERM EXIT

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
