"""One organisation's newest events, read once and rendered once for all its live readers
(issue 14: "many readers at once must not slow chargers down").

Measured (docs/PERFORMANCE.md, "Events: one tail for the live readers"): with every stream
reading the journal with its own filter and rendering each event itself, ten readers cost the
chargers ~20 % of their round trips, ten SQLite reads and ten renderings of every event. A
:class:`Tail` instead reads each new page of the organisation's events once, unfiltered, keeps
each event's rendered bytes, and every reader takes from it the events after its own position
that its filter matches: the bytes are the same object for all of them.

The tail holds every event of the organisation in ``(low, high]`` and no more than a bounded
number (events and bytes): a reader behind ``low`` (a replay from ``Last-Event-ID``, or one whose
socket was too slow to keep up) reads the journal on its own until it is back inside, and then
shares the tail again (domain/event_feed.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import trio

#: The events a tail keeps: enough for a reader to miss a few turns under load and still
#: take its events from the tail, not the journal.
MAX_EVENTS = 10_000
#: And the bytes (an event's frame is ~300 B for a status change, a few KB at most).
MAX_BYTES = 8 * 1024 * 1024

#: (seq, type, chargeBoxId, JSON as the API shows it), as storage reads them.
Row = tuple[int, str, str | None, str]
#: Reads the organisation's events after a seq up to another, at most a limit of them.
ReadRows = Callable[[int, int, int], Awaitable[list[Row]]]
#: One event's bytes as the readers send them, from (seq, type, JSON).
Render = Callable[[int, str, str], bytes]


class Reader:
    """One live reader: its filter, and the seq up to which it has had every event."""

    __slots__ = ("charge_box_id", "position", "types")

    def __init__(self, position: int, types: Sequence[str], charge_box_id: str | None) -> None:
        self.position = position
        self.types = frozenset(types)
        self.charge_box_id = charge_box_id

    def wants(self, type_: str, charge_box_id: str | None) -> bool:
        if self.types and type_ not in self.types:
            return False
        return self.charge_box_id is None or charge_box_id == self.charge_box_id


@dataclass(frozen=True, slots=True)
class _Entry:
    type: str
    charge_box_id: str | None
    frame: bytes


class Tail:
    def __init__(
        self,
        read: ReadRows,
        render: Render,
        start: int,
        batch: int,
        max_events: int = MAX_EVENTS,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self._read = read
        self._render = render
        self._batch = batch
        self._max_events = max_events
        self._max_bytes = max_bytes
        #: Every event of the organisation after ``low`` and up to ``high`` is held.
        self.low = self.high = start
        self._seqs: list[int] = []
        self._entries: list[_Entry] = []
        self._bytes = 0
        self._reading = trio.Lock()
        self.readers: set[Reader] = set()
        #: Reads of the journal made for the tail (one per page, whatever the readers).
        self.reads = 0

    def holds(self, position: int) -> bool:
        """Whether a reader at ``position`` can take its next events from the tail."""
        return position >= self.low

    async def extend(self, head: int, position: int) -> None:
        """Read the organisation's events up to ``head`` (a page at most) unless another
        reader did already; ``position`` is the asking reader's."""
        async with self._reading:
            if position > self.high and not self._needed():
                # Nobody is inside the tail: it starts again where the reader is, instead of
                # reading (for nobody) what came between; never beyond the journal (a reader
                # may bring a Last-Event-ID from another box), which would leave the readers
                # that come next outside it.
                self._restart(min(position, head))
            if self.high >= head:
                return
            rows = await self._read(self.high, head, self._batch)
            self.reads += 1
            render = self._render
            for seq, type_, charge_box_id, body in rows:
                frame = render(seq, type_, body)
                self._seqs.append(seq)
                self._entries.append(_Entry(type_, charge_box_id, frame))
                self._bytes += len(frame)
            # A full page may have more behind it: the tail holds what it read, no more.
            self.high = rows[-1][0] if len(rows) == self._batch else head
            self._trim()

    def take(self, reader: Reader) -> bytes:
        """The frames after the reader's position that its filter wants, joined; the reader
        is then at ``high``. Only for a reader the tail :meth:`holds`."""
        start = bisect.bisect_right(self._seqs, reader.position)
        entries = self._entries[start:]
        reader.position = max(reader.position, self.high)
        if not reader.types and reader.charge_box_id is None:
            return b"".join([entry.frame for entry in entries])
        return b"".join(
            [entry.frame for entry in entries if reader.wants(entry.type, entry.charge_box_id)]
        )

    def _needed(self) -> bool:
        return any(self.low <= reader.position <= self.high for reader in self.readers)

    def _restart(self, position: int) -> None:
        self._seqs.clear()
        self._entries.clear()
        self._bytes = 0
        self.low = self.high = position

    def _trim(self) -> None:
        """Drop the oldest events beyond the bounds (the readers still there go on from the
        journal, domain/event_feed.py)."""
        drop = max(len(self._seqs) - self._max_events, 0)
        freed = sum(len(entry.frame) for entry in self._entries[:drop])
        while self._bytes - freed > self._max_bytes and drop < len(self._entries):
            freed += len(self._entries[drop].frame)
            drop += 1
        if drop == 0:
            return
        self._bytes -= freed
        self.low = self._seqs[drop - 1]
        del self._seqs[:drop]
        del self._entries[:drop]
