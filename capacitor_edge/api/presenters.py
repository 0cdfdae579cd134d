"""Records → the response models of the Chargers API page (spec/chargers-api.txt), whose JSON is
exactly what it shows; and of the keys and /health."""

from __future__ import annotations

from datetime import datetime

from capacitor_edge.api import responses as r
from capacitor_edge.clock import iso_z
from capacitor_edge.domain.certificates import CertificateWatch
from capacitor_edge.domain.chargers import ChargerRecord, ChargerView, ConnectorStatus
from capacitor_edge.domain.health import StorageHealth
from capacitor_edge.domain.keys import ApiKeyRecord

CHARGER_PROTOCOL = "ocpp1.6"


def _status(charger: ChargerRecord) -> str:
    return "online" if charger.is_online else "offline"


#: What the installer must set on the charger, per OCPP 1.6 security profile.
_INSTRUCTIONS = {
    0: "Configure your charger to connect to the WebSocket URL below",
    1: "Configure your charger to connect to the WebSocket URL below (OCPP security profile 1)"
    " with HTTP Basic authentication: user = its chargeBoxId, password = its AuthorizationKey",
    2: "Configure your charger to connect to the WebSocket URL below over TLS (OCPP security"
    " profile 2): install the site CA certificate (certs/ca.pem from `capacitor-edge certs"
    " init`) as its Central System root certificate, and set HTTP Basic authentication: user ="
    " its chargeBoxId, password = its AuthorizationKey",
    3: "Configure your charger to connect to the WebSocket URL below over TLS with a client"
    " certificate (OCPP security profile 3): install the site CA certificate (certs/ca.pem) as"
    " its Central System root certificate, and the client certificate and key made by"
    " `capacitor-edge certs charger <chargeBoxId>` (subject CN = its chargeBoxId)",
}


def registered_charger(
    charger: ChargerRecord, url: str, generated_key: str | None = None
) -> r.RegisteredCharger:
    body = r.RegisteredCharger(
        id=charger.id,
        chargeBoxId=charger.charge_box_id,
        name=charger.name,
        location=charger.location,
        status=_status(charger),
        isOnline=charger.is_online,
        registeredAt=charger.registered_at,
        connectionUrl=url,
        instructions=r.Instructions(
            message=_INSTRUCTIONS[charger.security_profile], url=url, protocol=CHARGER_PROTOCOL
        ),
    )
    if generated_key is not None:
        # Set only when generated, so the field is sent only then (contract.DUMP_OPTIONS).
        body.authorizationKey = generated_key
    return body


def charger_summary(charger: ChargerRecord) -> r.ChargerSummary:
    return r.ChargerSummary(
        id=charger.id,
        chargeBoxId=charger.charge_box_id,
        name=charger.name,
        status=_status(charger),
        isOnline=charger.is_online,
        vendor=charger.vendor,
        model=charger.model,
        lastHeartbeat=charger.last_heartbeat,
    )


def pagination(total: int, limit: int, offset: int) -> r.Pagination:
    return r.Pagination(total=total, limit=limit, offset=offset)


def _connector(status: ConnectorStatus, transaction_id: int | None = None) -> r.Connector:
    return r.Connector(
        connectorId=status.connector_id,
        status=status.status,
        errorCode=status.error_code,
        lastUpdated=status.timestamp,
        transactionId=transaction_id,
    )


def charger_details(details: ChargerView, url: str) -> r.ChargerDetails:
    charger = details.charger
    # connectorId 0 is the charge point as a whole (OCPP 1.6 §4.9), not a connector.
    charge_point = next((c for c in details.connectors if c.connector_id == 0), None)
    return r.ChargerDetails(
        id=charger.id,
        chargeBoxId=charger.charge_box_id,
        name=charger.name,
        status=_status(charger),
        isOnline=charger.is_online,
        vendor=charger.vendor,
        model=charger.model,
        serialNumber=charger.serial_number,
        firmwareVersion=charger.firmware_version,
        lastHeartbeat=charger.last_heartbeat,
        connectors=[
            _connector(c, details.active_transactions.get(c.connector_id))
            for c in details.connectors
            if c.connector_id != 0
        ],
        connectionUrl=url,
        location=charger.location,
        registeredAt=charger.registered_at,
        chargePointStatus=None if charge_point is None else _connector(charge_point),
        iccid=charger.iccid,
        imsi=charger.imsi,
        meterType=charger.meter_type,
        meterSerialNumber=charger.meter_serial_number,
        lastBoot=charger.last_boot,
        firmwareStatus=charger.firmware_status,
        firmwareStatusAt=charger.firmware_status_at,
        diagnosticsStatus=charger.diagnostics_status,
        diagnosticsStatusAt=charger.diagnostics_status_at,
        quirks=r.ChargerQuirks(
            zonelessTimestamps=charger.zoneless_timestamps,
            lastZonelessAt=charger.last_zoneless_at,
            orphanStops=charger.orphan_stops,
            orphanMeterValues=charger.orphan_meter_values,
        ),
    )


def status_notifications(
    charge_box_id: str, connector_id: int, history: list[ConnectorStatus]
) -> r.ConnectorHistory:
    return r.ConnectorHistory(
        chargeBoxId=charge_box_id,
        connectorId=connector_id,
        statusNotifications=[
            r.StatusNotification(status=s.status, errorCode=s.error_code, timestamp=s.timestamp)
            for s in history
        ],
    )


def api_key(record: ApiKeyRecord) -> r.ApiKey:
    return r.ApiKey(
        id=record.id,
        name=record.name,
        prefix=record.prefix,
        lastUsed=record.last_used,
        createdAt=record.created_at,
    )


def storage_status(health: StorageHealth) -> r.StorageState:
    current = health.current
    # Only asked while storage is failing, and a failing status always says since when
    # (storage/space.py); without one the body would not match its model.
    assert current.since is not None, "a failing storage status has a since"
    since = iso_z(current.since)
    return r.StorageState(status=current.status, message=current.message, since=since)


def certificate_statuses(watch: CertificateWatch, now: datetime) -> list[r.CertificateStatus]:
    return [
        r.CertificateStatus(
            role=c.role,
            file=c.file,
            subject=c.subject,
            notAfter=iso_z(c.not_after),
            daysLeft=c.days_left(now),
            expiresSoon=c.expires_soon(now),
        )
        for c in watch.certificates
    ]
