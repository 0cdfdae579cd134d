"""The live readers of the journal (``/api/v1/events/stream``) and what they share, so that many
of them cost about as much as one (issue 14: "many readers at once must not slow chargers
down").

- One read and one rendering per organisation: readers inside their organisation's
  :class:`~capacitor_edge.domain.event_tail.Tail` take the bytes it already holds; only a reader
  behind it (a replay, or a socket too slow to keep up) reads the journal on its own, until it
  is back inside.
- Readers woken by a commit do not each read at once: they wait for the next tick of a shared
  grid of trio time, then for a consumer's turn (domain/idle_turns.py), so they go together.
- Under sustained load the ticks are further apart (``loaded_tick_s`` instead of ``tick_s``
  once the consumers' turns have found the box busy for ``loaded_after_s``): each reader sends
  fewer, larger chunks, and live events reach a stream that much later (docs/events.md).
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Callable, Sequence

import trio

from capacitor_edge.domain.event_tail import MAX_BYTES, MAX_EVENTS, Reader, Render, Tail
from capacitor_edge.domain.events import Events
from capacitor_edge.domain.idle_turns import LOADED_AFTER_S

#: Ticks of the shared grid while the box is not kept busy.
TICK_S = 0.05
#: Ticks while the chargers keep the box busy: the longest a live event waits for a stream
#: under load, beside the turn (domain/idle_turns.py).
LOADED_TICK_S = 0.5


class EventFeed:
    def __init__(
        self,
        events: Events,
        render: Render,
        batch: int,
        keepalive: bytes,
        tick_s: float = TICK_S,
        loaded_tick_s: float = LOADED_TICK_S,
        loaded_after_s: float = LOADED_AFTER_S,
        tail_events: int = MAX_EVENTS,
        tail_bytes: int = MAX_BYTES,
    ) -> None:
        self._events = events
        self._render = render
        self._batch = batch
        self._keepalive = keepalive
        self._tick_s = tick_s
        self._loaded_tick_s = loaded_tick_s
        self._loaded_after_s = loaded_after_s
        self._tail_bounds = (tail_events, tail_bytes)
        self.tails: dict[str, Tail] = {}

    def interval(self) -> float:
        """The ticks' spacing now: wider while the chargers keep the box busy."""
        if self._events.turns.busy_for() >= self._loaded_after_s:
            return self._loaded_tick_s
        return self._tick_s

    async def next_tick(self) -> None:
        """Sleep to the next tick of the grid, which every reader shares."""
        interval = self.interval()
        await trio.sleep_until((math.floor(trio.current_time() / interval) + 1) * interval)

    async def stream(
        self,
        org_id: str,
        position: int,
        types: Sequence[str],
        charge_box_id: str | None,
        active: Callable[[], bool],
        keepalive_s: float,
    ) -> AsyncGenerator[bytes, None]:
        """The frames of the organisation's events after ``position`` that the filter wants,
        in order, a chunk per turn; ``keepalive`` after ``keepalive_s`` without any. Ends when
        the box stops or ``active()`` is false (checked at least every ``keepalive_s``)."""
        reader = Reader(position, types, charge_box_id)
        tail = self._join(org_id, reader)
        try:
            while not self._events.stopping.is_set() and active():
                await self._events.turn()  # the chargers first; the readers share the turn
                chunk, caught_up = await self.read(org_id, tail, reader)
                if chunk:
                    # One write per turn: under load a reader sends many events at a time.
                    yield chunk
                if not caught_up:
                    continue
                # Under load the next events are already there: then no wait is set up.
                if self._events.head <= reader.position and not await self._events.wait_live(
                    reader.position, keepalive_s
                ):
                    yield self._keepalive
                elif not self._events.stopping.is_set():
                    await self.next_tick()
        finally:
            self._leave(org_id, tail, reader)

    async def read(self, org_id: str, tail: Tail, reader: Reader) -> tuple[bytes, bool]:
        """The reader's next events, rendered; whether it then has every event that was
        committed when it asked."""
        head = self._events.head
        if not tail.holds(reader.position):
            return await self._read_alone(org_id, reader, head)
        if tail.high < head:
            await tail.extend(head, reader.position)
            if not tail.holds(reader.position):
                return b"", False  # the tail moved past it while it waited: the journal then
        return tail.take(reader), tail.high >= head

    async def _read_alone(self, org_id: str, reader: Reader, head: int) -> tuple[bytes, bool]:
        """A page from the journal, filtered by SQLite, for a reader behind the tail."""
        types, charge_box_id = sorted(reader.types), reader.charge_box_id
        rows = await self._events.page_json(
            org_id, reader.position, self._batch, types, charge_box_id, upto=head
        )
        chunk = b"".join([self._render(*row) for row in rows])
        if len(rows) == self._batch:
            reader.position = rows[-1][0]
            return chunk, False
        # Every event up to `head` was read: none left for this reader there.
        reader.position = max(reader.position, head)
        return chunk, True

    def _join(self, org_id: str, reader: Reader) -> Tail:
        tail = self.tails.get(org_id)
        if tail is None:

            async def read_rows(
                after: int, upto: int, limit: int
            ) -> list[tuple[int, str, str | None, str]]:
                return await self._events.tail(org_id, after, upto, limit)

            tail = self.tails[org_id] = Tail(
                read_rows, self._render, self._events.head, self._batch, *self._tail_bounds
            )
        tail.readers.add(reader)
        return tail

    def _leave(self, org_id: str, tail: Tail, reader: Reader) -> None:
        tail.readers.discard(reader)
        if not tail.readers and self.tails.get(org_id) is tail:
            del self.tails[org_id]  # its memory goes with its last reader
