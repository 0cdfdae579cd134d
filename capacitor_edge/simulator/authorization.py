"""How a simulated charger answers the Local Auth List Management and Reservation profiles'
commands (OCPP 1.6 §3.5, §3.11):

- GetLocalListVersion (§5.10): the version of the list it holds (0: none).
- SendLocalList (§5.15): Failed beyond SendLocalListMaxLength or LocalAuthListMaxLength,
  VersionMismatch for a Differential whose version is not newer than its list's, else Accepted:
  Full replaces the list, Differential changes it (no idTagInfo: removed).
- ReserveNow (§5.13): Rejected for a connector it does not have (or connector 0 when
  ReserveConnectorZeroSupported is false), Faulted / Unavailable / Occupied for a connector in
  that state (a session, or another reservation), else Accepted and the connector Reserved.
- CancelReservation (§5.1): Accepted for a reservation it holds (the connector is Available
  again), else Rejected.

A reservation here ends when cancelled or replaced; the simulated charger does not start
sessions on its own, so none ends one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from capacitor_edge.simulator.answers import Answer, behaviour

if TYPE_CHECKING:
    from capacitor_edge.simulator.charger import SimulatedCharger


@dataclass
class AuthorizationState:
    list_version: int = 0
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: reservationId -> connectorId (0: any connector).
    reservations: dict[int, int] = field(default_factory=dict)


_STATES: WeakKeyDictionary[SimulatedCharger, AuthorizationState] = WeakKeyDictionary()


def state_of(charger: SimulatedCharger) -> AuthorizationState:
    return _STATES.setdefault(charger, AuthorizationState())


@behaviour("GetLocalListVersion")
async def get_local_list_version(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    return {"listVersion": state_of(charger).list_version}, None


@behaviour("SendLocalList")
async def send_local_list(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    state = state_of(charger)
    items: list[dict[str, Any]] = payload.get("localAuthorizationList") or []
    if len(items) > charger.configuration.integer("SendLocalListMaxLength"):
        return {"status": "Failed"}, None
    version = payload["listVersion"]
    if payload["updateType"] == "Full":
        entries: dict[str, dict[str, Any]] = {}
    elif version <= state.list_version:
        return {"status": "VersionMismatch"}, None
    else:
        entries = dict(state.entries)
    for item in items:
        if "idTagInfo" in item:
            entries[item["idTag"]] = item["idTagInfo"]
        else:
            entries.pop(item["idTag"], None)
    if len(entries) > charger.configuration.integer("LocalAuthListMaxLength"):
        return {"status": "Failed"}, None
    state.entries, state.list_version = entries, version
    charger.notify()
    return {"status": "Accepted"}, None


_REFUSALS = {"Faulted": "Faulted", "Unavailable": "Unavailable"}


@behaviour("ReserveNow")
async def reserve_now(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    state = state_of(charger)
    charging = charger.charging
    connector_id: int = payload["connectorId"]
    reservation_id: int = payload["reservationId"]
    held = {c for r, c in state.reservations.items() if r != reservation_id}
    if connector_id == 0:
        if charger.configuration.value("ReserveConnectorZeroSupported") != "true":
            return {"status": "Rejected"}, None
        free = [c for c in charging.connectors.values() if charging.can_start(c)]
        if len(free) <= len(held):
            return {"status": "Occupied"}, None
        state.reservations[reservation_id] = 0
        return {"status": "Accepted"}, None
    connector = charging.connectors.get(connector_id)
    if connector is None:
        return {"status": "Rejected"}, None
    if connector.status in _REFUSALS:
        return {"status": _REFUSALS[connector.status]}, None
    if connector_id in held or not charging.can_start(connector):
        return {"status": "Occupied"}, None
    state.reservations[reservation_id] = connector_id

    async def reserved() -> None:
        await charging.set_status(connector, "Reserved")

    return {"status": "Accepted"}, reserved


@behaviour("CancelReservation")
async def cancel_reservation(charger: SimulatedCharger, payload: dict[str, Any]) -> Answer:
    connector_id = state_of(charger).reservations.pop(payload["reservationId"], None)
    if connector_id is None:
        return {"status": "Rejected"}, None
    connector = charger.charging.connectors.get(connector_id)
    if connector is None or connector.status != "Reserved":
        return {"status": "Accepted"}, None

    async def released() -> None:
        await charger.charging.set_status(connector, "Available")

    return {"status": "Accepted"}, released
