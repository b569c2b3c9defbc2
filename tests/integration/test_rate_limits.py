"""A client sending too fast is refused with 429, per conversation and per address (the default limits)."""

from __future__ import annotations

import uuid

from clinic.settings import load_settings
from tests.conftest import TEST_SETTINGS
from tests.integration.conftest import Reply, say

LIMITS = load_settings(TEST_SETTINGS)  # the test servers run with the default limits


def burst(setting: str) -> int:
    return int(setting.split("/")[0])


def empty_message(url: str, sender: str, headers: dict[str, str] | None = None) -> Reply:
    # An empty message is answered without the NLU pipeline, so a burst costs the server little.
    return say(url, sender, "", headers)


def test_one_conversation_sending_too_fast_is_refused(servers) -> None:
    sender = uuid.uuid4().hex
    allowed = burst(LIMITS.rate_limit_per_conversation)
    statuses = [empty_message(servers.rasa_url, sender) for _ in range(allowed + 5)]
    assert [r.status for r in statuses[: allowed - 2]] == [200] * (allowed - 2)
    refused = [r for r in statuses if r.status == 429]
    assert refused, "no 429 after a burst over the limit"
    assert int(refused[0].headers["Retry-After"]) >= 1
    # Another conversation is not affected.
    assert empty_message(servers.rasa_url, uuid.uuid4().hex).status == 200


def test_one_address_sending_too_fast_is_refused(servers) -> None:
    """Behind a proxy (CLINIC_PROXIES_COUNT=1, set for the test servers) the client's address is the forwarded one."""
    address = {"X-Forwarded-For": "203.0.113.9"}
    allowed = burst(LIMITS.rate_limit_per_address)
    statuses = [empty_message(servers.rasa_url, uuid.uuid4().hex, address).status for _ in range(allowed + 5)]
    assert statuses.count(429) >= 1
    assert statuses[:10] == [200] * 10
    other = {"X-Forwarded-For": "203.0.113.10"}
    assert empty_message(servers.rasa_url, uuid.uuid4().hex, other).status == 200
