"""Is this Rasa server ready to answer patients? Each part it needs, checked for real.

GET /health/live says the process answers (nothing else is checked: a
supervisor restarts a server that stops answering it). GET /health/ready
(rasa_addons/patches/operations_routes.py) answers 200 only when
- a model is loaded;
- the action server runs a real custom action (`action_did_you_mean` on an
  empty conversation: it answers without touching any patient's data);
- the tracker store answers a query (SQL `SELECT 1`);
- the lock store answers (Redis PING; the in-process store always does);
and 503 otherwise, naming what failed. `make run`'s start-up wait uses it
(deploy/wait_ready.py). With CLINIC_REFUSE_WHEN_UNREADY=1 (the cluster's
servers) the check also runs every READY_CHECK_SECONDS in the background and
the webhook refuses messages with 503 while this server's own parts (model,
action server) fail, so nginx passes them to the other server
(rasa_addons/channel/rest.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import sqlalchemy as sa

from clinic.settings import settings

PROBE_ACTION = "action_did_you_mean"
PROBE_TIMEOUT_SECONDS = 3.0
READY_CHECK_SECONDS = 2.0


def innermost(store: Any) -> Any:
    """The store Rasa's wrappers (AwaitableTrackerStore, FailSafeTrackerStore) wrap."""
    while getattr(store, "_tracker_store", None) is not None:
        store = store._tracker_store
    return store


async def action_server_answers(action_url: str) -> bool:
    """True if the action server runs a real action and replies with its response."""
    call = {
        "next_action": PROBE_ACTION,
        "sender_id": "readiness-probe",
        "tracker": {"sender_id": "readiness-probe", "slots": {}, "latest_message": {}, "events": [],
                    "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None},
        "domain": {"responses": {}},
        "version": "3.6.2",
    }  # fmt: skip
    try:
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.post(action_url, json=call) as reply:
            body = await reply.json(content_type=None) if reply.status == 200 else {}
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return False
    return isinstance(body, dict) and isinstance(body.get("responses"), list) and bool(body["responses"])


def _select_one(engine: sa.engine.Engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT 1")).scalar() == 1


async def tracker_store_answers(store: Any) -> bool:
    """True if the conversation database answers a query (a store kept in memory always does)."""
    engine = getattr(innermost(store), "engine", None)
    if engine is None:
        return store is not None
    try:
        return await asyncio.wait_for(asyncio.to_thread(_select_one, engine), PROBE_TIMEOUT_SECONDS)
    except Exception:  # any failure to answer is "not ready"; the reason is in the store's own log
        return False


async def lock_store_answers(store: Any) -> bool:
    """True if Redis answers PING (the in-process lock store always does)."""
    redis = getattr(store, "red", None)
    if redis is None:
        return store is not None
    try:
        return bool(await asyncio.wait_for(asyncio.to_thread(redis.ping), PROBE_TIMEOUT_SECONDS))
    except Exception:  # as above
        return False


def model_loaded(agent: Any) -> bool:
    return agent is not None and agent.is_ready()


async def readiness(agent: Any, action_url: str | None = None) -> dict[str, bool]:
    """Each part this server needs, and whether it answered."""
    loaded = model_loaded(agent)
    action, tracker, lock = await asyncio.gather(
        action_server_answers(action_url or settings().action_url),
        tracker_store_answers(agent.tracker_store if agent else None),
        lock_store_answers(agent.lock_store if agent else None),
    )
    return {"model": loaded, "action_server": action, "tracker_store": tracker, "lock_store": lock}


async def keep_checking(app: Any) -> None:
    """Note in `app.ctx.ready` whether this server can serve better than another, every READY_CHECK_SECONDS.

    Only its own parts count (its model, its action server): the tracker and lock stores are shared by
    every server, so passing a message on would not help, and refusing would turn a Redis restart into
    errors for every patient (tests/cluster/test_cluster.py restarts Redis and PostgreSQL under load).
    """
    while True:
        agent = getattr(app.ctx, "agent", None)
        app.ctx.ready = model_loaded(agent) and await action_server_answers(settings().action_url)
        await asyncio.sleep(READY_CHECK_SECONDS)
