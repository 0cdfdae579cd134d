"""Records → the exact JSON shapes of the Chargers API page (spec/chargers-api.txt)."""

from __future__ import annotations

from typing import Any

from capacitor_edge.domain.chargers import ChargerDetails
from capacitor_edge.storage.chargers import ChargerRecord, ConnectorStatus
from capacitor_edge.storage.keys import ApiKeyRecord

CHARGER_PROTOCOL = "ocpp1.6"


def _status(charger: ChargerRecord) -> str:
    return "online" if charger.is_online else "offline"


def registered_charger(charger: ChargerRecord, url: str) -> dict[str, Any]:
    return {
        "id": charger.id,
        "chargeBoxId": charger.charge_box_id,
        "name": charger.name,
        "location": charger.location,
        "status": _status(charger),
        "isOnline": charger.is_online,
        "registeredAt": charger.registered_at,
        "connectionUrl": url,
        "instructions": {
            "message": "Configure your charger to connect to the WebSocket URL below",
            "url": url,
            "protocol": CHARGER_PROTOCOL,
        },
    }


def charger_summary(charger: ChargerRecord) -> dict[str, Any]:
    return {
        "id": charger.id,
        "chargeBoxId": charger.charge_box_id,
        "name": charger.name,
        "status": _status(charger),
        "isOnline": charger.is_online,
        "vendor": charger.vendor,
        "model": charger.model,
        "lastHeartbeat": charger.last_heartbeat,
    }


def _connector(status: ConnectorStatus, transaction_id: int | None = None) -> dict[str, Any]:
    return {
        "connectorId": status.connector_id,
        "status": status.status,
        "errorCode": status.error_code,
        "lastUpdated": status.timestamp,
        "transactionId": transaction_id,
    }


def charger_details(details: ChargerDetails, url: str) -> dict[str, Any]:
    charger = details.charger
    # connectorId 0 is the charge point as a whole (OCPP 1.6 §4.9), not a connector.
    charge_point = next((c for c in details.connectors if c.connector_id == 0), None)
    return {
        "id": charger.id,
        "chargeBoxId": charger.charge_box_id,
        "name": charger.name,
        "status": _status(charger),
        "isOnline": charger.is_online,
        "vendor": charger.vendor,
        "model": charger.model,
        "serialNumber": charger.serial_number,
        "firmwareVersion": charger.firmware_version,
        "lastHeartbeat": charger.last_heartbeat,
        "connectors": [
            _connector(c, details.active_transactions.get(c.connector_id))
            for c in details.connectors
            if c.connector_id != 0
        ],
        "connectionUrl": url,
        "location": charger.location,
        "registeredAt": charger.registered_at,
        "chargePointStatus": None if charge_point is None else _connector(charge_point),
        "iccid": charger.iccid,
        "imsi": charger.imsi,
        "meterType": charger.meter_type,
        "meterSerialNumber": charger.meter_serial_number,
        "lastBoot": charger.last_boot,
        "firmwareStatus": charger.firmware_status,
        "firmwareStatusAt": charger.firmware_status_at,
        "diagnosticsStatus": charger.diagnostics_status,
        "diagnosticsStatusAt": charger.diagnostics_status_at,
    }


def status_notifications(
    charge_box_id: str, connector_id: int, history: list[ConnectorStatus]
) -> dict[str, Any]:
    return {
        "chargeBoxId": charge_box_id,
        "connectorId": connector_id,
        "statusNotifications": [
            {"status": s.status, "errorCode": s.error_code, "timestamp": s.timestamp}
            for s in history
        ],
    }


def api_key(record: ApiKeyRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "prefix": record.prefix,
        "lastUsed": record.last_used,
        "createdAt": record.created_at,
    }
