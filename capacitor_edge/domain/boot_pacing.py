"""When the work the box does by itself after a charger's boot runs: at once, except in a storm.

After each boot the box reads the charger's features (GetConfiguration) and brings its
authorization up to date: a few reads, a CALL and a write per charger. When every charger of
the car park reconnects at once (a power cut, the box restarting), that work competed with the
storm itself: measured (bench/ocpp_bench.py storm, docs/PERFORMANCE.md, issue 21) it was about
a fifth of the box's CPU per charger, so each charger's own Boot and StatusNotifications were
answered later. In a storm it now waits until the boots pause (``QUIET_S`` without one), at most
``MAX_DEFER_S``, and then runs ``CONCURRENCY`` chargers at a time, so the work is spread out
instead of landing on the box all at once. Outside a storm (fewer than ``STORM_BOOTS`` boots
in about a second) nothing waits.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import trio

#: Boots within about a second (an exponentially decaying count) that make a storm.
STORM_BOOTS = 50.0
#: The decay time of that count, in seconds.
DECAY_S = 1.0
#: In a storm, the work waits for this long without a boot...
QUIET_S = 1.0
#: ... but never longer than this after its own boot.
MAX_DEFER_S = 30.0
#: Chargers whose after-boot work runs at once (a storm's backlog is worked through this wide).
CONCURRENCY = 200


class BootPacing:
    __slots__ = ("_at", "_calm", "_count", "_last", "_limiter")

    def __init__(self, concurrency: int = CONCURRENCY) -> None:
        self._count = 0.0
        self._at = -math.inf
        self._last = -math.inf
        #: Set when the boots pause; None while no work waits. One task (the first to wait)
        #: watches the clock for all of them: a storm's thousands each waking once a second to
        #: look cost more CPU than the work they put off (measured, docs/PERFORMANCE.md).
        self._calm: trio.Event | None = None
        self._limiter = trio.CapacityLimiter(concurrency)

    def note(self) -> float:
        """A charger booted; returns the time of it, for :meth:`turn`."""
        now = trio.current_time()
        self._count = self._count * math.exp(-(now - self._at) / DECAY_S) + 1.0
        self._at = self._last = now
        return now

    @property
    def storming(self) -> bool:
        now = trio.current_time()
        return self._count * math.exp(-(now - self._at) / DECAY_S) >= STORM_BOOTS

    @asynccontextmanager
    async def turn(self, booted_at: float, storm: bool | None = None) -> AsyncIterator[None]:
        """Run one charger's after-boot work inside this block (``booted_at`` from
        :meth:`note`). In a storm (``storm``, or if None :attr:`storming` now) it first waits
        until the boots pause."""
        if self.storming if storm is None else storm:
            calm = self._calm
            if calm is None:
                await self._watch(booted_at)
            else:
                with trio.move_on_at(booted_at + MAX_DEFER_S):
                    await calm.wait()
        async with self._limiter:
            yield

    async def _watch(self, booted_at: float) -> None:
        """Wait for the boots to pause (or ``MAX_DEFER_S``), then let every waiter go."""
        calm = self._calm = trio.Event()
        try:
            while True:
                now = trio.current_time()
                if now - self._last >= QUIET_S or now - booted_at >= MAX_DEFER_S:
                    return
                await trio.sleep(min(self._last + QUIET_S, booted_at + MAX_DEFER_S) - now)
        finally:
            self._calm = None
            calm.set()
