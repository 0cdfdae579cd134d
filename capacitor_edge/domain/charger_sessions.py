"""A live charger session as the domain sees it: which registration it belongs to, what the
connection has done so far, the shape of a message handler, and how a storage failure is
answered on the wire (split from :mod:`capacitor_edge.domain.charger_messages`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from capacitor_edge.domain.errors import CallRejected, StorageFailure, StorageFull


@dataclass(slots=True)
class ConnectionState:
    booted: bool = False
    #: When the box last received a message on this connection: any message is a sign of life
    #: (OCPP 1.6 §4.6: the Central System "SHOULD assume availability of a Charge Point whenever
    #: a PDU has been received"). Kept here, in memory, for REST reads; persisted as the
    #: charger's lastHeartbeat with Heartbeats, boots and the disconnect.
    last_seen: datetime | None = None
    #: Since when, from where and how the charger is connected (the dashboard's connection
    #: block); set by the transport and :meth:`ChargerMessages.connected`.
    connected_at: datetime | None = None
    remote_address: str = "unknown"
    tls: bool = False


@dataclass(frozen=True, slots=True)
class ChargerIdentity:
    """The registration a live session belongs to (one per connection)."""

    charge_box_id: str
    charger_seq: int
    org_id: str
    #: OCPP 1.6 security profile 0-3 (domain/charger_credentials.py).
    security_profile: int = 0
    #: What this connection has done so far.
    connection: ConnectionState = field(default_factory=ConnectionState, compare=False, hash=False)


Handler = Callable[[ChargerIdentity, dict[str, Any]], Awaitable[dict[str, Any]]]


def storage_failures_as_callerror(handler: Handler) -> Handler:
    """``handler``, answering a storage failure with an InternalError CALLERROR that says so
    (OCPP-J §4.2.3: "An internal error occurred and the receiver was not able to process the
    requested Action successfully"). Nothing was stored or acknowledged, so the charger keeps
    the message and sends it again; the session goes on. The description names no paths."""

    async def handle(charger: ChargerIdentity, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            return await handler(charger, payload)
        except StorageFull:
            raise CallRejected("InternalError", STORAGE_FULL_DESCRIPTION) from None
        except StorageFailure:
            raise CallRejected("InternalError", STORAGE_FAILING_DESCRIPTION) from None

    return handle


STORAGE_FULL_DESCRIPTION = "Central System storage is full: message not stored, retry later"
STORAGE_FAILING_DESCRIPTION = "Central System storage is failing: message not stored, retry later"
