"""Monitoring in the cluster: each server counts its own, nginx keeps /metrics in, a killed server raises an alert."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

from clinic.settings import settings
from tests.cluster.conftest import RASA_PORTS, Cluster, new_sender
from tests.conftest import wait_ready
from tests.integration.conftest import say, status_of


def test_nginx_does_not_pass_metrics_on_but_each_server_serves_its_own(cluster: Cluster) -> None:
    assert status_of(f"{cluster.nginx_url}/metrics") == 404
    assert status_of(f"{cluster.nginx_url}/metrics/") == 404
    for url in cluster.server_urls:
        assert status_of(f"{url}/metrics") == 200
        assert status_of(f"{url}/health/ready") == 200


def test_prometheus_scrapes_every_server_with_a_label_naming_it(cluster: Cluster) -> None:
    query = f"http://127.0.0.1:{settings().prometheus_port}/api/v1/query?query=up"
    deadline = time.monotonic() + 60
    servers: set[str] = set()
    while time.monotonic() < deadline and len(servers) < 4:
        try:
            with urllib.request.urlopen(query, timeout=5) as response:
                result = json.load(response)["data"]["result"]
            servers = {r["metric"]["server"] for r in result if r["value"][1] == "1"}
        except OSError:
            pass
        time.sleep(1)
    assert servers == {f"rasa-{p}" for p in RASA_PORTS} | {f"actions-{p}" for p in settings().cluster_action_ports}


def test_a_killed_rasa_server_reaches_the_alert_receiver_as_server_down(cluster: Cluster) -> None:
    pattern = f"rasa_addons run --endpoints deploy/cluster/endpoints.yml.*--port {RASA_PORTS[0]}"
    [server] = map(int, subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split())
    supervisor = int(subprocess.run(["ps", "-o", "ppid=", "-p", str(server)], capture_output=True, text=True).stdout)
    # Hold the supervisor, so the server stays down long enough to be reported, then kill the server.
    os.kill(supervisor, signal.SIGSTOP)
    try:
        os.kill(server, signal.SIGKILL)
        killed = time.monotonic()
        # Patients still get answers from the other server meanwhile.
        assert say(cluster.nginx_url, new_sender(), "does it hurt?").status == 200
        down: list[dict] = []
        while not down and time.monotonic() - killed < 120:
            down = [
                a for a in cluster.alerts
                if a["labels"]["alertname"] == "ServerDown" and a["labels"]["server"] == f"rasa-{RASA_PORTS[0]}"
                and a["status"] == "firing"
            ]  # fmt: skip
            time.sleep(1)
        print(f"ServerDown reached the receiver {time.monotonic() - killed:.0f} s after kill -9")
    finally:
        os.kill(supervisor, signal.SIGCONT)  # it starts the server again
    assert down, cluster.alerts
    assert down[0]["labels"]["severity"] == "critical"
    assert wait_ready(cluster.server_urls[0])


def test_a_server_whose_action_server_is_stopped_gets_no_patients_from_nginx(cluster: Cluster) -> None:
    action_port = settings().cluster_action_ports[0]
    pattern = f"actions.server --actions actions --port {action_port}"
    [action_server] = map(int, subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split())
    os.kill(action_server, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + 30
        while status_of(f"{cluster.server_urls[0]}/health/ready") != 503 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)  # one more background check, which the webhook reads
        assert say(cluster.server_urls[0], new_sender(), "does it hurt?").status == 503
        # Through nginx every message still gets an answer, from the other server.
        replies = [say(cluster.nginx_url, new_sender(), "does it hurt?") for _ in range(6)]
        assert [r.status for r in replies] == [200] * 6
    finally:
        os.kill(action_server, signal.SIGCONT)
    deadline = time.monotonic() + 30
    while say(cluster.server_urls[0], new_sender(), "hello").status != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert say(cluster.server_urls[0], new_sender(), "hello").status == 200
