"""How fast one conversation, or one network address, may send messages (used by rest.py).

A token bucket per key: `burst` messages at once, then `per_second` more
each second. A refused message gets HTTP 429 with the seconds to wait.
Limits are written "BURST/SECONDS" (e.g. "20/10": 20 messages, refilled over
10 seconds) in credentials.yml, or "off".
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

# Keys kept at most; the least recently seen are forgotten first (a forgotten key starts with a full bucket).
MAX_KEYS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Allows `burst` messages at once per key, refilled at `burst / seconds` per second."""

    def __init__(self, burst: int, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        if burst < 1 or seconds <= 0:
            raise ValueError("a rate limit needs at least 1 message per a positive number of seconds")
        self.burst = burst
        self.per_second = burst / seconds
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    @classmethod
    def parse(cls, setting: str | None) -> RateLimiter | None:
        """A limiter from "BURST/SECONDS", or None for "off" or nothing."""
        if setting is None or str(setting).strip().lower() in {"", "off", "none", "0"}:
            return None
        burst, _, seconds = str(setting).partition("/")
        try:
            return cls(int(burst), float(seconds))
        except ValueError:
            raise ValueError(f"rate limit {setting!r}: write it as BURST/SECONDS, e.g. 20/10, or off") from None

    def retry_after(self, key: str) -> float:
        """0 if a message from `key` may go now (and count it), else the seconds until it may."""
        now = self.clock()
        bucket = self._buckets.pop(key, None) or _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.per_second
