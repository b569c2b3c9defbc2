"""Backs up the conversation store, and restores a backup: `make backup`, `make restore FILE=...`.

    python -m tools.backup                          # into CLINIC_BACKUP_DIR, keeping CLINIC_BACKUP_KEEP backups
    python -m tools.backup --restore FILE [--to URL]  # into the configured store, or the database URL given

Works on the store the Rasa server uses (tools/purge.py's rule: SQLite in
var/conversations.db, or CLINIC_TRACKER_STORE_URL), with patients chatting:
- SQLite: SQLite's online backup (a consistent copy, page by page, while the
  server writes) into `conversations-<UTC time>.sqlite3`;
- PostgreSQL: `pg_dump --format=custom` (one consistent snapshot) into
  `conversations-<UTC time>.pgdump`; restored with `pg_restore --clean`.
Backup files are readable by their owner only and hold everything the store
holds, message text included (PRIVACY.md); `make purge` reaches into them
too (tools/purge.py). After each backup only the newest CLINIC_BACKUP_KEEP
are kept.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from clinic.settings import settings
from rasa_addons.stores.tracker_store import tracker_store_url

PREFIX = "conversations-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


def dialect_of(url: str) -> str:
    """ "sqlite" or "postgresql" for a store's database URL; anything else is refused."""
    dialect = make_url(url).get_dialect().name
    if dialect not in SUFFIXES:
        raise SystemExit(f"backups support SQLite and PostgreSQL stores, not {dialect}")
    return dialect


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def libpq_url(url: str) -> str:
    """The URL as PostgreSQL's own tools read it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH, else the newest in Debian's PostgreSQL folders."""
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))[::-1]), None)
    if not found:
        raise SystemExit(f"{name} is missing: install Debian's postgresql-client")
    return str(found)


def pg_dump(url: str, target: Path) -> None:
    """`pg_dump --format=custom` of the database at `url` into `target`, whole or not at all, owner-readable only."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    subprocess.run([pg_tool("pg_dump"), "--format=custom", "--file", str(partial), libpq_url(url)], check=True)
    os.replace(partial, target)


def backups(directory: Path) -> list[Path]:
    """The backups in `directory`, oldest first (their names carry the time)."""
    return sorted(p for suffix in SUFFIXES.values() for p in directory.glob(f"{PREFIX}*{suffix}"))


def backup(url: str, directory: Path, now: float | None = None) -> Path:
    """A consistent copy of the store at `url`, written into `directory`; its path."""
    dialect = dialect_of(url)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    target = directory / f"{PREFIX}{stamp}{SUFFIXES[dialect]}"
    if dialect == "postgresql":
        pg_dump(url, target)
        return target
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    with sqlite3.connect(sqlite_path(url)) as source, sqlite3.connect(partial) as copy:
        source.backup(copy)  # online: the server may write meanwhile; the copy is one moment's state
    copy.close()
    source.close()
    os.replace(partial, target)  # a backup is either whole or absent
    return target


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; the deleted paths."""
    old = backups(directory)[: max(0, len(backups(directory)) - keep)]
    for path in old:
        path.unlink()
    return old


def restore(backup_file: Path, url: str) -> None:
    """Make the store at `url` hold exactly what `backup_file` holds (a fresh database, or one to overwrite)."""
    dialect = dialect_of(url)
    if backup_file.suffix != SUFFIXES[dialect]:
        raise SystemExit(f"{backup_file.name} is not a {dialect} backup ({SUFFIXES[dialect]})")
    if dialect == "sqlite":
        # Through SQLite's backup API, not a file copy: a running server's open connections see the result.
        with sqlite3.connect(backup_file) as source, sqlite3.connect(sqlite_path(url)) as target:
            source.backup(target)
        source.close()
        target.close()
    else:
        subprocess.run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--dbname", libpq_url(url),
                        str(backup_file)], check=True)  # fmt: skip


def conversations_in(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return 0
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT COUNT(DISTINCT sender_id) FROM events")).scalar() or 0
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restore", type=Path, metavar="FILE", help="restore this backup instead of making one")
    parser.add_argument("--to", metavar="URL", help="restore into this database instead of the configured store")
    args = parser.parse_args(argv)
    values = settings()
    if args.restore:
        url = args.to or tracker_store_url()
        started = time.monotonic()
        restore(args.restore, url)
        print(f"restored {args.restore.name}: {conversations_in(url)} conversation(s), "
              f"{time.monotonic() - started:.1f} s")  # fmt: skip
        return 0
    started = time.monotonic()
    made = backup(tracker_store_url(), values.backup_dir)
    removed = prune(values.backup_dir, values.backup_keep)
    print(f"backed up to {made} ({made.stat().st_size / 1e6:.1f} MB, {time.monotonic() - started:.1f} s); "
          f"{len(removed)} old backup(s) deleted, {values.backup_keep} kept at most")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
