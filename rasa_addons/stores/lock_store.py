"""Rasa's Redis lock store, with every change to a conversation's lock made atomically.

Enabled in deploy/cluster/endpoints.yml (`lock_store: type: rasa_addons.stores.lock_store.AtomicRedisLockStore`);
the Redis server comes from CLINIC_LOCK_STORE_URL (e.g. redis://127.0.0.1:6380/1).
The lock store makes several Rasa servers handle one conversation's messages
one at a time, in order: each message takes a numbered ticket and waits for
its turn.

Rasa 3.6's RedisLockStore changes a lock by reading it, changing it in
Python and writing it back. Two messages of one conversation arriving at two
servers at once can both read the same lock, take the same ticket number and
run together (tests/cluster/test_lock_store.py shows it). Here each change
is a Redis transaction (WATCH/MULTI/EXEC): if another server changed the lock
in between, the change is made again on the new value.

A message waiting for its turn also keeps its own ticket alive. In Rasa, a
waiting ticket expires like any other: behind a ticket left by a killed
server (same lifetime, issued a moment earlier), it expired too, the lock
then served no one, and the message waited until nginx gave up (found with
tests/cluster/test_cluster.py's kill -9 test; test_lock_store.py shows it).

Redis restarting loses only the locks of messages in flight; the client
reconnects and retries a failed command (with backoff) rather than failing
the patient's message.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlparse

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError
from redis.retry import Retry

from clinic.settings import settings

Result = TypeVar("Result")


def settings_from_url(url: str) -> dict[str, Any]:
    """RedisLockStore settings from a URL such as redis://:password@host:6379/1."""
    parsed = urlparse(url)
    settings: dict[str, Any] = {"host": parsed.hostname or "localhost", "port": parsed.port or 6379}
    if parsed.path.strip("/"):
        settings["db"] = int(parsed.path.strip("/"))
    if parsed.password:
        settings["password"] = parsed.password
    if parsed.username:
        settings["username"] = parsed.username
    settings["use_ssl"] = parsed.scheme == "rediss"
    return settings


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket issuing and ticket removal cannot interleave across servers."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa creates a custom lock store with its endpoints.yml section only; `url` is the Redis host.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        if settings().lock_store_url:
            kwargs.update(settings_from_url(settings().lock_store_url))
        super().__init__(**kwargs)
        # Connections are made on first use, with these settings: a Redis restart costs a retry, not a message.
        self.red.connection_pool.connection_kwargs.update(
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=6),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )

    def _change(
        self,
        conversation_id: str,
        change: Callable[[TicketLock], Result],
        create: bool = False,
        delete_when_empty: bool = False,
    ) -> Result | None:
        """Apply `change` to the conversation's lock as one transaction; None if there is no lock to change."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    if stored is None and not create:
                        pipe.unwatch()
                        return None
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else self.create_lock(conversation_id)
                    result = change(lock)
                    pipe.multi()
                    if delete_when_empty and not lock.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another server changed this lock meanwhile: start again from its new value

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        def take_turn_or_wait(lock: TicketLock) -> TicketLock:
            for other in list(lock.tickets):
                if other.number != ticket and other.has_expired():
                    lock.tickets.remove(other)  # its server died
            for ours in lock.tickets:
                if ours.number != ticket:
                    continue
                if lock.is_locked(ticket):
                    ours.expires = max(ours.expires, time.time() + wait_time_in_seconds + 1)  # still waiting
                else:
                    # Our turn: the ticket now expires LOCK_LIFETIME after we start, not after we queued.
                    ours.expires = time.time() + LOCK_LIFETIME
            return lock

        while True:
            lock = self._change(conversation_id, take_turn_or_wait)
            if lock is None or all(held.number != ticket for held in lock.tickets):
                raise LockError(f"Lost the lock for conversation '{conversation_id}' (was Redis restarted?).")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # One transaction instead of Rasa's three steps (remove, check for waiters, delete).
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number), delete_when_empty=True)
