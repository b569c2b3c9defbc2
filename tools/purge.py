"""Deletes stored conversations: those idle for more than N days, or one conversation on request.

    make purge DAYS=30                    # conversations with no message for 30 days
    make purge CONVERSATION=<id>          # one patient's conversation (the id the chat shows under "Start over")

Works on the tracker store configured in endpoints.yml (SQLite by default,
PostgreSQL via CLINIC_TRACKER_STORE_URL; rasa_addons/stores/tracker_store.py), with
the server running or not. Prints how many conversations and events it
deleted, never what they said. See PRIVACY.md.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa

from rasa_addons.stores.tracker_store import tracker_store_url

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--days", type=float, help="delete conversations idle for more than this many days")
    which.add_argument("--conversation", help="delete this one conversation (its id)")
    args = parser.parse_args()
    if args.days is not None and args.days < 0:
        parser.error("--days must be 0 or more")
    engine = sa.create_engine(tracker_store_url())
    if not sa.inspect(engine).has_table("events"):
        print("no conversations stored yet")
        return
    if args.conversation:
        conversations, events = purge_conversation(engine, args.conversation)
    else:
        conversations, events = purge_idle(engine, args.days)
    print(f"deleted {conversations} conversation(s), {events} event(s)")


if __name__ == "__main__":
    main()
