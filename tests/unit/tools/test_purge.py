"""make purge deletes idle conversations, or one on request, and nothing else; a patient's "forget me" reaches
the store, the backups and the staff reports (tools/purge.py)."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.stores.tracker_store import ClinicTrackerStore
from tools import backup, report
from tools.purge import SECONDS_PER_DAY, forget_conversation, purge_conversation, purge_idle
from tools.report import Row

NOW = 1_800_000_000.0


def store_with(path: Path, conversations: dict[str, list[float]]) -> sa.engine.Engine:
    """A real tracker store holding each conversation's messages at the given ages in days."""
    store = ClinicTrackerStore(db=str(path))
    for sender, ages in conversations.items():
        tracker = DialogueStateTracker(sender, slots=[])
        for age in ages:
            tracker.update(UserUttered("hello", timestamp=NOW - age * SECONDS_PER_DAY))
        asyncio.run(store.save(tracker))
    return store.engine


def senders(engine: sa.engine.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id"))
        return dict(rows.fetchall())


def test_conversations_idle_longer_than_the_limit_are_deleted_whole(tmp_path: Path) -> None:
    engine = store_with(tmp_path / "c.db", {"old": [90, 60, 45], "recent": [90, 2], "today": [0]})
    assert purge_idle(engine, days=30, now=NOW) == (1, 3)
    assert senders(engine) == {"recent": 2, "today": 1}  # a recent message keeps the whole conversation
    assert purge_idle(engine, days=30, now=NOW) == (0, 0)
    assert purge_idle(engine, days=1, now=NOW) == (1, 2)
    assert senders(engine) == {"today": 1}


def test_one_conversation_is_deleted_on_request(tmp_path: Path) -> None:
    engine = store_with(tmp_path / "c.db", {"patient-a": [1, 0], "patient-b": [0]})
    assert purge_conversation(engine, "patient-a") == (1, 2)
    assert senders(engine) == {"patient-b": 1}
    assert purge_conversation(engine, "no-such-conversation") == (0, 0)


def stored_bytes(path: Path) -> bytes:
    """Everything SQLite keeps for this store: the file and its write-ahead log."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forgetting_a_conversation_reaches_the_store_the_backups_and_the_reports(tmp_path: Path) -> None:
    store = tmp_path / "c.db"
    engine = store_with(store, {"patient-a": [1, 0], "patient-b": [0]})
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    made = backup.backup(f"sqlite:///{store}", backup_dir)
    reports = tmp_path / "reports"
    rows = [Row("unanswered", "2026-11-30 09:00", "patient-a", "hello", "out of scope", ""),
            Row("unanswered", "2026-11-30 09:05", "patient-b", "hello", "out of scope", "")]  # fmt: skip
    appendix = f"{report.ANSWERS_HEADING}\n\nas written on the day\n"
    report.write(rows, date(2026, 11, 1), date(2026, 11, 30), reports, "sqlite:///c.db", appendix)

    forgotten = forget_conversation("patient-a", f"sqlite:///{store}", backup_dir, reports)

    assert (forgotten.events, forgotten.backup_events, forgotten.report_rows) == (2, 2, 1)
    assert senders(engine) == {"patient-b": 1}
    assert senders(sa.create_engine(f"sqlite:///{made}")) == {"patient-b": 1}
    written = (reports / "report-2026-11-01-2026-11-30.csv").read_text()
    assert "patient-a" not in written and "patient-b" in written
    summary = (reports / "report-2026-11-01-2026-11-30.md").read_text()
    assert "2026-11-01 to 2026-11-30" in summary and "Conversations read from `sqlite:///c.db`." in summary
    assert "(1)" in summary.split("could not answer well")[1].splitlines()[0]  # patient-b's message only
    assert summary.endswith(appendix)


def test_a_forgotten_conversation_leaves_no_text_in_the_sqlite_files(tmp_path: Path) -> None:
    # Without secure_delete SQLite only marks the rows free: their text stays readable in the file. Debian's
    # SQLite turns it on by default, others (macOS's, many builds) do not: the store sets it itself.
    store = tmp_path / "c.db"
    engine = ClinicTrackerStore(db=str(store)).engine
    tracker = DialogueStateTracker("patient-a", slots=[])
    tracker.update(UserUttered("my elbow-marker-7f3a hurts", timestamp=NOW))
    asyncio.run(ClinicTrackerStore(db=str(store)).save(tracker))
    with engine.connect() as connection:  # as SQLite's own checkpoints do: the text is now in the file itself
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"elbow-marker-7f3a" in store.read_bytes()

    forget_conversation("patient-a", f"sqlite:///{store}", tmp_path / "no-backups", tmp_path / "no-reports")

    assert b"elbow-marker-7f3a" not in stored_bytes(store)
    engine.dispose()
