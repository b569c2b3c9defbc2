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
