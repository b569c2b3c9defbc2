"""Every unit test reads the settings afresh, so a test that sets a CLINIC_ variable affects only itself;
`content_dir` gives a test its own copy of content/ to edit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from clinic.settings import PROJECT_ROOT, settings


@pytest.fixture(autouse=True)
def fresh_settings():
    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture()
def content_dir(tmp_path, monkeypatch):
    """A copy of content/ that the code under test reads (CLINIC_CONTENT_DIR), for tests that edit it."""
    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    monkeypatch.setenv("CLINIC_CONTENT_DIR", str(copy))
    settings.cache_clear()
    return copy


def edit(path: Path, old: str, new: str) -> None:
    """Change a content file as staff would, with a new modification time however fast the test runs."""
    path.write_text(path.read_text().replace(old, new))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
