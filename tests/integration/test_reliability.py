"""Nothing lost: the Rasa server killed mid-form, the action server hanging.

These tests hurt the shared servers on purpose, and leave them working:
deploy/run.sh starts a killed server again, and a stopped one is resumed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from urllib.parse import urlparse

from clinic.content import load_clinic
from tests.conftest import answer, wait_ready
from tests.integration.conftest import say as say_to_webhook


def pid_of(pattern: str) -> int:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
    assert len(found) == 1, f"expected one process matching {pattern!r}, found {found}"
    return int(found[0])


def say(base_url: str, sender: str, text: str, timeout: float = 30) -> str:
    reply = say_to_webhook(base_url, sender, text, timeout=timeout)
    assert reply.status == 200, reply
    return reply.text


def test_killed_mid_form_the_patient_carries_on_where_they_were(servers) -> None:
    port = urlparse(servers.rasa_url).port
    patient = uuid.uuid4().hex
    assert answer("utter_ask_flare_warning_signs") in say(servers.rasa_url, patient, "my arm hurts since the treatment")
    assert answer("utter_ask_flare_hours") in say(servers.rasa_url, patient, "/deny")

    os.kill(pid_of(f"rasa_addons run --endpoints.*--port {port}"), signal.SIGKILL)
    killed = time.monotonic()
    assert wait_ready(servers.rasa_url, timeout=180)
    print(f"answering again {time.monotonic() - killed:.1f} s after kill -9")

    assert answer("utter_ask_flare_severity") in say(servers.rasa_url, patient, "yesterday")
    assert answer("utter_flare_reassure") in say(servers.rasa_url, patient, '/inform{"pain_level": "mild"}')


def test_a_hanging_action_server_gets_the_patient_a_way_to_the_clinic_within_10_seconds(servers) -> None:
    action_server = pid_of(f"actions.server --actions actions --port {servers.action_port}")
    os.kill(action_server, signal.SIGSTOP)  # accepts connections, never answers: the worst kind of slow
    try:
        started = time.monotonic()
        said = say(servers.rasa_url, uuid.uuid4().hex, "my knee is really sore since my session", timeout=30)
        waited = time.monotonic() - started
        # Readiness runs a custom action, so a stuck action server is not reported ready.
        stuck_reported_ready = wait_ready(servers.rasa_url, timeout=1)
    finally:
        os.kill(action_server, signal.SIGCONT)
    print(f"reply after {waited:.1f} s with the action server stopped")
    assert not stuck_reported_ready
    assert waited < 10
    assert load_clinic().phone in said
    assert "can't do that right now" in said

    # Back to normal once the action server answers again.
    assert wait_ready(servers.rasa_url, timeout=30)
    assert answer("utter_ask_flare_warning_signs") in say(
        servers.rasa_url, uuid.uuid4().hex, "my arm hurts since the treatment"
    )
