"""Where conversations are stored (rasa_addons/stores/tracker_store.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from clinic.settings import settings
from rasa_addons.stores.tracker_store import ClinicTrackerStore, settings_from_url, tracker_store_url


def test_a_postgresql_url_becomes_rasa_settings() -> None:
    settings = settings_from_url("postgresql://rasa:s3cret@db.example:5433/conversations?sslmode=require")
    assert settings == {
        "dialect": "postgresql",
        "host": "db.example",
        "port": 5433,
        "db": "conversations",
        "username": "rasa",
        "password": "s3cret",
        "query": {"sslmode": "require"},
    }


def test_the_url_variable_wins_over_endpoints_yml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_TRACKER_STORE_URL", raising=False)
    assert tracker_store_url().endswith("var/conversations.db")
    monkeypatch.setenv("CLINIC_TRACKER_STORE_URL", "postgresql://rasa:x@db:5432/rasa")
    settings.cache_clear()  # as a newly started process reads it
    assert tracker_store_url() == "postgresql://rasa:x@db:5432/rasa"


def test_sqlite_runs_in_write_ahead_log_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_TRACKER_STORE_URL", raising=False)
    store = ClinicTrackerStore(db=str(tmp_path / "conversations.db"))
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_sqlite_connections_are_kept_open_between_messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLAlchemy 1.4's default for a SQLite file (NullPool) would open a new connection for every session."""
    monkeypatch.delenv("CLINIC_TRACKER_STORE_URL", raising=False)
    store = ClinicTrackerStore(db=str(tmp_path / "conversations.db"))
    opened = []
    sa.event.listen(store.engine, "connect", lambda connection, _record: opened.append(connection))
    for _ in range(3):
        with store.session_scope() as session:
            session.execute(sa.text("SELECT 1"))
    assert len(opened) == 1


def test_saving_stores_each_event_once_without_counting_the_stored_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa counts the stored events at every save; this store remembers the count on the tracker it loaded."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    monkeypatch.delenv("CLINIC_TRACKER_STORE_URL", raising=False)
    store = ClinicTrackerStore(domain=Domain.empty(), db=str(tmp_path / "conversations.db"))
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    async def conversation() -> DialogueStateTracker:
        first = DialogueStateTracker.from_events("patient", [SessionStarted(), ActionExecuted("action_listen")])
        await store.save(first)  # a tracker the store did not load: counted as Rasa does
        tracker = await store.retrieve("patient")
        tracker.update(UserUttered("does it hurt?"))
        await store.save(tracker)
        tracker.update(ActionExecuted("utter_faq"))
        await store.save(tracker)
        await store.save(tracker)  # nothing new: nothing stored
        return await store.retrieve("patient")

    statements.clear()
    stored = asyncio.run(conversation())
    assert [e.as_dict()["event"] for e in stored.events] == ["session_started", "action", "user", "action"]
    assert sum("count(" in statement.lower() for statement in statements) == 1
