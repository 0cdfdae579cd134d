"""Turns for the journal's consumers (webhook workers, live streams): they do their work when
the chargers leave the box idle, so that consumers never slow a charger's answer (issue 14:
"many readers at once must not slow chargers down"; "a charger's answer never waits for any of
them", DESIGN.md).

Measured (docs/PERFORMANCE.md, events): on the box's one busy core every webhook POST and
stream write competes with the charger path for the CPU and the GIL, so with 3 webhooks and 10
live readers attached chargers got ~40 % fewer round trips per second. A consumer now asks for
a turn before each step (one delivery, one read of a page for the streams) and gets it when the
event loop has nothing else to run, no I/O is ready and no write waits for or is in the group
commit (the chargers' writes: the commit thread needs the core too). Under a load that never
lets up a consumer still gets a turn at least every ``forced_after_s``: its lag stays bounded,
and it catches up, in order and losing nothing, once the load drops. When the chargers are idle
a turn comes at once, so delivery latency is the receiver's.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import trio

#: The longest a consumer waits for a turn while the chargers keep the box busy.
FORCED_AFTER_S = 0.1
#: While a write waits or commits, the box is looked at again this much later.
WRITING_POLL_S = 0.002
#: Once the box was seen idle, turns are given at once for this long while no write waits: a
#: run of steps (a backlog being delivered) tests for idleness once a slice, not every step,
#: which would hold each webhook worker until the others' answers had come in too.
IDLE_SLICE_S = 0.01
#: What the turns found is forgotten when none was given for this long.
STALE_AFTER_S = 1.0
#: A patient consumer (a webhook worker: one HTTP exchange per step, ~1 ms of the core) waits
#: up to this long for a turn once the box has been busy for ``LOADED_AFTER_S``: under a load
#: that never lets up, 2 deliveries a second per webhook instead of 10 (measured: 3 webhooks
#: took ~25 ms of CPU a second at the shorter bound). The backlog goes out, in order, when the
#: load drops; the live streams space their reads the same way (domain/event_feed.py).
PATIENT_FORCED_AFTER_S = 0.5
#: How long the box must have been busy (no idle turn) to count as under sustained load: patient
#: consumers here and the live streams' ticks (domain/event_feed.py) both go by it.
LOADED_AFTER_S = 0.5


class IdleTurns:
    def __init__(
        self,
        writing: Callable[[], bool],
        forced_after_s: float = FORCED_AFTER_S,
        poll_s: float = WRITING_POLL_S,
        slice_s: float = IDLE_SLICE_S,
    ) -> None:
        self._writing = writing
        self._forced_after_s = forced_after_s
        self._poll_s = poll_s
        self._slice_s = slice_s
        self._idle_until = -math.inf
        #: Since when turns have found the box busy (None: the last one found it idle), and
        #: when the last turn was given: the live streams space their reads by it.
        self._busy_since: float | None = None
        self._last_turn = -math.inf
        #: Consumers waiting for a turn now.
        self.waiting = 0
        #: Set when the box is next idle; None while nobody waits. Consumers waiting at the
        #: same time share one wait (one task watches the box, the others sleep on this).
        self._round: trio.Event | None = None

    def busy_for(self) -> float:
        """How long the turns have found the box busy without a break: 0 when the last one
        found it idle, or when no turn was given for ``STALE_AFTER_S`` (what they found then
        says nothing of now). The live streams space their reads by it (domain/event_feed.py)."""
        now = trio.current_time()
        if self._busy_since is None or now - self._last_turn > STALE_AFTER_S:
            return 0.0
        return now - self._busy_since

    async def turn(self, patient: bool = False) -> None:
        """Return when the box is idle, or after at most ``forced_after_s``; for a ``patient``
        consumer, after at most ``PATIENT_FORCED_AFTER_S`` once the box has been busy for
        ``LOADED_AFTER_S``."""
        if trio.current_time() < self._idle_until and not self._writing():
            await trio.lowlevel.checkpoint()  # a step of the others' first, as any turn
        else:
            bound = self._forced_after_s
            if patient and self.busy_for() >= LOADED_AFTER_S:
                bound = max(bound, PATIENT_FORCED_AFTER_S)
            self.waiting += 1
            try:
                await self._wait(bound)
            finally:
                self.waiting -= 1
        self._last_turn = trio.current_time()

    async def _wait(self, forced_after_s: float) -> None:
        with trio.move_on_after(forced_after_s) as bound:
            current = self._round
            if current is not None:
                await current.wait()
                return
            current = self._round = trio.Event()
            try:
                await self._until_idle()
            finally:
                # Also when the watcher's wait was cut short: the others go too (at worst a
                # turn early, never one missed).
                self._round = None
                current.set()
        if bound.cancelled_caught and self._busy_since is None:
            self._busy_since = trio.current_time()

    async def _until_idle(self) -> None:
        # trio's public idle test lives in trio.testing, which imports pytest (its RaisesGroup
        # helpers) where pytest is installed: imported on the first turn, not at start-up
        # (tests/test_startup_imports.py), and never through trio's private modules.
        from trio.testing import wait_all_tasks_blocked

        while True:
            # Every other task blocked and no I/O ready: trio's own idle test (the one its
            # MockClock autojump uses), cheap to wait on: nothing polls while work remains.
            await wait_all_tasks_blocked()
            if not self._writing():
                self._busy_since = None
                self._idle_until = trio.current_time() + self._slice_s
                return
            await trio.sleep(self._poll_s)
