"""The race in Rasa 3.6's RedisLockStore, and the atomic subclass that closes it (rasa_addons/stores/lock_store.py)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore

from rasa_addons.stores.lock_store import AtomicRedisLockStore
from tests.cluster.conftest import REDIS_PORT, Cluster

SERVERS = 5  # messages of one conversation arriving at this many servers at the same moment


@pytest.fixture
def slow_ticket_issuing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widen the gap between reading a lock and writing it back, as a busy network does."""
    issue = TicketLock.issue_ticket

    def slowly(self: TicketLock, lifetime: float) -> int:
        time.sleep(0.05)
        return issue(self, lifetime)

    monkeypatch.setattr(TicketLock, "issue_ticket", slowly)


def tickets_issued_at_once(store_class: type[RedisLockStore]) -> list[int]:
    conversation = uuid.uuid4().hex
    stores = [store_class(host="127.0.0.1", port=REDIS_PORT, db=1) for _ in range(SERVERS)]
    start = threading.Barrier(SERVERS)

    def issue(store: RedisLockStore) -> int:
        start.wait()
        return store.issue_ticket(conversation, lock_lifetime=30)

    with ThreadPoolExecutor(SERVERS) as pool:
        return list(pool.map(issue, stores))


def test_rasas_lock_store_gives_one_ticket_to_several_messages(cluster: Cluster, slow_ticket_issuing: None) -> None:
    tickets = tickets_issued_at_once(RedisLockStore)
    assert len(set(tickets)) < SERVERS, tickets  # the trap: two messages may run at once


def test_the_atomic_lock_store_gives_each_message_its_own_ticket(cluster: Cluster, slow_ticket_issuing: None) -> None:
    tickets = tickets_issued_at_once(AtomicRedisLockStore)
    assert sorted(tickets) == list(range(SERVERS))


def test_tickets_are_served_in_order_and_cleaned_up(cluster: Cluster) -> None:
    store = AtomicRedisLockStore(host="127.0.0.1", port=REDIS_PORT, db=1)
    conversation = uuid.uuid4().hex
    first, second = store.issue_ticket(conversation, 30), store.issue_ticket(conversation, 30)
    lock = store.get_lock(conversation)
    assert not lock.is_locked(first) and lock.is_locked(second)
    store.cleanup(conversation, first)
    assert not store.get_lock(conversation).is_locked(second)
    store.cleanup(conversation, second)
    assert store.get_lock(conversation) is None


async def wait_for_turn(store: RedisLockStore, conversation: str) -> float:
    started = time.monotonic()
    async with store.lock(conversation, lock_lifetime=1, wait_time_in_seconds=0.2):
        return time.monotonic() - started


@pytest.mark.parametrize(("store_class", "served"), [(RedisLockStore, False), (AtomicRedisLockStore, True)])
def test_a_message_behind_a_killed_servers_ticket_is_served_when_that_ticket_expires(
    cluster: Cluster, store_class: type[RedisLockStore], served: bool
) -> None:
    store = store_class(host="127.0.0.1", port=REDIS_PORT, db=1)
    conversation = uuid.uuid4().hex
    store.issue_ticket(conversation, lock_lifetime=1)  # its server was killed before finishing
    try:
        waited = asyncio.run(asyncio.wait_for(wait_for_turn(store, conversation), timeout=5))
    except asyncio.TimeoutError:
        waited = None  # Rasa's store: the waiting ticket expired with the dead one, and no one is served
    assert (waited is not None) is served
    if served:
        assert 0.8 < waited < 3
