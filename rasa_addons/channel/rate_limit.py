"""How fast one conversation, or one network address, may send messages and start conversations (used by rest.py).

A token bucket per key and rule: `burst` messages at once, refilled over
`seconds`. A limit may have several rules, all of which must allow a
message: "300/60 3000/86400" lets 300 through at once and 5 a second after
that, but no more than 3,000 a day once the day's bucket is empty. A refused
message gets HTTP 429 with the seconds to wait, and counts against nothing.
Limits are settings (clinic/settings.py), or "off".
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

# Keys kept at most; the least recently seen are forgotten first (a forgotten key starts with a full bucket).
MAX_KEYS = 100_000
# One IPv6 household or phone is given a whole /64: limiting single IPv6 addresses would limit nothing.
IPV6_PREFIX = 64


@dataclass(frozen=True)
class Rule:
    burst: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.burst / self.seconds


@dataclass
class _Bucket:
    tokens: list[float]
    updated: float


class RateLimiter:
    """Allows a message from a key when every rule's bucket for that key holds a token."""

    def __init__(self, rules: list[Rule], clock: Callable[[], float] = time.monotonic) -> None:
        if not rules or any(rule.burst < 1 or rule.seconds <= 0 for rule in rules):
            raise ValueError("a rate limit needs at least 1 message per a positive number of seconds")
        self.rules = tuple(rules)
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    @classmethod
    def parse(cls, setting: str | None) -> RateLimiter | None:
        """A limiter from "BURST/SECONDS [BURST/SECONDS ...]", or None for "off" or nothing."""
        if setting is None or str(setting).strip().lower() in {"", "off", "none", "0"}:
            return None
        rules = []
        for word in str(setting).split():
            burst, _, seconds = word.partition("/")
            try:
                rules.append(Rule(int(burst), float(seconds)))
            except ValueError:
                raise ValueError(
                    f"rate limit {setting!r}: write it as BURST/SECONDS, e.g. 20/10 (several separated by spaces), "
                    "or off"
                ) from None
        try:
            return cls(rules)
        except ValueError as error:
            raise ValueError(f"rate limit {setting!r}: {error}; write it as BURST/SECONDS, e.g. 20/10") from None

    def _bucket(self, key: str) -> _Bucket:
        """The key's bucket, refilled up to now, as the most recently seen key."""
        now = self.clock()
        bucket = self._buckets.pop(key, None) or _Bucket([float(rule.burst) for rule in self.rules], now)
        elapsed = now - bucket.updated
        bucket.tokens = [
            min(rule.burst, tokens + elapsed * rule.per_second)
            for rule, tokens in zip(self.rules, bucket.tokens, strict=True)
        ]
        bucket.updated = now
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        return bucket

    def wait(self, key: str) -> float:
        """0 if a message from `key` may go now, else the seconds until it may. Counts nothing."""
        bucket = self._bucket(key)
        waits = [
            (1 - tokens) / rule.per_second for rule, tokens in zip(self.rules, bucket.tokens, strict=True) if tokens < 1
        ]
        return max(waits, default=0.0)

    def take(self, key: str) -> None:
        """Count a message from `key` (after `wait` said it may go)."""
        bucket = self._bucket(key)
        bucket.tokens = [tokens - 1 for tokens in bucket.tokens]

    def retry_after(self, key: str) -> float:
        """`wait`, and count the message when it may go."""
        seconds = self.wait(key)
        if not seconds:
            self.take(key)
        return seconds


class RecentKeys:
    """The keys seen lately (at most MAX_KEYS, the oldest forgotten first): which conversations are new."""

    def __init__(self) -> None:
        self._keys: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def add(self, key: str) -> None:
        self._keys.pop(key, None)
        self._keys[key] = None
        if len(self._keys) > MAX_KEYS:
            self._keys.popitem(last=False)


def address_key(address: str) -> str:
    """What the per-address limits count by: an IPv4 address, or an IPv6 address's /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:  # ::ffff:203.0.113.9, an IPv4 client of a dual-stack server
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
