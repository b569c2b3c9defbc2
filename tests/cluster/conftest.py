"""The cluster (deploy/run_cluster.sh), started once for these tests: nginx, two Rasa servers, PostgreSQL, Redis,
and monitoring (Prometheus, Alertmanager) sending alerts to a receiver in the test process.

Ports are the settings, as for `make run-cluster`; never run these while `make run` is up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from clinic.settings import settings
from tests.conftest import ROOT, wait_ready

NGINX_PORT = settings().rasa_port
RASA_PORTS = list(settings().cluster_rasa_ports)
POSTGRES_PORT = settings().cluster_postgres_port
REDIS_PORT = settings().cluster_redis_port
POSTGRES_URL = f"postgresql://rasa@127.0.0.1:{POSTGRES_PORT}/rasa"


class AlertReceiver(ThreadingHTTPServer):
    """A chat webhook standing in for the clinic's: keeps every alert Alertmanager posts to it."""

    def __init__(self) -> None:
        self.alerts: list[dict] = []
        received = self.alerts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                received.extend(json.loads(self.rfile.read(int(self.headers["Content-Length"])))["alerts"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/alerts"


@dataclass(frozen=True)
class Cluster:
    nginx_url: str
    server_urls: list[str]
    database: sa.engine.Engine
    alerts: list[dict] = field(default_factory=list)  # what the alert receiver got, as it arrives

    def events(self, sender: str) -> list[dict]:
        with self.database.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            )
            return [json.loads(data) for (data,) in rows]


def new_sender() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Cluster:
    setup = subprocess.run([str(ROOT / "deploy" / "cluster_setup.sh")])
    assert setup.returncode == 0, "could not install PostgreSQL, Redis or nginx"
    receiver = AlertReceiver()
    env = {
        **os.environ,
        # Twenty patients behind one address (loopback) are a load test, not an attack: limits off, explicitly.
        "CLINIC_RATE_LIMIT_PER_ADDRESS": "off", "CLINIC_RATE_LIMIT_NEW_CONVERSATIONS_PER_ADDRESS": "off",
        # Monitoring as `CLINIC_MONITORING=1 make run-cluster` runs it, scraping every 2 s for a short test.
        "CLINIC_MONITORING": "1", "CLINIC_SCRAPE_SECONDS": "2", "CLINIC_ALERT_WEBHOOK_URL": receiver.url,
        # A fresh Prometheus and Alertmanager: an earlier run's notification log would hold back a repeated alert.
        "CLINIC_MONITORING_DIR": str(tmp_path_factory.mktemp("monitoring")),
    }  # fmt: skip
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "cluster-test-run.log", "ab")  # noqa: SIM115 (open for the whole session)
    process = subprocess.Popen(
        [str(ROOT / "deploy" / "run_cluster.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    database = sa.create_engine(POSTGRES_URL, pool_pre_ping=True)
    try:
        assert wait_ready(
            *(f"http://127.0.0.1:{port}" for port in [*RASA_PORTS, NGINX_PORT])
        ), "the cluster did not start"
        yield Cluster(
            nginx_url=f"http://127.0.0.1:{NGINX_PORT}",
            server_urls=[f"http://127.0.0.1:{port}" for port in RASA_PORTS],
            database=database,
            alerts=receiver.alerts,
        )
    finally:
        receiver.shutdown()
        database.dispose()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)
        log.close()
