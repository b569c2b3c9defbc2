"""make backup and make restore on SQLite (tools/backup.py); make purge reaching into the backups (tools/purge.py).

PostgreSQL's pg_dump and pg_restore are tested on the cluster's database (tests/cluster/test_backup.py).
"""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.unit.tools.test_purge import NOW, senders, store_with
from tools import backup
from tools.purge import purge_backup, purge_conversation


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def test_a_backup_taken_while_the_store_is_written_is_whole_and_private(tmp_path: Path) -> None:
    engine = store_with(tmp_path / "store.db", {f"patient-{i}": [1, 0] for i in range(50)})
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            with engine.begin() as connection:
                connection.execute(sa.text("UPDATE events SET timestamp = timestamp WHERE id % 7 = 0"))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        made = backup.backup(sqlite_url(tmp_path / "store.db"), tmp_path / "backups", now=NOW)
    finally:
        stop.set()
        writer.join()
    assert made.name == "conversations-20270115T080000Z.sqlite3"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert senders(sa.create_engine(sqlite_url(made))) == senders(engine)
    assert list((tmp_path / "backups").iterdir()) == [made]  # no partial file left behind


def test_a_backup_restored_into_a_fresh_store_holds_the_same_conversations(tmp_path: Path) -> None:
    engine = store_with(tmp_path / "store.db", {"patient-a": [2, 1], "patient-b": [0]})
    made = backup.backup(sqlite_url(tmp_path / "store.db"), tmp_path / "backups")
    fresh = tmp_path / "fresh.db"
    backup.restore(made, sqlite_url(fresh))
    assert senders(sa.create_engine(sqlite_url(fresh))) == senders(engine) == {"patient-a": 2, "patient-b": 1}


def test_a_restore_replaces_what_the_store_held(tmp_path: Path) -> None:
    engine = store_with(tmp_path / "store.db", {"patient-a": [0]})
    made = backup.backup(sqlite_url(tmp_path / "store.db"), tmp_path / "backups")
    purge_conversation(engine, "patient-a")
    store_with(tmp_path / "store.db", {"patient-after-backup": [0]})
    backup.restore(made, sqlite_url(tmp_path / "store.db"))
    assert senders(engine) == {"patient-a": 1}


def test_only_the_newest_backups_are_kept(tmp_path: Path) -> None:
    store_with(tmp_path / "store.db", {"patient-a": [0]})
    made = [backup.backup(sqlite_url(tmp_path / "store.db"), tmp_path, now=NOW + hour * 3600) for hour in range(5)]
    assert backup.prune(tmp_path, keep=2) == made[:3]
    assert backup.backups(tmp_path) == made[3:]


def test_a_backup_of_another_kind_of_store_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "conversations-20270101T000000Z.pgdump"
    wrong.write_bytes(b"PGDMP")
    with pytest.raises(SystemExit, match="not a sqlite backup"):
        backup.restore(wrong, sqlite_url(tmp_path / "fresh.db"))


def test_purging_a_conversation_also_deletes_it_from_the_backups(tmp_path: Path) -> None:
    store_with(tmp_path / "store.db", {"patient-a": [1, 0], "patient-b": [0]})
    made = backup.backup(sqlite_url(tmp_path / "store.db"), tmp_path / "backups")
    deleted = purge_backup(made, lambda engine: purge_conversation(engine, "patient-a"), sqlite_url(tmp_path / "x.db"))
    assert deleted == (1, 2)
    assert senders(sa.create_engine(sqlite_url(made))) == {"patient-b": 1}
