"""A client sending too fast, or starting too many conversations, is refused with 429 (the default limits)."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable

from clinic.settings import load_settings
from rasa_addons.channel.rate_limit import RateLimiter, Rule
from tests.conftest import TEST_SETTINGS
from tests.integration.conftest import Reply, say

LIMITS = load_settings(TEST_SETTINGS)  # the test servers run with the default limits


def first_rule(setting: str) -> Rule:
    """The limit's shortest rule: the one a burst of messages meets first."""
    return RateLimiter.parse(setting).rules[0]


def send_until_refused(setting: str, send: Callable[[], int]) -> list[int]:
    """Statuses of messages sent one after the other until one is refused, or until more were sent than the
    bucket can have allowed by then (its burst, plus what it refilled while they were sent, however slowly)."""
    rule = first_rule(setting)
    started, statuses = time.monotonic(), []
    while 429 not in statuses and len(statuses) <= rule.burst + 5 + rule.per_second * (time.monotonic() - started):
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
    burst = first_rule(LIMITS.rate_limit_per_conversation).burst
    assert statuses[:burst] == [200] * burst
    assert int(replies[-1].headers["Retry-After"]) >= 1
    # Another conversation is not affected.
    assert empty_message(servers.rasa_url, uuid.uuid4().hex).status == 200


def test_one_address_sending_too_fast_is_refused(servers) -> None:
    """Behind a proxy (CLINIC_PROXIES_COUNT=1, set for the test servers) the client's address is the forwarded one.
    Each message here continues one of a few conversations, so only the per-address limit can refuse them."""
    address = {"X-Forwarded-For": "203.0.113.9"}
    # As many conversations as the address may start at once, whose bursts together exceed the address's.
    conversations = [uuid.uuid4().hex for _ in range(first_rule(LIMITS.rate_limit_new_conversations_per_address).burst)]
    assert (
        len(conversations) * first_rule(LIMITS.rate_limit_per_conversation).burst
        > first_rule(LIMITS.rate_limit_per_address).burst
    )
    taking_turns = itertools.cycle(conversations)
    statuses = send_until_refused(
        LIMITS.rate_limit_per_address, lambda: empty_message(servers.rasa_url, next(taking_turns), address).status
    )
    assert statuses.count(429) == 1, "no 429 after more messages than the limit allows"
    assert len(statuses) > first_rule(LIMITS.rate_limit_per_address).burst  # the whole burst was let through first
    other = {"X-Forwarded-For": "203.0.113.10"}
    assert empty_message(servers.rasa_url, uuid.uuid4().hex, other).status == 200


def test_one_address_starting_conversation_after_conversation_is_refused(servers) -> None:
    """A new conversation id for every message escapes the per-conversation limit; before issue 15 one address
    could start conversations without bound (about 2.8 KB stored each), up to its 300-message burst and on."""
    address = {"X-Forwarded-For": "203.0.113.20"}
    statuses = send_until_refused(
        LIMITS.rate_limit_new_conversations_per_address,
        lambda: say(servers.rasa_url, uuid.uuid4().hex, "/greet", address).status,
    )
    assert statuses.count(429) == 1, "no 429 after more new conversations than the limit allows"
    assert len(statuses) <= first_rule(LIMITS.rate_limit_new_conversations_per_address).burst + 5
    assert len(statuses) < first_rule(LIMITS.rate_limit_per_address).burst  # not the per-address message limit
    other = {"X-Forwarded-For": "203.0.113.21"}
    assert say(servers.rasa_url, uuid.uuid4().hex, "/greet", other).status == 200
