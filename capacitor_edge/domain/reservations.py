"""Reservations (OCPP 1.6 §3.11): ReserveNow (§5.13) and CancelReservation (§5.1) sent to
chargers, and the box's record of each reservation's life: active once the charger accepts it;
used when a StartTransaction carries its reservationId (§4.8); expired at its expiryDate;
cancelled by CancelReservation. The box refuses, with nothing sent, a reservation that would
conflict with one it already holds on the charger (the same connector or the same idTag).
"""

from __future__ import annotations

import logging

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.charger_calls import ChargerCalls, snake_status
from capacitor_edge.domain.errors import Conflict, Invalid, NotFound, StorageFailure
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.times import normalise_time
from capacitor_edge.protocol.ocpp_messages import call, call_result
from capacitor_edge.storage.chargers import ChargerRecord, ChargerStore
from capacitor_edge.storage.commands import CommandStore

# The storage rows the API shows are the domain's entities (re-exported for the adapters).
from capacitor_edge.storage.reservations import ReservationRecord as ReservationRecord
from capacitor_edge.storage.reservations import ReservationStore

log = logging.getLogger("capacitor_edge.reservations")


class ReservationRefused(Conflict):
    """The charger answered ReserveNow or CancelReservation with something other than
    Accepted; ``status`` is its answer in snake case (faulted, occupied, rejected, ...)."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


class Reservations:
    def __init__(
        self,
        live: LiveChargers,
        chargers: ChargerStore,
        store: ReservationStore,
        audit: CommandStore,
        clock: Clock,
        sweep_s: float = 5.0,
    ) -> None:
        self._chargers = chargers
        self._store = store
        self._calls = ChargerCalls(live, audit, clock)
        self._clock = clock
        self._sweep_s = sweep_s

    def _now(self) -> str:
        return iso_z(self._clock.now())

    async def _charger(self, principal: Principal, charge_box_id: str) -> ChargerRecord:
        record = await self._chargers.find(charge_box_id, principal.org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return record

    async def reserve(
        self,
        principal: Principal,
        charge_box_id: str,
        connector_id: int,
        id_tag: str,
        expiry_date: str,
        parent_id_tag: str | None = None,
    ) -> ReservationRecord:
        """ReserveNow (OCPP 1.6 §5.13); connector 0 reserves any connector of the charger.
        Raises :class:`ReservationRefused` with the charger's answer when it is not Accepted."""
        expiry = normalise_time("expiryDate", expiry_date)
        assert expiry is not None
        now = self._now()
        if expiry <= now:
            raise Invalid("expiryDate", "must be in the future")
        charger = await self._charger(principal, charge_box_id)
        await self._store.expire_due(now)
        opened = await self._store.open(
            charger.seq,
            principal.org_id,
            charger.charge_box_id,
            connector_id,
            id_tag,
            parent_id_tag,
            expiry,
            now,
        )
        if isinstance(opened, str):
            raise Conflict(f"Refused: {opened}")
        request = call.ReserveNow(
            connector_id=connector_id,
            expiry_date=expiry,
            id_tag=id_tag,
            reservation_id=opened.reservation_id,
            parent_id_tag=parent_id_tag,
        )
        try:
            answer = await self._calls.exchange(principal, charger, request, call_result.ReserveNow)
        except BaseException:
            with trio.CancelScope(shield=True):
                await self._settle(charger.seq, opened.reservation_id, "refused")
            raise
        status = str(answer.status)
        if status != "Accepted":
            await self._settle(charger.seq, opened.reservation_id, "refused")
            raise ReservationRefused(
                f"Reservation refused by charger {charge_box_id}: {status}", snake_status(status)
            )
        active = await self._settle(charger.seq, opened.reservation_id, "active")
        assert active is not None
        return active

    async def _settle(
        self, charger_seq: int, reservation_id: int, status: str
    ) -> ReservationRecord | None:
        return await self._store.settle(
            charger_seq, reservation_id, status, self._now(), from_states=("pending",)
        )

    async def cancel(
        self, principal: Principal, charge_box_id: str, reservation_id: int
    ) -> ReservationRecord:
        """CancelReservation (OCPP 1.6 §5.1) of an active reservation."""
        charger = await self._charger(principal, charge_box_id)
        await self._store.expire_due(self._now())
        current = await self._store.find(charger.seq, reservation_id)
        if current is None:
            raise NotFound(f"Reservation {reservation_id} not found")
        if current.status != "active":
            raise Conflict(f"Reservation {reservation_id} is already {current.status}")
        request = call.CancelReservation(reservation_id=reservation_id)
        answer = await self._calls.exchange(
            principal, charger, request, call_result.CancelReservation
        )
        status = str(answer.status)
        if status != "Accepted":
            raise ReservationRefused(
                f"Cancellation refused by charger {charge_box_id}: {status}", snake_status(status)
            )
        cancelled = await self._store.settle(charger.seq, reservation_id, "cancelled", self._now())
        if cancelled is None:  # used or expired while the charger answered
            found = await self._store.find(charger.seq, reservation_id)
            assert found is not None
            return found
        return cancelled

    async def of_charger(self, principal: Principal, charge_box_id: str) -> list[ReservationRecord]:
        """The charger's reservations, newest first, expired ones marked so."""
        charger = await self._charger(principal, charge_box_id)
        await self._store.expire_due(self._now())
        return await self._store.of_charger(charger.seq)

    async def used(self, charger_seq: int, reservation_id: int, transaction_id: int) -> None:
        """A StartTransaction carried ``reservation_id`` (OCPP 1.6 §4.8): it ends as used.
        One the box does not hold (another charger's, or already ended) changes nothing."""
        await self._store.settle(
            charger_seq, reservation_id, "used", self._now(), transaction_id=transaction_id
        )

    async def run(
        self, shutdown: trio.Event, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        """Mark reservations past their expiryDate as expired every ``sweep_s`` until
        ``shutdown`` (a reservation also shows expired as soon as it is read)."""
        async with trio.open_nursery() as nursery:

            async def stop() -> None:
                await shutdown.wait()
                nursery.cancel_scope.cancel()

            nursery.start_soon(stop)
            task_status.started()
            while True:
                await trio.sleep(self._sweep_s)
                try:
                    await self._store.expire_due(self._now())
                except StorageFailure as failure:
                    log.warning("reservations not expired: %s", failure.message)
