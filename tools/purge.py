"""Deletes stored conversations: those idle for more than N days, or one conversation on request.

    make purge DAYS=30                    # conversations with no message for 30 days
    make purge CONVERSATION=<id>          # one patient's conversation (the id the chat shows under "Start over")

Works on the tracker store configured in endpoints.yml (SQLite by default,
PostgreSQL via CLINIC_TRACKER_STORE_URL; rasa_addons/stores/tracker_store.py), with
the server running or not, and then on every backup in CLINIC_BACKUP_DIR
(tools/backup.py): a deleted conversation is gone from the backups too. A
PostgreSQL backup is restored into a scratch database on the same server,
purged there and dumped again. One conversation is also taken out of the
staff reports in var/reports/ (tools/report.py). In SQLite a deleted event's
text is overwritten, not left in the file's free pages (`secure_delete`).

`forget_conversation` is the same deletion for a patient's own "forget me"
in the chat (rasa_addons/channel/forget_me.py). Prints how many
conversations and events it deleted, never what they said. See PRIVACY.md.
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from clinic.settings import settings
from rasa_addons.stores.tracker_store import delete_conversations, store_engine, tracker_store_url
from tools import backup as backups
from tools import report

Purge = Callable[[sa.engine.Engine], tuple[int, int]]

SECONDS_PER_DAY = 86_400


def purge_idle(engine: sa.engine.Engine, days: float, now: float | None = None) -> tuple[int, int]:
    """Delete every conversation whose newest event is older than `days`; (conversations, events) deleted."""
    cutoff = (now if now is not None else time.time()) - days * SECONDS_PER_DAY
    idle = sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff")
    with engine.begin() as connection:
        senders = [row[0] for row in connection.execute(idle, {"cutoff": cutoff})]
        return len(senders), delete_conversations(connection, senders)


def purge_conversation(engine: sa.engine.Engine, conversation_id: str) -> tuple[int, int]:
    """Delete one conversation by its id; (conversations, events) deleted."""
    with engine.begin() as connection:
        deleted = delete_conversations(connection, [conversation_id])
    if deleted and engine.url.get_dialect().name == "sqlite":
        # The write-ahead log may still hold pages written before the delete: fold it into the file and empty it
        # (a no-op while the server reads at that very moment; SQLite then does it at its next checkpoint).
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return (1 if deleted else 0), deleted


def purge_backup(path: Path, purge: Purge, store_url: str) -> tuple[int, int]:
    """Apply `purge` to one backup file, in place; (conversations, events) deleted from it."""
    if path.suffix == backups.SUFFIXES["sqlite"]:
        engine = store_engine(f"sqlite:///{path}")
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
        engine = store_engine(scratch_url)
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


@dataclass(frozen=True)
class Forgotten:
    """What deleting one conversation everywhere deleted: events in the store, events in backups, report rows."""

    events: int
    backup_events: int
    report_rows: int
    seconds: float


def forget_conversation(
    conversation_id: str, store_url: str | None = None, backup_dir: Path | None = None, reports_dir: Path | None = None
) -> Forgotten:
    """Delete one conversation from the store, then from every backup and every staff report."""
    started = time.monotonic()
    url = store_url or tracker_store_url()
    engine = store_engine(url)
    try:
        _, events = purge_conversation(engine, conversation_id) if sa.inspect(engine).has_table("events") else (0, 0)
    finally:
        engine.dispose()
    backup_events = sum(
        purge_backup(path, lambda e: purge_conversation(e, conversation_id), url)[1]
        for path in backups.backups(backup_dir or settings().backup_dir)
    )
    rows = report.drop_conversation(conversation_id, reports_dir or report.REPORTS_DIR)
    return Forgotten(events, backup_events, rows, time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--days", type=float, help="delete conversations idle for more than this many days")
    which.add_argument("--conversation", help="delete this one conversation (its id)")
    args = parser.parse_args()
    if args.days is not None and args.days < 0:
        parser.error("--days must be 0 or more")
    if args.conversation:
        forgotten = forget_conversation(args.conversation)
        print(
            f"deleted {forgotten.events} event(s) from the store, {forgotten.backup_events} from the backups and "
            f"{forgotten.report_rows} report row(s), in {forgotten.seconds:.2f} s"
        )
        return
    now = time.time()
    purge: Purge = lambda engine: purge_idle(engine, args.days, now)  # noqa: E731
    url = tracker_store_url()
    engine = store_engine(url)
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
