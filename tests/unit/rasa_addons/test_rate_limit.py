"""Token buckets per conversation and per address (rasa_addons/channel/rate_limit.py)."""

from __future__ import annotations

import pytest

from rasa_addons.channel.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_through_then_the_next_message_waits() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=3, seconds=6, clock=clock)  # 3 at once, then one every 2 s
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.retry_after("a") == pytest.approx(2.0)
    clock.now += 2
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") > 0


def test_keys_are_limited_separately() -> None:
    limiter = RateLimiter(burst=1, seconds=10, clock=Clock())
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") > 0
    assert limiter.retry_after("b") == 0


def test_a_quiet_key_refills_only_up_to_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=2, seconds=2, clock=clock)
    limiter.retry_after("a")
    clock.now += 3600
    assert [limiter.retry_after("a") for _ in range(3)][-1] > 0


@pytest.mark.parametrize("setting", [None, "", "off", "OFF", "0"])
def test_off_means_no_limit(setting: str | None) -> None:
    assert RateLimiter.parse(setting) is None


def test_settings_are_parsed_or_refused() -> None:
    limiter = RateLimiter.parse("20/10")
    assert (limiter.burst, limiter.per_second) == (20, 2.0)
    for bad in ["fast", "20", "20/0", "0/10", "/10"]:
        with pytest.raises(ValueError, match="BURST/SECONDS"):
            RateLimiter.parse(bad)
