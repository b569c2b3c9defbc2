"""The action server deploys on its own: a tree with only actions/, clinic/ and content/ starts, answers and counts."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from clinic.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_action_server_starts_from_a_tree_without_the_rasa_side(tmp_path) -> None:
    for part in ("actions", "clinic", "content"):
        shutil.copytree(PROJECT_ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions", "clinic", "content"]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_") and k != "PYTHONPATH"}
    server = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--actions", "actions", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        request = {
            "next_action": "action_progress_check",
            "sender_id": "standalone",
            "tracker": {
                "sender_id": "standalone", "slots": {}, "events": [], "paused": False, "followup_action": None,
                "active_loop": {}, "latest_action_name": "action_listen",
                "latest_message": {"text": "I've had 2 treatments and no change", "intent": {"name": "progress_report"},
                                   "entities": [{"entity": "CARDINAL", "value": "2"}]},
            },
            "domain": {"responses": {}},
            "version": "3.6.2",
        }  # fmt: skip
        reply = None
        deadline = time.monotonic() + 60
        while reply is None and time.monotonic() < deadline and server.poll() is None:
            try:
                post = urllib.request.Request(
                    f"http://127.0.0.1:{port}/webhook", data=json.dumps(request).encode(),
                    headers={"Content-Type": "application/json"},
                )  # fmt: skip
                with urllib.request.urlopen(post, timeout=5) as response:
                    reply = json.load(response)
            except OSError:
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            exposed = response.read().decode()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert reply is not None, output
    assert [r["response"] for r in reply["responses"]] == ["utter_progress_early"]
    assert "rasa_addons" not in output
    assert 'clinic_actions_total{action="action_progress_check",result="ok"} 1.0' in exposed
