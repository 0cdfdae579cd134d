"""What crossed the charger link, as the API shows it: refused connection attempts an organisation
may see, and a charger's latest OCPP frames."""

from __future__ import annotations

from capacitor_edge.domain.errors import NotFound
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.traffic import ConnectionAttemptRecord, TracedFrameRecord, TrafficStore

#: The storage rows are exactly what the domain shows: re-exported, so the API depends on the
#: domain's names only.
__all__ = ["ATTEMPTS_SHOWN", "ConnectionAttemptRecord", "TracedFrameRecord", "Traffic"]

#: Refused connections shown per request; the box keeps more (storage.traffic.ATTEMPTS_KEPT).
ATTEMPTS_SHOWN = 100


class Traffic:
    def __init__(self, traffic: TrafficStore, chargers: ChargerStore) -> None:
        self._traffic = traffic
        self._chargers = chargers

    async def latest_attempts(self, org_id: str) -> list[ConnectionAttemptRecord]:
        """The newest refused connections of ``org_id``'s chargers and of unregistered ids."""
        return await self._traffic.latest_attempts(org_id, ATTEMPTS_SHOWN)

    async def latest_frames(
        self, org_id: str, charge_box_id: str, limit: int
    ) -> list[TracedFrameRecord]:
        """The charger's newest ``limit`` frames in and out, newest first; NotFound if
        ``org_id`` has no charger of that id."""
        charger = await self._chargers.find(charge_box_id, org_id)
        if charger is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return await self._traffic.latest_frames(charger.seq, limit)
