"""The cluster (scripts/run_cluster.sh), started once for these tests: nginx, two Rasa servers, PostgreSQL, Redis.

Ports come from the environment, as for `make run-cluster`; never run these while `make run` is up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT

NGINX_PORT = int(os.environ.get("RASA_PORT", "5005"))
RASA_PORTS = [int(p) for p in os.environ.get("RASA_SERVER_PORTS", "5006 5007").split()]
POSTGRES_PORT = int(os.environ.get("POSTGRES_PORT", "5433"))
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6380"))


@dataclass(frozen=True)
class Cluster:
    nginx_url: str
    server_urls: list[str]
    database: sa.engine.Engine

    def events(self, sender: str) -> list[dict]:
        with self.database.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            )
            return [json.loads(data) for (data,) in rows]


def new_sender() -> str:
    return uuid.uuid4().hex


def wait_ready(url: str, timeout: int = 240) -> None:
    ready = subprocess.run([sys.executable, str(ROOT / "scripts" / "wait_ready.py"), url, "--timeout", str(timeout)])
    assert ready.returncode == 0, f"{url} did not answer"


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    setup = subprocess.run([str(ROOT / "scripts" / "cluster_setup.sh")])
    assert setup.returncode == 0, "could not install PostgreSQL, Redis or nginx"
    env = {
        **os.environ, "RASA_TELEMETRY_ENABLED": "false", "RASA_PORT": str(NGINX_PORT),
        "RASA_SERVER_PORTS": " ".join(map(str, RASA_PORTS)), "POSTGRES_PORT": str(POSTGRES_PORT),
        "REDIS_PORT": str(REDIS_PORT),
        # Twenty patients behind one address (loopback) are a load test, not an attack.
        "CLINIC_RATE_LIMIT_PER_ADDRESS": "off",
    }  # fmt: skip
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "cluster-test-run.log", "ab")  # noqa: SIM115 (open for the whole session)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run_cluster.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    database = sa.create_engine(f"postgresql://rasa@127.0.0.1:{POSTGRES_PORT}/rasa", pool_pre_ping=True)
    try:
        for port in [*RASA_PORTS, NGINX_PORT]:
            wait_ready(f"http://127.0.0.1:{port}")
        yield Cluster(
            nginx_url=f"http://127.0.0.1:{NGINX_PORT}",
            server_urls=[f"http://127.0.0.1:{port}" for port in RASA_PORTS],
            database=database,
        )
    finally:
        database.dispose()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)
        log.close()
