"""Token buckets per conversation, per address and for new conversations (rasa_addons/channel/rate_limit.py)."""

from __future__ import annotations

import pytest

from rasa_addons.channel.rate_limit import MAX_KEYS, RateLimiter, RecentKeys, Rule, address_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_through_then_the_next_message_waits() -> None:
    clock = Clock()
    limiter = RateLimiter([Rule(burst=3, seconds=6)], clock=clock)  # 3 at once, then one every 2 s
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.retry_after("a") == pytest.approx(2.0)
    clock.now += 2
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") > 0


def test_keys_are_limited_separately() -> None:
    limiter = RateLimiter([Rule(burst=1, seconds=10)], clock=Clock())
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") > 0
    assert limiter.retry_after("b") == 0


def test_a_quiet_key_refills_only_up_to_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter([Rule(burst=2, seconds=2)], clock=clock)
    limiter.retry_after("a")
    clock.now += 3600
    assert [limiter.retry_after("a") for _ in range(3)][-1] > 0


@pytest.mark.parametrize("setting", [None, "", "off", "OFF", "0"])
def test_off_means_no_limit(setting: str | None) -> None:
    assert RateLimiter.parse(setting) is None


def test_settings_are_parsed_or_refused() -> None:
    limiter = RateLimiter.parse("20/10")
    assert limiter.rules == (Rule(20, 10),) and limiter.rules[0].per_second == 2.0
    assert RateLimiter.parse(" 300/60   3000/86400 ").rules == (Rule(300, 60), Rule(3000, 86400))
    for bad in ["fast", "20", "20/0", "0/10", "/10", "20/10 fast"]:
        with pytest.raises(ValueError, match="BURST/SECONDS"):
            RateLimiter.parse(bad)


def test_every_rule_must_allow_a_message() -> None:
    """A short rule lets a burst through; the day's rule stops a steady trickle that the short rule would allow."""
    clock = Clock()
    limiter = RateLimiter.parse("2/2 5/86400")
    limiter.clock = clock
    allowed = 0
    for _ in range(100):  # one message a second for 100 s: the short rule alone would allow all of them
        allowed += limiter.retry_after("a") == 0
        clock.now += 1
    assert allowed == 5
    # The day's rule refills a message every 86400 / 5 = 17,280 s, counted from the first message, 100 s ago.
    assert limiter.retry_after("a") == pytest.approx(17_280 - 100)


def test_a_refused_message_counts_against_no_rule() -> None:
    clock = Clock()
    limiter = RateLimiter([Rule(1, 10), Rule(100, 100)], clock=clock)
    assert limiter.retry_after("a") == 0
    for _ in range(50):  # refused by the first rule: the second's tokens are not spent on them
        assert limiter.wait("a") > 0 and limiter.retry_after("a") > 0
    clock.now += 10
    assert limiter.retry_after("a") == 0


def test_wait_counts_nothing_and_take_counts_one() -> None:
    limiter = RateLimiter([Rule(1, 10)], clock=Clock())
    assert [limiter.wait("a") for _ in range(5)] == [0] * 5
    limiter.take("a")
    assert limiter.wait("a") == pytest.approx(10)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_client_is_limited_by_its_whole_64_network(address: str, key: str) -> None:
    """An IPv6 home or phone gets 2^64 addresses: one bucket per address would let it send without limit."""
    assert address_key(address) == key


def test_recent_keys_forget_the_oldest_beyond_the_bound() -> None:
    recent = RecentKeys()
    for number in range(MAX_KEYS + 1):
        recent.add(str(number))
    assert "0" not in recent and "1" in recent and str(MAX_KEYS) in recent
