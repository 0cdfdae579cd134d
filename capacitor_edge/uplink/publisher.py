"""The journal, published to the fleet broker at least once and in order (issue 19).

Events are read after the durable cursor and published at QoS 1 to
``{prefix}/{site}/events/{type}``, with their sequence number in the payload and as the MQTT 5
user property ``seq``. At most ``mqtt_max_inflight`` are unacknowledged at once; the cursor
moves past an event only once the broker acknowledged it and every event before it (PUBACK),
so after a crash, an outage or a refusal the box publishes again from there: duplicates are
possible, recognisable by ``seq``; gaps are not. While the broker is unreachable paho holds the
unacknowledged ones and resends them on reconnect; the rest wait in the journal.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import trio

from capacitor_edge.domain.errors import StorageFailure
from capacitor_edge.domain.uplink import Uplink
from capacitor_edge.uplink.link import BrokerLink
from capacitor_edge.uplink.state import RetainedState
from capacitor_edge.uplink.topics import Topics

log = logging.getLogger("capacitor_edge.uplink")

#: After a storage failure or an event the broker refused, publishing resumes this much later.
RETRY_S = 5.0
#: Waits for the box to be idle (``Events.turn``, domain/idle_turns.py): the publisher takes a
#: turn before each read of the journal and each cursor write, as the webhooks and live streams
#: do, so the chargers' round trips come first; under a load that never lets up a turn still
#: comes every 0.1 s, and then one read fetches all the events that came meanwhile.
Turn = Callable[[], Awaitable[None]]
#: Woken by a commit, the publisher lets this long pass before it reads. Measured: taking the
#: turn alone (no linger) made batches of one or two events, as the loop is idle between any
#: two round trips, and cost ~17 % more server CPU per round trip than before.
LINGER_S = 0.05
#: After a read found nothing although the head is beyond it, the next read this much later.
EMPTY_READ_S = 0.02
#: The durable cursor is written at most this often: a write per PUBACK would double the
#: box's commits under load. A crash republishes at most this long's events (duplicates, with
#: their seq), never skips one.
PERSIST_INTERVAL_S = 1.0


class _Refused(Exception):
    """The broker answered a publish with a failure reason code: start again from the cursor."""


class Publisher:
    def __init__(
        self,
        uplink: Uplink,
        link: BrokerLink,
        topics: Topics,
        state: RetainedState,
        max_inflight: int,
        turn: Turn,
    ) -> None:
        self._uplink = uplink
        self._turn = turn
        self._link = link
        self._topics = topics
        self._state = state
        self._max_inflight = max_inflight
        #: message id -> event seq, in publishing (= seq) order.
        self._inflight: OrderedDict[int, int] = OrderedDict()
        self._published = 0  # the newest seq handed to the link
        self.cursor = 0  # every event up to here is acknowledged
        self._persisted = 0
        self._room = trio.Event()
        self._acked = trio.Event()
        self._refused: str | None = None

    def on_ack(self, mid: int, ok: bool, reason: str) -> None:
        """A PUBACK (in Trio, from the link)."""
        seq = self._inflight.pop(mid, None)
        if seq is None:
            return  # a retained state or a reply, or from before a restart of the window
        if not ok:
            self._refused = f"event {seq}: {reason}"
        elif self._refused is None:
            self.cursor = (
                next(iter(self._inflight.values())) - 1 if self._inflight else self._published
            )
        self._room.set()
        self._acked.set()

    async def run(self, cursor: int) -> None:
        self.cursor = self._persisted = self._published = cursor
        async with trio.open_nursery() as nursery:
            nursery.start_soon(self._persist_cursor)
            while True:
                try:
                    await self._publish_all()
                except (_Refused, StorageFailure) as error:
                    log.warning("MQTT publishing paused for %g s: %s", RETRY_S, error)
                    await trio.sleep(RETRY_S)
                    # Everything after the cursor goes again (acks still due are ignored).
                    self._inflight.clear()
                    self._refused = None
                    self._published = self.cursor

    async def _publish_all(self) -> None:
        while True:
            if self._refused is not None:
                raise _Refused(self._refused)
            room = self._max_inflight - len(self._inflight)
            if room <= 0:
                self._room = trio.Event()
                await self._room.wait()
                continue
            if self._uplink.head <= self._published:
                # Nothing new (the head is in memory: no read to find that out).
                await self._uplink.wait_beyond(self._published)
                # Woken by one commit, let more come: under load one read (a thread hand-off)
                # and one wake of paho's thread then carry many events, not one each.
                await trio.sleep(LINGER_S)
            await self._turn()
            events = await self._uplink.read_after(self._published, room, self._topics.site)
            if not events:
                # The head moved past events no longer there (pruned at the cap): the next
                # commit moves it again; a pause, not a spin, until then.
                await trio.sleep(EMPTY_READ_S)
                continue
            for event in events:
                mid = self._link.publish(
                    self._topics.event(event.type),
                    event.payload,
                    user_properties=[("seq", str(event.seq))],
                )
                self._inflight[mid] = event.seq
                self._published = event.seq
                self._state.apply(event.seq, event.type, event.charge_box_id, event.payload)

    async def _persist_cursor(self) -> None:
        """Write the cursor when it moved, at most every PERSIST_INTERVAL_S."""
        while True:
            if self.cursor == self._persisted:
                self._acked = trio.Event()
                await self._acked.wait()
                continue
            await self._turn()
            cursor = self.cursor
            try:
                await self._uplink.advance(cursor)
            except StorageFailure:
                await trio.sleep(RETRY_S)
                continue
            self._persisted = cursor
            await trio.sleep(PERSIST_INTERVAL_S)

    async def flush(self) -> None:
        """Persist the cursor now (at shutdown)."""
        if self.cursor > self._persisted:
            await self._uplink.advance(self.cursor)
            self._persisted = self.cursor
