"""deploy/supervise.sh: a server that dies is started again; one that keeps failing at start is given up on."""

from __future__ import annotations

import subprocess
import time

from clinic.settings import PROJECT_ROOT


def supervise(command: str, quick_seconds: int, max_quick_failures: int, watch_seconds: int | None = None):
    """Run `command` under supervise.sh until the supervisor ends (or for `watch_seconds`, then stop it).

    Returns (exit status, the server's log, seconds taken)."""
    until = 'wait -n "${pids[@]}"; status=$?' if watch_seconds is None else f"sleep {watch_seconds}; status=0"
    script = f"""
        supervise_quick_seconds={quick_seconds} supervise_max_quick_failures={max_quick_failures}
        source deploy/supervise.sh
        log=$(mktemp)
        supervise "the test server" "$log" bash -c '{command}'
        {until}
        cat "$log" >&2
        exit $status
    """
    started = time.monotonic()
    done = subprocess.run(["bash", "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stderr, time.monotonic() - started


def test_a_server_failing_at_every_start_is_given_up_after_backing_off() -> None:
    status, log, seconds = supervise("exit 3", quick_seconds=30, max_quick_failures=3)
    assert status == 1
    assert log.count("starting it again") == 2
    assert "starting it again in 1 s" in log and "starting it again in 2 s" in log  # the wait doubles
    assert "the test server stopped 3 times in a row within 30 s of starting (last exit status 3); giving up" in log
    assert 3 <= seconds < 10


def test_a_server_that_ran_for_a_while_is_started_again_at_once_every_time() -> None:
    # Each run lasts longer than a quick failure: it is restarted after 1 s each time and never given up.
    status, log, _ = supervise("sleep 1.5; exit 1", quick_seconds=1, max_quick_failures=2, watch_seconds=9)
    assert status == 0
    assert log.count("starting it again in 1 s") >= 3
    assert "giving up" not in log
