"""Wall-clock time, injected.

Durations use trio's clock (``trio.current_time``) so tests can run on a MockClock; timestamps
that are stored or shown come from one :class:`Clock` object handed to every service, so a test
can fix "now" without patching anything.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock for tests: stands still until moved."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)


#: ".000Z" to ".999Z": the millisecond tails of :func:`iso_z`.
_MILLIS = tuple(f".{ms:03d}Z" for ms in range(1000))
#: The (year, month, day, hour, minute, second) :func:`iso_z` formatted last, and its text up
#: to the second. One tuple, replaced whole: a reader on another thread sees a matching pair.
_last_second: tuple[tuple[int, int, int, int, int, int], str] = ((0, 0, 0, 0, 0, 0), "")


def iso_z(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and ``Z``, as the Capacitor API writes every timestamp.

    The fixed width makes the strings sort in time order, so they are stored as they are shown.
    """
    global _last_second
    if moment.tzinfo is not UTC:
        # isoformat is C code; strftime was 3.5% of a heartbeat's server time.
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:23] + "Z"
    # A UTC time (what the clock gives): isoformat builds its text through a format string,
    # ~7 % of a StatusNotification round trip's instructions at three stamps per message
    # (docs/PERFORMANCE.md, issue 21); within one second only the milliseconds change.
    second = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    last = _last_second
    if last[0] != second:
        last = _last_second = (second, moment.isoformat(timespec="seconds")[:19])
    return last[1] + _MILLIS[moment.microsecond // 1000]


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (``Z`` or an offset); naive input is taken as UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
