"""make backup and make restore on the cluster's PostgreSQL (pg_dump, pg_restore), and make purge reaching the dump."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.cluster.conftest import POSTGRES_URL, Cluster, new_sender
from tests.conftest import ROOT, answer
from tests.integration.conftest import Patient, say
from tools.purge import purge_backup, purge_conversation


def admin(statement: str) -> None:
    engine = sa.create_engine(make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


@pytest.fixture()
def fresh_database() -> Iterator[Callable[[], str]]:
    """Makes empty databases on the cluster's PostgreSQL (a fresh store), dropped after the test."""
    names: list[str] = []

    def make() -> str:
        names.append(f"restored_{uuid.uuid4().hex[:10]}")
        admin(f'CREATE DATABASE "{names[-1]}"')
        return make_url(POSTGRES_URL).set(database=names[-1]).render_as_string(hide_password=False)

    yield make
    for name in names:
        admin(f'DROP DATABASE IF EXISTS "{name}"')


def events_of(url: str, sender: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            query = sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id")
            return [data for (data,) in connection.execute(query, {"s": sender})]
    finally:
        engine.dispose()


def test_a_dump_taken_while_patients_chat_restores_a_conversation_mid_form_and_purge_reaches_it(
    cluster: Cluster, tmp_path, fresh_database: Callable[[], str]
) -> None:
    patient = Patient(cluster.nginx_url)
    patient.say("my elbow has been aching since my session")
    assert answer("utter_ask_flare_hours") in patient.text("no")
    other = new_sender()
    say(cluster.nginx_url, other, "does it hurt?")
    stop, answered = threading.Event(), []

    def chat() -> None:
        sender = new_sender()
        while not stop.wait(0.5):  # within the per-conversation rate limit
            answered.append(say(cluster.nginx_url, sender, "how many sessions will I need?").status == 200)

    chatters = [threading.Thread(target=chat) for _ in range(4)]
    for chatter in chatters:
        chatter.start()
    time.sleep(2)
    env = {**os.environ, "CLINIC_TRACKER_STORE_URL": POSTGRES_URL, "CLINIC_BACKUP_DIR": str(tmp_path)}
    try:
        subprocess.run([sys.executable, "-m", "tools.backup"], cwd=ROOT, env=env, check=True)
    finally:
        stop.set()
        for chatter in chatters:
            chatter.join()
    assert answered and all(answered)
    [dump] = tmp_path.glob("conversations-*.pgdump")

    restored = fresh_database()
    subprocess.run([sys.executable, "-m", "tools.backup", "--restore", str(dump), "--to", restored], cwd=ROOT,
                   env=env, check=True)  # fmt: skip
    stored = events_of(POSTGRES_URL, patient.sender)
    assert events_of(restored, patient.sender) == stored and any('"flare_form"' in e for e in stored)

    assert purge_backup(dump, lambda engine: purge_conversation(engine, patient.sender), POSTGRES_URL)[0] == 1
    purged = fresh_database()
    subprocess.run([sys.executable, "-m", "tools.backup", "--restore", str(dump), "--to", purged], cwd=ROOT,
                   env=env, check=True)  # fmt: skip
    assert events_of(purged, patient.sender) == []
    assert events_of(purged, other) == events_of(POSTGRES_URL, other) != []
