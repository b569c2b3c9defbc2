"""Deletes stored conversations: those idle for more than N days, or one conversation on request.

    make purge DAYS=30                    # conversations with no message for 30 days
    make purge CONVERSATION=<id>          # one patient's conversation (the id the chat shows under "Start over")

Works on the tracker store configured in endpoints.yml (SQLite by default,
PostgreSQL via CLINIC_TRACKER_STORE_URL; rasa_addons/stores/tracker_store.py), with
the server running or not, and then on every backup in CLINIC_BACKUP_DIR
(tools/backup.py): a deleted conversation is gone from the backups too. A
PostgreSQL backup is restored into a scratch database on the same server,
purged there and dumped again. Prints how many conversations and events it
deleted, never what they said. See PRIVACY.md.
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from clinic.settings import settings
from rasa_addons.stores.tracker_store import tracker_store_url
from tools import backup as backups

Purge = Callable[[sa.engine.Engine], tuple[int, int]]

SECONDS_PER_DAY = 86_400


def purge_idle(engine: sa.engine.Engine, days: float, now: float | None = None) -> tuple[int, int]:
    """Delete every conversation whose newest event is older than `days`; (conversations, events) deleted."""
    cutoff = (now if now is not None else time.time()) - days * SECONDS_PER_DAY
    idle = sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff")
    with engine.begin() as connection:
        senders = [row[0] for row in connection.execute(idle, {"cutoff": cutoff})]
        return len(senders), _delete(connection, senders)


def purge_conversation(engine: sa.engine.Engine, conversation_id: str) -> tuple[int, int]:
    """Delete one conversation by its id; (conversations, events) deleted."""
    with engine.begin() as connection:
        deleted = _delete(connection, [conversation_id])
    return (1 if deleted else 0), deleted


def _delete(connection: sa.engine.Connection, senders: list[str]) -> int:
    deleted = 0
    for start in range(0, len(senders), 500):  # keeps each statement's parameter list small
        chunk = senders[start : start + 500]
        statement = sa.text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
            sa.bindparam("senders", expanding=True)
        )
        deleted += connection.execute(statement, {"senders": chunk}).rowcount
    return deleted


def purge_backup(path: Path, purge: Purge, store_url: str) -> tuple[int, int]:
    """Apply `purge` to one backup file, in place; (conversations, events) deleted from it."""
    if path.suffix == backups.SUFFIXES["sqlite"]:
        engine = sa.create_engine(f"sqlite:///{path}")
        try:
            return purge(engine) if sa.inspect(engine).has_table("events") else (0, 0)
        finally:
            engine.dispose()
    # PostgreSQL's custom format cannot be edited: restore it into a scratch database, purge, dump again.
    scratch = make_url(store_url).set(database=f"purge_{uuid.uuid4().hex[:12]}")
    admin = sa.create_engine(make_url(store_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        scratch_url = scratch.render_as_string(hide_password=False)
        backups.restore(path, scratch_url)
        engine = sa.create_engine(scratch_url)
        try:
            deleted = purge(engine)
        finally:
            engine.dispose()
        backups.pg_dump(scratch_url, path)
        return deleted
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--days", type=float, help="delete conversations idle for more than this many days")
    which.add_argument("--conversation", help="delete this one conversation (its id)")
    args = parser.parse_args()
    if args.days is not None and args.days < 0:
        parser.error("--days must be 0 or more")
    now = time.time()
    purge: Purge = (
        (lambda engine: purge_conversation(engine, args.conversation))
        if args.conversation
        else (lambda engine: purge_idle(engine, args.days, now))
    )
    url = tracker_store_url()
    engine = sa.create_engine(url)
    if sa.inspect(engine).has_table("events"):
        conversations, events = purge(engine)
        print(f"deleted {conversations} conversation(s), {events} event(s)")
    else:
        print("no conversations stored yet")
    for path in backups.backups(settings().backup_dir):
        conversations, events = purge_backup(path, purge, url)
        print(f"{path.name}: deleted {conversations} conversation(s), {events} event(s)")


if __name__ == "__main__":
    main()
