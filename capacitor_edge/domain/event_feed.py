"""What the live readers of the journal share, so that many of them cost about as much as one
(issue 14: "many readers at once must not slow chargers down").

Readers woken by a commit do not each read at once: they wait for the next tick of a shared
grid (every ``interval_s`` of trio time) and read up to the journal head as it was at that
tick. Readers that are caught up then ask the very same question (organisation, position,
filter, head), and one read of SQLite answers all of them.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import trio

from capacitor_edge.domain.events import Events

#: Different questions kept answered at once (positions, filters, organisations).
MAX_SHARED = 256
Rows = list[tuple[int, str, str]]


@dataclass(frozen=True)
class Page:
    """One read, as every reader that asked sends it."""

    count: int
    last_seq: int
    rendered: bytes


@dataclass
class _Shared:
    done: trio.Event = field(default_factory=trio.Event)
    page: Page | None = None


class EventFeed:
    def __init__(
        self,
        events: Events,
        interval_s: float,
        batch: int,
        render: Callable[[Rows], bytes],
    ) -> None:
        self._events = events
        self._render = render
        self._interval_s = interval_s
        self._batch = batch
        self._heads: OrderedDict[float, int] = OrderedDict()
        self._reads: OrderedDict[tuple[object, ...], _Shared] = OrderedDict()

    async def next_tick_head(self) -> int:
        """Sleep to the next tick; the journal head as the first reader saw it there."""
        tick = (math.floor(trio.current_time() / self._interval_s) + 1) * self._interval_s
        await trio.sleep_until(tick)
        head = self._heads.setdefault(tick, self._events.head)
        while len(self._heads) > 8:
            self._heads.popitem(last=False)
        return head

    async def read(
        self,
        org_id: str,
        after: int,
        upto: int,
        types: Sequence[str],
        charge_box_id: str | None,
    ) -> Page:
        """Up to ``batch`` events after ``after`` and up to ``upto``, rendered; one read of the
        journal (and one rendering) for every reader asking the same."""
        key = (org_id, after, upto, tuple(types), charge_box_id)
        shared = self._reads.get(key)
        if shared is not None:
            await shared.done.wait()
            if shared.page is not None:
                return shared.page
        shared = self._reads[key] = _Shared()
        while len(self._reads) > MAX_SHARED:
            self._reads.popitem(last=False)
        try:
            rows = await self._events.page_json(
                org_id, after, self._batch, types, charge_box_id, upto=upto
            )
            last = rows[-1][0] if rows else after
            shared.page = Page(len(rows), last, self._render(rows) if rows else b"")
        finally:
            shared.done.set()
            if shared.page is None:  # failed or cancelled: the others read for themselves
                self._reads.pop(key, None)
        return shared.page
