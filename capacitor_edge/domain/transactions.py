"""Charging sessions as the REST API shows them: energy in kWh, duration in minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from capacitor_edge.clock import Clock, parse_iso
from capacitor_edge.domain.errors import NotFound
from capacitor_edge.storage.transactions import StoredSample, TransactionRecord, TransactionStore

# The storage rows the API shows are exactly the domain's entities: re-exported here (``X as X``)
# so the adapters depend on the domain only.
from capacitor_edge.storage.transactions import TransactionFilter as TransactionFilter


@dataclass(frozen=True)
class TransactionView:
    record: TransactionRecord
    meter_stop: int | None
    energy_kwh: float | None
    duration_minutes: int


def view(record: TransactionRecord, now: datetime) -> TransactionView:
    """Energy and duration: final for a completed session; so far (from the newest energy
    register reading) for an active one. When a start or stop time came from a charger clock
    not set yet (``clock_suspect``), the duration runs between the box's receive times instead:
    1970 to 2026 is not a charging session."""
    if record.clock_suspect:
        start = parse_iso(record.created_at)
        stopped = record.stop_received_at or record.stop_time
    else:
        start = parse_iso(record.start_time)
        stopped = record.stop_time
    end = parse_iso(stopped) if stopped else now
    minutes = max(int((end - start).total_seconds() // 60), 0)
    if record.meter_stop is not None:
        reading: float | None = float(record.meter_stop)
    else:
        reading = record.last_meter_wh
    energy = None if reading is None else round(max(reading - record.meter_start, 0) / 1000, 3)
    return TransactionView(record, record.meter_stop, energy, minutes)


class Transactions:
    def __init__(self, store: TransactionStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def count_active(self) -> int:
        """Transactions started and not yet stopped, on every charger of the box (metrics)."""
        return await self._store.count_active()

    async def get(self, org_id: str, transaction_id: int) -> TransactionView:
        record = await self._store.find(org_id, transaction_id)
        if record is None:
            raise NotFound(f"Transaction {transaction_id} not found")
        return view(record, self._clock.now())

    async def page(
        self, org_id: str, flt: TransactionFilter, limit: int, offset: int
    ) -> tuple[list[TransactionView], int]:
        records, total = await self._store.page(org_id, flt, limit, offset)
        now = self._clock.now()
        return [view(r, now) for r in records], total

    async def all(self, org_id: str, flt: TransactionFilter) -> list[TransactionView]:
        now = self._clock.now()
        return [view(r, now) for r in await self._store.all(org_id, flt)]

    async def samples(
        self, org_id: str, transaction_id: int, limit: int, offset: int
    ) -> tuple[list[StoredSample], int]:
        await self.get(org_id, transaction_id)  # 404 for another organisation's transaction
        return await self._store.samples(transaction_id, limit, offset)
