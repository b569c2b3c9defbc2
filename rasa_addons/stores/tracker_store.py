"""Where conversations are kept: Rasa's SQL tracker store, tuned for this product.

Enabled in endpoints.yml (`tracker_store: type: rasa_addons.stores.tracker_store.ClinicTrackerStore`);
takes the same settings as Rasa's `SQL` store. Set CLINIC_TRACKER_STORE_URL
(e.g. postgresql://rasa:secret@db.example:5432/rasa) to keep conversations
in PostgreSQL instead; it wins over endpoints.yml, and `make purge` uses it too.

SQLite (the default, var/conversations.db) runs in write-ahead-log mode with
`synchronous=NORMAL`: a commit no longer waits for the disk on every patient
message (8% of the server's time under load, py-spy, bench/RESULTS.md). A
conversation survives the server being killed at any point; only a power cut
could lose the last moments of conversations, which a chat can afford.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy.engine import make_url

from clinic.settings import PROJECT_ROOT, settings


def settings_from_url(url: str) -> dict[str, Any]:
    """Rasa SQL store settings (dialect, host, port, db, username, password, query) from one URL."""
    parsed = make_url(url)
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }


def tracker_store_url(endpoints: Path = PROJECT_ROOT / "endpoints.yml") -> str:
    """The database URL the Rasa server uses: CLINIC_TRACKER_STORE_URL, else endpoints.yml's tracker_store."""
    if settings().tracker_store_url:
        return settings().tracker_store_url
    store = yaml.safe_load(endpoints.read_text())["tracker_store"]
    if store.get("dialect", "sqlite") == "sqlite":
        return f"sqlite:///{(PROJECT_ROOT / store['db']).resolve()}"
    url = SQLTrackerStore.get_db_url(
        store["dialect"], store.get("url"), store.get("port"), store["db"], store.get("username"),
        store.get("password"), None, store.get("query"),
    )  # fmt: skip
    return url.render_as_string(hide_password=False)


# Set on a tracker this store loaded or saved: how many of its events the store holds.
EVENTS_IN_STORE = "_clinic_events_in_store"


def erase_deleted_rows(connection: Any, _record: Any) -> None:
    """SQLite overwrites a deleted event with zeros instead of leaving its text in a free page of the file."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def tune_sqlite(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    erase_deleted_rows(connection, record)


def store_engine(url: str) -> sa.engine.Engine:
    """An engine on the conversation store for the tools (purge, forget me): SQLite's deletes erase the text."""
    engine = sa.create_engine(url)
    if engine.url.get_dialect().name == "sqlite":
        event.listen(engine, "connect", erase_deleted_rows)
    return engine


def delete_conversations(connection: sa.engine.Connection, senders: list[str]) -> int:
    """Delete every stored event of these conversations; how many events were deleted."""
    deleted = 0
    for start in range(0, len(senders), 500):  # keeps each statement's parameter list small
        chunk = senders[start : start + 500]
        statement = sa.text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
            sa.bindparam("senders", expanding=True)
        )
        deleted += connection.execute(statement, {"senders": chunk}).rowcount
    return deleted


class ClinicTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore with pooled SQLite connections in write-ahead-log mode, and checked ones to PostgreSQL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if settings().tracker_store_url:
            kwargs.update(settings_from_url(settings().tracker_store_url))
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_dialect().name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool): three per patient
            # message, each setting the pragmas again. A pool keeps them open, as SQLAlchemy 2.0 does.
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", tune_sqlite)
        else:
            # Rasa's engine hands out pooled connections unchecked: after a database restart the
            # first request on each dead connection would fail. pool_pre_ping tests each one first.
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            # Every event of this tracker came from the store (the latest session's, as save() counts).
            setattr(tracker, EVENTS_IN_STORE, len(tracker.events))
        return tracker

    def _additional_events(self, session: sa.orm.Session, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, EVENTS_IN_STORE, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, EVENTS_IN_STORE, len(tracker.events))
