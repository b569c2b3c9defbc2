"""make purge deletes idle conversations, or one on request, and nothing else (tools/purge.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.stores.tracker_store import ClinicTrackerStore
from tools.purge import SECONDS_PER_DAY, purge_conversation, purge_idle

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
