"""What the Central System does with each message a charger sends (OCPP 1.6 §4), and with the
charger's connection coming and going.

Every handler commits what it records before it returns, so the CALLRESULT built from its answer
is only sent once the data is durable (group commit makes that cheap).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from capacitor_edge.clock import Clock, iso_z, parse_iso
from capacitor_edge.storage.chargers import BootInfo, ChargerStore, ConnectorStatus
from capacitor_edge.storage.traffic import TrafficStore


def charger_time(text: str | None, fallback: str) -> str:
    """A charger's timestamp in our format; ``fallback`` when absent or unreadable (the schema's
    date-time check admits forms, e.g. nanoseconds, that Python does not parse)."""
    if not text:
        return fallback
    try:
        return iso_z(parse_iso(text))
    except ValueError:
        return fallback


@dataclass(frozen=True)
class ChargerIdentity:
    """The registration a live session belongs to."""

    charge_box_id: str
    charger_seq: int
    org_id: str


Handler = Callable[[ChargerIdentity, dict[str, Any]], Awaitable[dict[str, Any]]]


class ChargerMessages:
    def __init__(
        self,
        chargers: ChargerStore,
        traffic: TrafficStore,
        clock: Clock,
        heartbeat_interval_s: int,
    ) -> None:
        self._chargers = chargers
        self._traffic = traffic
        self._clock = clock
        self._heartbeat_interval_s = heartbeat_interval_s
        self._traced: set[int] = set()
        self.handlers: dict[str, Handler] = {
            "BootNotification": self.boot_notification,
            "Heartbeat": self.heartbeat,
            "StatusNotification": self.status_notification,
        }

    # -- connection lifecycle --------------------------------------------------------------

    async def identify(self, charge_box_id: str) -> ChargerIdentity | None:
        """The live registration of ``charge_box_id``, or None if it may not connect."""
        record = await self._chargers.find(charge_box_id)
        if record is None:
            return None
        return ChargerIdentity(record.charge_box_id, record.seq, record.org_id)

    async def refused(
        self, charge_box_id: str, org_id: str | None, remote_address: str, reason: str
    ) -> None:
        await self._traffic.record_attempt(
            charge_box_id, org_id, remote_address, reason, iso_z(self._clock.now())
        )

    async def connected(self, charger: ChargerIdentity) -> None:
        await self._chargers.set_online(charger.charger_seq, True, iso_z(self._clock.now()))

    async def disconnected(self, charger: ChargerIdentity) -> None:
        await self._chargers.set_online(charger.charger_seq, False, iso_z(self._clock.now()))

    def trace(self, charger: ChargerIdentity, direction: str, frame: str) -> None:
        """Keep the frame in the charger's trace (queued, committed with the next batch)."""
        self._traffic.trace(charger.charger_seq, direction, frame, iso_z(self._clock.now()))
        self._traced.add(charger.charger_seq)

    async def prune_traces(self, keep: int) -> None:
        """Cut each trace written to since the last prune back to its newest ``keep`` frames."""
        seqs, self._traced = sorted(self._traced), set()
        if seqs:
            await self._traffic.prune_trace(seqs, keep)

    # -- OCPP 1.6 Core: charger-initiated messages -----------------------------------------

    async def boot_notification(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.2: record the charger's identity; accept it with our heartbeat interval."""
        now = self._clock.now()
        boot = BootInfo(
            vendor=payload["chargePointVendor"],
            model=payload["chargePointModel"],
            # chargeBoxSerialNumber is deprecated in 1.6 in favour of chargePointSerialNumber.
            serial_number=payload.get("chargePointSerialNumber")
            or payload.get("chargeBoxSerialNumber"),
            firmware_version=payload.get("firmwareVersion"),
            iccid=payload.get("iccid"),
            imsi=payload.get("imsi"),
            meter_type=payload.get("meterType"),
            meter_serial_number=payload.get("meterSerialNumber"),
        )
        await self._chargers.record_boot(charger.charger_seq, boot, iso_z(now))
        return {
            "status": "Accepted",
            "currentTime": iso_z(now),
            "interval": self._heartbeat_interval_s,
        }

    async def heartbeat(self, charger: ChargerIdentity, payload: dict[str, Any]) -> dict[str, Any]:
        """OCPP 1.6 §4.6: note the heartbeat, tell the charger our time."""
        now = iso_z(self._clock.now())
        await self._chargers.record_heartbeat(charger.charger_seq, now)
        return {"currentTime": now}

    async def status_notification(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.9: the connector's new status (connectorId 0 = the charge point)."""
        received_at = iso_z(self._clock.now())
        timestamp = payload.get("timestamp")
        status = ConnectorStatus(
            connector_id=payload["connectorId"],
            status=payload["status"],
            error_code=payload["errorCode"],
            info=payload.get("info"),
            vendor_id=payload.get("vendorId"),
            vendor_error_code=payload.get("vendorErrorCode"),
            # The charger's own time when it gives one (it may be replaying queued messages),
            # normalised to our format; else the time we received it.
            timestamp=charger_time(timestamp, received_at),
        )
        await self._chargers.record_status(charger.charger_seq, status, received_at)
        return {}
