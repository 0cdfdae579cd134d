"""What the fleet uplink (``capacitor_edge.uplink``, issue 19) needs from the box: the journal
across organisations with its durable publish cursor, a snapshot of every charger's state, and
who a command from the fleet acts as."""

from __future__ import annotations

import trio

from capacitor_edge.domain.errors import NotFound
from capacitor_edge.domain.keys import Principal
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.uplink import ChargerSnapshot, UplinkEvent, UplinkStore

__all__ = ["ChargerSnapshot", "Uplink", "UplinkEvent"]

#: The ``apiKeyId`` of commands from the fleet in the command log (GET .../commands).
MQTT_KEY_ID = "mqtt"


class Uplink:
    def __init__(self, store: UplinkStore, chargers: ChargerStore) -> None:
        self._store = store
        self._chargers = chargers
        #: The newest cursor written in this run (0 before the first).
        self.persisted = 0
        self._moved = trio.Event()

    @property
    def head(self) -> int:
        return self._store.head

    async def activate(self, cap: int) -> int:
        """Hold back retention from here on (up to ``cap`` events); the publish cursor."""
        return await self._store.activate(cap)

    async def deactivate(self) -> None:
        """The uplink is switched off: retention need not wait for it any more."""
        await self._store.deactivate()

    async def advance(self, cursor: int) -> None:
        await self._store.advance(cursor)
        self.persisted = max(self.persisted, cursor)
        self._moved.set()
        self._moved = trio.Event()

    async def wait_persisted(self, seq: int) -> None:
        """Return once the cursor is durably at ``seq`` or beyond."""
        while self.persisted < seq:
            await self._moved.wait()

    async def read_after(self, after: int, limit: int, site: str) -> list[UplinkEvent]:
        return await self._store.read_after(after, limit, site)

    async def wait_beyond(self, seq: int) -> None:
        await self._store.wait_beyond(seq)

    async def snapshot(self) -> tuple[int, list[ChargerSnapshot]]:
        return await self._store.snapshot()

    async def principal_for(self, charge_box_id: str) -> Principal:
        """The fleet acts for the organisation that registered the charger."""
        charger = await self._chargers.find(charge_box_id)
        if charger is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return Principal(org_id=charger.org_id, key_id=MQTT_KEY_ID)
