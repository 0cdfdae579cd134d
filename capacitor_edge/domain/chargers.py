"""Charger registrations: register, list, look up, unregister; connector status history."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Conflict, NotFound
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.storage.chargers import (
    ChargerRecord,
    ChargerStore,
    ConnectorStatus,
    DuplicateChargeBoxId,
)
from capacitor_edge.storage.transactions import TransactionStore

#: How many StatusNotifications the connector history endpoint shows.
STATUS_HISTORY_LENGTH = 5
#: WebSocket close code "going away" (RFC 6455 §7.4.1): the charger was unregistered.
CLOSE_GOING_AWAY = 1001


@dataclass(frozen=True)
class ChargerDetails:
    charger: ChargerRecord
    connectors: list[ConnectorStatus]
    #: connectorId → transactionId of the active session on it.
    active_transactions: dict[int, int]


class Chargers:
    def __init__(
        self,
        store: ChargerStore,
        transactions: TransactionStore,
        clock: Clock,
        live: LiveChargers,
        base_url: str,
    ) -> None:
        self._store = store
        self._transactions = transactions
        self._clock = clock
        self._live = live
        self._base_url = base_url.rstrip("/")

    def connection_url(self, charge_box_id: str) -> str:
        # Percent-encode so ids with characters such as ':' or '%' still make a valid URL; the
        # listener percent-decodes the path back to the registered id.
        return f"{self._base_url}/ocpp/{quote(charge_box_id, safe='')}"

    async def register(
        self, org_id: str, charge_box_id: str, name: str | None, location: str | None
    ) -> ChargerRecord:
        try:
            return await self._store.insert(
                charger_id=new_id("chg"),
                org_id=org_id,
                charge_box_id=charge_box_id,
                name=name,
                location=location,
                now=iso_z(self._clock.now()),
            )
        except DuplicateChargeBoxId:
            raise Conflict(f"Charger {charge_box_id} is already registered") from None

    async def page(
        self, org_id: str, *, online: bool | None, limit: int, offset: int
    ) -> tuple[list[ChargerRecord], int]:
        return await self._store.page(org_id, online=online, limit=limit, offset=offset)

    async def details(self, org_id: str, charge_box_id: str) -> ChargerDetails:
        found = await self._store.find_with_connectors(charge_box_id, org_id)
        if found is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        charger, connectors = found
        active = await self._transactions.active_by_connector(charger.seq)
        return ChargerDetails(charger, connectors, active)

    async def unregister(self, org_id: str, charge_box_id: str) -> None:
        if not await self._store.delete(org_id, charge_box_id, iso_z(self._clock.now())):
            raise NotFound(f"Charger {charge_box_id} not found")
        # A deleted charger must not stay connected: its session would keep writing to a
        # registration that no longer exists.
        self._live.disconnect(charge_box_id, CLOSE_GOING_AWAY, "charger unregistered")

    async def status_history(
        self, org_id: str, charge_box_id: str, connector_id: int
    ) -> list[ConnectorStatus]:
        history = await self._store.status_history(
            charge_box_id, org_id, connector_id, STATUS_HISTORY_LENGTH
        )
        if history is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return history
