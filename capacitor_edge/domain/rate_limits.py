"""Failed-login rate limiting per source address: a token bucket spent by failures only.

Each source address has a bucket of ``per_minute`` tokens that refills at ``per_minute`` tokens a
minute. A failed attempt (wrong password, wrong API key, wrong certificate) takes one token; with
less than one token left, the address is refused before its credentials are even looked at, until
a token is back. Success costs nothing, and the limit is per address, never per account: a flood
of wrong passwords for charger CP-1 from one address cannot lock out CP-1 itself, which connects
from its own address.

Time comes from ``trio.current_time()`` so tests drive it with ``trio.testing.MockClock``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import trio

#: Past this many tracked addresses, buckets that have refilled completely are forgotten (a full
#: bucket is the same as no bucket), so a scan from many addresses cannot grow memory for long.
PRUNE_ABOVE = 4096


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass(frozen=True)
class LimitState:
    """What the ``RateLimit-*`` headers say about one address."""

    limit: int
    remaining: int
    #: Seconds until the bucket is full again (0 when it is).
    reset_s: int


class FailureLimiter:
    def __init__(self, per_minute: int) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.capacity = per_minute
        self._rate = per_minute / 60.0  # tokens per second
        self._buckets: dict[str, _Bucket] = {}

    def _tokens(self, source: str, now: float) -> float:
        bucket = self._buckets.get(source)
        if bucket is None:
            return float(self.capacity)
        return min(float(self.capacity), bucket.tokens + (now - bucket.at) * self._rate)

    def retry_after(self, source: str) -> float | None:
        """None if ``source`` may try (again); else the seconds until it may."""
        tokens = self._tokens(source, trio.current_time())
        if tokens >= 1.0:
            return None
        return (1.0 - tokens) / self._rate

    def failed(self, source: str) -> None:
        """Spend one of ``source``'s tokens on a failed attempt."""
        now = trio.current_time()
        tokens = self._tokens(source, now)
        self._buckets[source] = _Bucket(max(0.0, tokens - 1.0), now)
        if len(self._buckets) > PRUNE_ABOVE:
            self._prune(now)

    def take(self, source: str) -> float | None:
        """Spend a token before checking credentials that take a while to check (so concurrent
        attempts cannot all slip past :meth:`retry_after`); :meth:`refund` it on success.
        Returns None if taken, else the seconds until ``source`` may try again."""
        now = trio.current_time()
        tokens = self._tokens(source, now)
        if tokens < 1.0:
            return (1.0 - tokens) / self._rate
        self._buckets[source] = _Bucket(tokens - 1.0, now)
        if len(self._buckets) > PRUNE_ABOVE:
            self._prune(now)
        return None

    def refund(self, source: str) -> None:
        """Give back a token taken by :meth:`take` for an attempt that did not fail."""
        now = trio.current_time()
        tokens = min(float(self.capacity), self._tokens(source, now) + 1.0)
        self._buckets[source] = _Bucket(tokens, now)

    def state(self, source: str) -> LimitState:
        tokens = self._tokens(source, trio.current_time())
        return LimitState(
            limit=self.capacity,
            remaining=math.floor(tokens),
            reset_s=math.ceil((self.capacity - tokens) / self._rate),
        )

    def _prune(self, now: float) -> None:
        full = [s for s in self._buckets if self._tokens(s, now) >= self.capacity]
        for source in full:
            del self._buckets[source]

    def tracked(self) -> int:
        """How many addresses have a bucket that is not full (for tests and diagnostics)."""
        return len(self._buckets)
