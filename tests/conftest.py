"""Shared fixtures: the real servers, started once per test session the way `make run` starts them."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())

# The test session's servers listen on other ports than `make run`'s defaults: every test then shows
# that each part takes its port from the settings (the action server on 6055, as `ACTION_PORT=6055
# make run` asked), and a `make run` left up on this machine does not get in the way.
# The model server serves a copy of the trained model, which a test may replace to switch models
# (tests/integration/test_monitoring.py) without touching models/current.tar.gz.
TEST_MODEL = ROOT / "var" / "test-model.tar.gz"
TEST_SETTINGS = {
    "CLINIC_RASA_PORT": "5105", "CLINIC_ACTION_PORT": "6055", "CLINIC_MODEL_PORT": "5156",
    "CLINIC_WEB_PORT": "8180", "CLINIC_MODEL_FILE": str(TEST_MODEL),
    # as behind a reverse proxy: the address comes from X-Forwarded-For (tests/integration/test_rate_limits.py)
    "CLINIC_PROXIES_COUNT": "1",
}  # fmt: skip


def answer(name: str) -> str:
    """The first words of a response in domain.yml, enough to recognise it in a reply."""
    return " ".join(DOMAIN["responses"][name][0]["text"].split()[:6])


def stored_events(sender: str) -> list[str]:
    """The type of every stored event of one conversation in the test servers' store (SQLite), oldest first."""
    with sqlite3.connect(ROOT / "var" / "conversations.db") as db:
        rows = db.execute("SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))
        return [kind for (kind,) in rows]


def wait_ready(*urls: str, timeout: int = 240) -> bool:
    """True once every Rasa server answers a conversation that runs a custom action (deploy/wait_ready.py)."""
    command = [sys.executable, "-m", "deploy.wait_ready", *urls, "--timeout", str(timeout)]
    return subprocess.run(command, cwd=ROOT).returncode == 0


@dataclass(frozen=True)
class Servers:
    rasa_url: str
    web_url: str
    action_port: int


@pytest.fixture(scope="session")
def servers() -> Servers:
    env = {**os.environ, **TEST_SETTINGS}
    (ROOT / "var").mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "models" / "current.tar.gz", TEST_MODEL)
    log = open(ROOT / "var" / "test-run.log", "ab")  # noqa: SIM115 (open for the whole session)
    started_at = log.tell()
    process = subprocess.Popen(
        [str(ROOT / "deploy" / "run.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    rasa_url = f"http://127.0.0.1:{TEST_SETTINGS['CLINIC_RASA_PORT']}"
    try:
        if not wait_ready(rasa_url) or process.poll() is not None:
            pytest.fail("the servers did not start: see var/test-run.log and var/log/")
        # run.sh's own start-up probe has finished too (it prints "Ready."): no probe message lands in a test's counts.
        deadline = time.monotonic() + 60
        while (
            b"Ready." not in (ROOT / "var" / "test-run.log").read_bytes()[started_at:] and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        yield Servers(
            rasa_url=rasa_url,
            web_url=f"http://localhost:{TEST_SETTINGS['CLINIC_WEB_PORT']}",
            action_port=int(TEST_SETTINGS["CLINIC_ACTION_PORT"]),
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
