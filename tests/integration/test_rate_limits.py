"""A client sending too fast is refused with 429, per conversation and per address (the default limits)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from clinic.settings import load_settings
from tests.conftest import TEST_SETTINGS
from tests.integration.conftest import Reply, say

LIMITS = load_settings(TEST_SETTINGS)  # the test servers run with the default limits


def burst(setting: str) -> int:
    return int(setting.split("/")[0])


def send_until_refused(setting: str, send: Callable[[], int]) -> list[int]:
    """Statuses of messages sent one after the other until one is refused, or until more were sent than the
    bucket can have allowed by then (its burst, plus what it refilled while they were sent, however slowly)."""
    burst_size, seconds = (int(part) for part in setting.split("/"))
    started, statuses = time.monotonic(), []
    while 429 not in statuses and len(statuses) <= burst_size + 5 + burst_size / seconds * (time.monotonic() - started):
        statuses.append(send())
    return statuses


def empty_message(url: str, sender: str, headers: dict[str, str] | None = None) -> Reply:
    # An empty message is answered without the NLU pipeline, so a burst costs the server little.
    return say(url, sender, "", headers)


def test_one_conversation_sending_too_fast_is_refused(servers) -> None:
    sender = uuid.uuid4().hex
    replies: list[Reply] = []

    def send() -> int:
        replies.append(empty_message(servers.rasa_url, sender))
        return replies[-1].status

    statuses = send_until_refused(LIMITS.rate_limit_per_conversation, send)
    assert statuses.count(429) == 1, "no 429 after more messages than the limit allows"
    assert statuses[: burst(LIMITS.rate_limit_per_conversation)] == [200] * burst(LIMITS.rate_limit_per_conversation)
    assert int(replies[-1].headers["Retry-After"]) >= 1
    # Another conversation is not affected.
    assert empty_message(servers.rasa_url, uuid.uuid4().hex).status == 200


def test_one_address_sending_too_fast_is_refused(servers) -> None:
    """Behind a proxy (CLINIC_PROXIES_COUNT=1, set for the test servers) the client's address is the forwarded one."""
    address = {"X-Forwarded-For": "203.0.113.9"}
    statuses = send_until_refused(
        LIMITS.rate_limit_per_address, lambda: empty_message(servers.rasa_url, uuid.uuid4().hex, address).status
    )
    assert statuses.count(429) == 1, "no 429 after more messages than the limit allows"
    assert len(statuses) > burst(LIMITS.rate_limit_per_address)  # the whole burst was let through first
    other = {"X-Forwarded-For": "203.0.113.10"}
    assert empty_message(servers.rasa_url, uuid.uuid4().hex, other).status == 200
