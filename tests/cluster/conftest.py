"""The cluster (deploy/run_cluster.sh), started once for these tests: nginx, two Rasa servers, PostgreSQL, Redis.

Ports are the settings, as for `make run-cluster`; never run these while `make run` is up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from clinic.settings import settings
from tests.conftest import ROOT, wait_ready

NGINX_PORT = settings().rasa_port
RASA_PORTS = list(settings().cluster_rasa_ports)
POSTGRES_PORT = settings().cluster_postgres_port
REDIS_PORT = settings().cluster_redis_port
POSTGRES_URL = f"postgresql://rasa@127.0.0.1:{POSTGRES_PORT}/rasa"


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


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    setup = subprocess.run([str(ROOT / "deploy" / "cluster_setup.sh")])
    assert setup.returncode == 0, "could not install PostgreSQL, Redis or nginx"
    env = {
        **os.environ,
        # Twenty patients behind one address (loopback) are a load test, not an attack.
        "CLINIC_RATE_LIMIT_PER_ADDRESS": "off",
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
        )
    finally:
        database.dispose()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=120)
        log.close()
