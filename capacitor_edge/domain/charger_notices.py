"""The charger-initiated messages that only record what a charger reports (DataTransfer, the
firmware and diagnostics progress notifications): split out of
:mod:`capacitor_edge.domain.charger_messages` by what they hold, which inherits them."""

from __future__ import annotations

import json
from typing import Any

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.charger_sessions import ChargerIdentity
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.transactions import TransactionStore


class ChargerNotices:
    # Set by ChargerMessages.__init__.
    _chargers: ChargerStore
    _transactions: TransactionStore
    _clock: Clock
    _accepted_vendors: frozenset[str]

    async def data_transfer(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.3: recorded; Accepted only for a configured vendorId."""
        data = payload.get("data")
        await self._transactions.record_data_transfer(
            charger.charger_seq,
            payload["vendorId"],
            payload.get("messageId"),
            data if data is None or isinstance(data, str) else json.dumps(data),
            iso_z(self._clock.now()),
        )
        if payload["vendorId"] in self._accepted_vendors:
            return {"status": "Accepted"}
        return {"status": "UnknownVendorId"}

    async def firmware_status_notification(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.5: progress of an UpdateFirmware."""
        await self._chargers.record_firmware_status(
            charger.charger_seq, payload["status"], iso_z(self._clock.now())
        )
        return {}

    async def diagnostics_status_notification(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.4: progress of a GetDiagnostics upload."""
        await self._chargers.record_diagnostics_status(
            charger.charger_seq, payload["status"], iso_z(self._clock.now())
        )
        return {}
