# Sourced by run.sh and run_cluster.sh. `supervise NAME LOG command...` runs a server in the background
# and starts it again whenever it stops (a crash, the out-of-memory killer), logging each restart.
#
# A server that keeps stopping soon after it starts (a broken model, a port in use) is not restarted for
# ever: each quick failure doubles the wait before the next start (1, 2, 4, 8 s), and after
# `supervise_max_quick_failures` of them in a row it is given up. Then the whole run stops, naming the
# server and its log, so `make run` ends with an error instead of looping. A server that ran longer
# than `supervise_quick_seconds` before it stopped starts again after 1 s.
#
# Every background process id goes in `pids`; Ctrl-C, TERM or the script's end stops them all, then
# runs the caller's `after_stop` function if it has one.
: "${supervise_quick_seconds:=30}" "${supervise_max_quick_failures:=5}"
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
  local name=$1 log=$2
  shift 2
  (
    child=""
    trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM
    quick_failures=0
    while true; do
      started=$SECONDS
      "$@" >>"$log" 2>&1 &
      child=$!
      status=0
      wait "$child" || status=$?
      if ((SECONDS - started < supervise_quick_seconds)); then
        quick_failures=$((quick_failures + 1))
      else
        quick_failures=1
      fi
      if ((quick_failures >= supervise_max_quick_failures)); then
        echo "$(date -u +%FT%TZ) $name stopped $quick_failures times in a row within ${supervise_quick_seconds} s" \
          "of starting (last exit status $status); giving up: see $log" | tee -a "$log" >&2
        exit 1
      fi
      delay=$((1 << (quick_failures - 1)))
      echo "$(date -u +%FT%TZ) $name stopped (exit status $status); starting it again in $delay s" >>"$log"
      sleep "$delay" &
      child=$!
      wait "$child" || true
    done
  ) &
  pids+=($!)
}

# `wait_until_ready URL...`: until each Rasa server answers a conversation with a custom action
# (deploy/wait_ready.py). Returns 1 at once if a server is given up on or anything else stops meanwhile.
wait_until_ready() {
  .venv/bin/python -m deploy.wait_ready "$@" --timeout 240 &
  local waiter=$! finished="" status=0
  wait -n -p finished "$waiter" "${pids[@]}" || status=$?
  if [ "$finished" != "$waiter" ]; then
    kill "$waiter" 2>/dev/null || true
    echo "A server stopped while starting: see the logs." >&2
    return 1
  fi
  return "$status"
}
