"""make backup while patients chat, make restore into a fresh store: a conversation mid-form carries on there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from tests.conftest import ROOT, TEST_SETTINGS, answer, wait_ready
from tests.integration.conftest import Patient, say

# A second assistant on its own ports, on the restored store.
RESTORED_SETTINGS = {
    "CLINIC_RASA_PORT": "5205", "CLINIC_ACTION_PORT": "6155", "CLINIC_MODEL_PORT": "5256", "CLINIC_WEB_PORT": "8280",
}  # fmt: skip


def chatting(url: str, stop: threading.Event, answered: list[bool]) -> None:
    """A patient sending a message every half second (within the per-conversation rate limit)."""
    patient = Patient(url)
    while not stop.wait(0.5):
        answered.append(say(url, patient.sender, "does it hurt?").status == 200)


def test_a_conversation_mid_form_backed_up_while_patients_chat_continues_from_a_fresh_store(servers, tmp_path) -> None:
    patient = Patient(servers.rasa_url)
    patient.say("my elbow has been aching since my session")
    assert answer("utter_ask_flare_hours") in patient.text("no")  # the form waits for "how many hours ago"
    stop, answered = threading.Event(), []
    chatters = [threading.Thread(target=chatting, args=(servers.rasa_url, stop, answered)) for _ in range(4)]
    for chatter in chatters:
        chatter.start()
    try:
        time.sleep(2)
        env = {**os.environ, **TEST_SETTINGS, "CLINIC_BACKUP_DIR": str(tmp_path / "backups")}
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "tools.backup"], cwd=ROOT, env=env, check=True)
        print(f"backup while {len(chatters)} patients chat: {time.monotonic() - started:.1f} s")
    finally:
        stop.set()
        for chatter in chatters:
            chatter.join()
    assert answered and all(answered)  # nobody was held up by the backup
    [made] = (tmp_path / "backups").iterdir()

    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "tools.backup", "--restore", str(made), "--to", fresh], cwd=ROOT, check=True)
    print(f"restore into a fresh store: {time.monotonic() - started:.1f} s")
    env = {**os.environ, **TEST_SETTINGS, **RESTORED_SETTINGS, "CLINIC_TRACKER_STORE_URL": fresh}
    restored = subprocess.Popen([str(ROOT / "deploy" / "run.sh")], cwd=ROOT, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{RESTORED_SETTINGS['CLINIC_RASA_PORT']}"
        assert wait_ready(url)
        patient.base_url = url
        # Where it was: the form asks the next question, not the first one again.
        assert answer("utter_ask_flare_severity") in patient.text("yesterday")
    finally:
        os.killpg(restored.pid, signal.SIGTERM)
        restored.wait(timeout=60)
