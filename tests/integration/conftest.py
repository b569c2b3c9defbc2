"""Starts the action server and the Rasa server once for the whole session, as `make run` does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
ACTION_PORT = int(os.environ.get("ACTION_PORT", "5055"))
BASE_URL = f"http://127.0.0.1:{RASA_PORT}"


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    log_dir = ROOT / "var" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1"}
    bin_dir = Path(sys.executable).parent
    with open(log_dir / "test-actions.log", "ab") as actions_log, open(log_dir / "test-rasa.log", "ab") as rasa_log:
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(ACTION_PORT), "--quiet"],
                cwd=ROOT, env=env, stdout=actions_log, stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                [str(bin_dir / "rasa"), "run", "--model", "models/current.tar.gz", "--endpoints", "endpoints.yml",
                 "--credentials", "credentials.yml", "--interface", "127.0.0.1", "--port", str(RASA_PORT)],
                cwd=ROOT, env=env, stdout=rasa_log, stderr=subprocess.STDOUT,
            ),
        ]  # fmt: skip
        try:
            ready = subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "wait_ready.py"), BASE_URL, "--timeout", "240"]
            )
            if ready.returncode != 0:
                pytest.fail(f"the servers did not answer; see {log_dir}/test-*.log")
            yield BASE_URL
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)


class Patient:
    """One conversation through the REST webhook, as the website sends it."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.sender = uuid.uuid4().hex

    def say(self, message: str) -> list[dict]:
        body = json.dumps({"sender": self.sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def text(self, message: str) -> str:
        return " ".join(m.get("text", "") for m in self.say(message))


@pytest.fixture()
def patient(servers) -> Patient:
    return Patient(servers)
