"""Several Rasa servers, one conversation store: what patients see when messages go to either server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from tests.cluster.conftest import POSTGRES_PORT, POSTGRES_URL, RASA_PORTS, REDIS_PORT, Cluster, new_sender
from tests.conftest import ROOT, answer, wait_ready
from tests.integration.conftest import say

FLARE_UP = [
    ("my elbow has been aching since the session", "utter_ask_flare_warning_signs"),
    ("/deny", "utter_ask_flare_hours"),
    ("yesterday", "utter_ask_flare_severity"),
    ('/inform{"pain_level": "mild"}', "utter_flare_reassure"),
]


def user_and_bot_turns(cluster: Cluster, sender: str) -> list[str]:
    """The conversation as stored: 'user: text' and 'bot' per event, in order."""
    turns = []
    for event in cluster.events(sender):
        if event["event"] == "user":
            turns.append(f"user: {event['text']}")
        elif event["event"] == "bot":
            turns.append("bot")
    return turns


def test_a_flare_up_form_alternating_between_servers_completes(cluster: Cluster) -> None:
    sender = new_sender()
    for turn, (text, response) in enumerate(FLARE_UP):
        server = cluster.server_urls[turn % 2]
        assert answer(response) in say(server, sender, text).text, (server, text)


def test_two_messages_sent_at_the_same_moment_to_two_servers_are_answered_in_order(cluster: Cluster) -> None:
    for _ in range(10):
        sender = new_sender()
        start = threading.Barrier(2)

        def send(server: str, text: str, sender: str = sender, start: threading.Barrier = start) -> int:
            start.wait()
            return say(server, sender, text).status

        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(send, cluster.server_urls, ["does it hurt?", "how many treatments will i need"]))
        assert statuses == [200, 200]
        turns = user_and_bot_turns(cluster, sender)
        users = [i for i, turn in enumerate(turns) if turn.startswith("user")]
        assert len(users) == 2, turns  # none lost
        # Each message was fully answered before the other was handled: user, bot..., user, bot...
        assert turns[users[0] + 1] == "bot" and users[1] > users[0] + 1 and turns[-1] == "bot", turns


def patient(cluster: Cluster, stop: threading.Event, results: list) -> None:
    """Chats through nginx until told to stop; records (ok, detail) for every message."""
    while not stop.is_set():
        sender = new_sender()
        for text, response in [("hello", "utter_greet"), *FLARE_UP, ("does it hurt?", "utter_faq/does_it_hurt")]:
            said = say(cluster.nginx_url, sender, text).text
            results.append((answer(response) in said, sender, text, said[:80]))
            if stop.is_set():
                break


def test_killing_one_server_while_20_patients_chat_loses_no_conversation(cluster: Cluster) -> None:
    stop, results = threading.Event(), []
    threads = [threading.Thread(target=patient, args=(cluster, stop, results)) for _ in range(20)]
    for thread in threads:
        thread.start()
    time.sleep(8)
    victim = subprocess.run(
        ["pgrep", "-f", f"rasa_addons run --endpoints deploy/cluster/endpoints.yml.*--port {RASA_PORTS[0]}"],
        capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert len(victim) == 1
    os.kill(int(victim[0]), signal.SIGKILL)
    time.sleep(12)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    failed = [r for r in results if not r[0]]
    print(f"{len(results)} messages, {len(failed)} failed ({100 * len(failed) / len(results):.2f}%) around kill -9")
    assert len(results) > 200
    assert len(failed) / len(results) < 0.01, failed[:5]
    # Every conversation kept its history: each message answered was stored, in order.
    for _, sender, _, _ in results[:: max(1, len(results) // 40)]:
        answered = [r[2] for r in results if r[1] == sender and r[0]]
        stored = [t.removeprefix("user: ") for t in user_and_bot_turns(cluster, sender) if t.startswith("user")]
        assert [t for t in stored if t in answered] == answered, (stored, answered)
    assert wait_ready(cluster.server_urls[0])  # started again by run_cluster.sh


def restart(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)


def test_postgresql_restarted_while_idle_the_next_message_is_answered(cluster: Cluster) -> None:
    sender = new_sender()
    assert say(cluster.nginx_url, sender, "hello").status == 200
    pg_bin = sorted((p for p in os.listdir("/usr/lib/postgresql")), key=lambda v: int(v))[-1]
    pg_ctl = f"/usr/lib/postgresql/{pg_bin}/bin/pg_ctl"
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    restart([*as_postgres, pg_ctl, "-D", str(ROOT / "var" / "cluster" / "pg"), "-m", "fast", "-w", "restart",
             "-o", f"-p {POSTGRES_PORT} -c listen_addresses=127.0.0.1 -k /tmp",
             "-l", str(ROOT / "var" / "cluster" / "log" / "postgres.log")])  # fmt: skip
    for server in cluster.server_urls:  # both servers' pooled connections are dead now
        reply = say(server, sender, "does it hurt?")
        assert reply.status == 200 and answer("utter_faq/does_it_hurt") in reply.text


def test_redis_restarted_while_idle_the_next_message_is_answered(cluster: Cluster) -> None:
    sender = new_sender()
    assert say(cluster.nginx_url, sender, "hello").status == 200
    redis = subprocess.run(["pgrep", "-f", f"redis-server 127.0.0.1:{REDIS_PORT}"], capture_output=True, text=True)
    os.kill(int(redis.stdout.split()[0]), signal.SIGKILL)  # run_cluster.sh starts it again within a second
    time.sleep(2)
    for server in cluster.server_urls:
        reply = say(server, sender, "does it hurt?")
        assert reply.status == 200 and answer("utter_faq/does_it_hurt") in reply.text


def test_make_report_counts_the_conversations_held_in_postgresql(cluster: Cluster, tmp_path) -> None:
    """Under make run-cluster the conversations are in PostgreSQL, and the report reads them there."""
    marker = uuid.uuid4().hex[:8]
    sender = new_sender()
    assert say(cluster.nginx_url, sender, f"i have blisters after the session {marker}").status == 200
    today = date.today().isoformat()
    env = {**os.environ, "CLINIC_TRACKER_STORE_URL": POSTGRES_URL}  # as run_cluster.sh tells the operator
    subprocess.run(
        [sys.executable, "-m", "tools.report", "--from", today, "--to", today, "--out", str(tmp_path)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    summary = (tmp_path / f"report-{today}-{today}.md").read_text()
    assert f"`{POSTGRES_URL}`" in summary
    escalations = summary.split("## Questions the assistant")[0]
    assert f"blisters after the session {marker}" in escalations
    assert f"| {sender[:8]} | urgent |" in escalations
