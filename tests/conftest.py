"""Shared fixtures: the real servers, started once per test session the way `make run` starts them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


def answer(name: str) -> str:
    """The first words of a response in domain.yml, enough to recognise it in a reply."""
    return " ".join(DOMAIN["responses"][name][0]["text"].split()[:6])


@dataclass(frozen=True)
class Servers:
    rasa_url: str
    web_url: str


@pytest.fixture(scope="session")
def servers() -> Servers:
    rasa_port = os.environ.get("RASA_PORT", "5005")
    web_port = os.environ.get("WEB_PORT", "8080")
    env = {
        **os.environ, "RASA_PORT": rasa_port, "WEB_PORT": web_port, "RASA_TELEMETRY_ENABLED": "false",
        # as behind a reverse proxy: the address comes from X-Forwarded-For (tests/integration/test_rate_limits.py)
        "SANIC_PROXIES_COUNT": "1",
    }  # fmt: skip
    log = open(ROOT / "var" / "test-run.log", "ab")  # noqa: SIM115 (open for the whole session)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    try:
        ready = subprocess.run([sys.executable, str(ROOT / "scripts" / "wait_ready.py"), rasa_url, "--timeout", "240"])
        if ready.returncode != 0 or process.poll() is not None:
            pytest.fail("the servers did not start: see var/test-run.log and var/log/")
        yield Servers(rasa_url=rasa_url, web_url=f"http://localhost:{web_port}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
