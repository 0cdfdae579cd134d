"""The journal as the adapters see it: reading it by cursor, waiting for what comes next, and
keeping it within its retention (DESIGN.md, "The journal")."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Invalid, StorageFailure
from capacitor_edge.domain.idle_turns import IdleTurns
from capacitor_edge.storage.events import (
    API_JSON,
    EVENT_TYPES,
    PRUNE_CHUNK,
    WEBHOOK_JSON,
    Event,
    EventStore,
)

__all__ = ["EVENT_TYPES", "Event", "Events", "parse_types"]

#: How often the journal is pruned to its retention.
PRUNE_INTERVAL_S = 3600.0
log = logging.getLogger("capacitor_edge.events")


def parse_types(text: str | None, field: str = "types") -> tuple[str, ...]:
    """A comma-separated list of event types (empty: all), each one the box writes."""
    if not text:
        return ()
    types = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(set(types) - set(EVENT_TYPES))
    if unknown:
        raise Invalid(field, f"unknown event type {unknown[0]!r} (known: {', '.join(EVENT_TYPES)})")
    return types


class Events:
    def __init__(
        self,
        store: EventStore,
        clock: Clock,
        retention_days: int,
        retention_rows: int,
        turns: IdleTurns | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._retention_days = retention_days
        self._retention_rows = retention_rows
        #: Set when the box shuts down: live streams end at once instead of holding up the
        #: HTTP server's graceful stop.
        self.stopping = trio.Event()
        #: The consumers' turns (domain/idle_turns.py): each step of a webhook worker or a
        #: live stream waits for one.
        self.turns = turns or IdleTurns(lambda: store.writing)

    @property
    def head(self) -> int:
        return self._store.head

    async def turn(self, patient: bool = False) -> None:
        """Wait until the chargers leave the box idle (at most a bounded time, longer for a
        ``patient`` consumer under sustained load): each step of a consumer of the journal waits
        for one (domain/idle_turns.py)."""
        await self.turns.turn(patient)

    async def page(
        self,
        org_id: str,
        after: int,
        limit: int,
        types: Sequence[str] = (),
        charge_box_id: str | None = None,
    ) -> list[Event]:
        return await self._store.page(org_id, after, limit, types, charge_box_id)

    async def page_json(
        self,
        org_id: str,
        after: int,
        limit: int,
        types: Sequence[str] = (),
        charge_box_id: str | None = None,
        *,
        webhook_body: bool = False,
        upto: int | None = None,
    ) -> list[tuple[int, str, str]]:
        """(seq, type, JSON) per event: as the API shows it, or as a webhook body."""
        shape = WEBHOOK_JSON if webhook_body else API_JSON
        return await self._store.serialised(shape, org_id, after, limit, types, charge_box_id, upto)

    async def tail(
        self, org_id: str, after: int, upto: int, limit: int
    ) -> list[tuple[int, str, str | None, str]]:
        """(seq, type, chargeBoxId, JSON as the API shows it) of every one of the
        organisation's events after ``after`` up to ``upto``: the live streams' shared read."""
        return await self._store.tail(org_id, after, upto, limit)

    async def find(self, org_id: str, seq: int) -> Event | None:
        return await self._store.find(org_id, seq)

    async def wait_beyond(self, seq: int) -> None:
        """Return once an event newer than ``seq`` (of any organisation) is committed."""
        await self._store.wait_beyond(seq)

    async def wait_live(self, seq: int, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for an event newer than ``seq``; False if none came (or the
        box is stopping: live readers then end instead of holding up the shutdown)."""
        arrived = False
        with trio.move_on_after(timeout_s):
            async with trio.open_nursery() as nursery:

                async def beyond() -> None:
                    nonlocal arrived
                    await self._store.wait_beyond(seq)
                    arrived = True
                    nursery.cancel_scope.cancel()

                async def stopping() -> None:
                    await self.stopping.wait()
                    nursery.cancel_scope.cancel()

                nursery.start_soon(beyond)
                nursery.start_soon(stopping)
        return arrived

    async def prune(self) -> int:
        """Prune to the retention, a chunk per commit; how many events went."""
        now = self._clock.now()
        older_than = iso_z(now - timedelta(days=self._retention_days))
        total = 0
        while True:
            pruned = await self._store.prune(older_than, self._retention_rows, iso_z(now))
            total += pruned
            if pruned < PRUNE_CHUNK:
                return total

    async def prune_periodically(self) -> None:
        while True:
            try:
                pruned = await self.prune()
            except StorageFailure:
                pruned = 0  # logged once by storage; tried again next time
            if pruned:
                log.info("pruned %d events past their retention", pruned)
            await trio.sleep(PRUNE_INTERVAL_S)
