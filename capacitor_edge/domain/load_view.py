"""The site's load as ``GET /api/v1/site/load``, ``/metrics`` and ``/health`` show it (issue 16):
per circuit and per connector, the limit, the allocation, the measured draw, per site phase,
with timestamps. Plain dicts in the REST contract's camelCase; the API validates them into its
response models."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import trio

from capacitor_edge.clock import iso_z
from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.site import SITE_PHASES


def _per_phase(values: tuple[float, ...] | list[float]) -> list[float | None]:
    return [None if not math.isfinite(v) else round(v, 2) for v in values]


def _carried(
    phases: tuple[int, ...], values: tuple[float, ...] | list[float]
) -> list[float | None]:
    """Per phase L1-L3, ``None`` on a phase the circuit does not carry."""
    return [round(v, 2) if p in phases else None for p, v in enumerate(values)]


def site_load(control: LoadControl) -> dict[str, Any]:
    state = control.state
    site = state.site
    assert site is not None
    wall = control.clock.now()
    now = trio.current_time()

    def iso_at(moment: float | None) -> str | None:
        if moment is None or not math.isfinite(moment):
            return None
        return iso_z(wall - timedelta(seconds=now - moment))

    limits = state.building_limits(now)
    allocation = control.allocation
    online = {key[0] for key in state.sessions if control.is_online(key[0])}
    measured_by_circuit = {c.id: [0.0, 0.0, 0.0] for c in site.circuits}
    connectors: list[dict[str, Any]] = []
    for key, session in sorted(state.sessions.items()):
        charger = site.charger(key[0])
        if charger is None:
            continue
        measured = session.measured_a or (0.0, 0.0, 0.0)
        for circuit_id in site.path(charger.circuit_id):
            for phase in range(3):
                measured_by_circuit[circuit_id][phase] += measured[phase]
        sent = state.sent.get(key)
        allocated = None if allocation is None else allocation.amperes.get(key)
        connectors.append(
            {
                "chargeBoxId": key[0],
                "connectorId": key[1],
                "circuitId": charger.circuit_id,
                "transactionId": session.transaction_id,
                "status": session.status,
                "online": key[0] in online,
                "refusesProfiles": key[0] in state.refusing,
                "phases": [SITE_PHASES[p] for p in charger.connection],
                "allocatedA": allocated,
                "paused": allocation is not None and key in allocation.paused,
                "sentA": None if sent is None else sent.limit_a,
                "sentAt": None if sent is None else iso_at(sent.at),
                "profilePurpose": None if sent is None else sent.purpose,
                "profileStatus": None if sent is None else sent.status,
                "measuredA": list(measured) if session.measured_a else None,
                "measuredAt": iso_at(session.measured_at),
            }
        )
    root = site.root
    other = state.other_load()
    if other is not None and root is not None and not state.meter_stale:
        for phase in range(3):
            measured_by_circuit[root.id][phase] += max(other[phase], 0.0)
    circuits = [
        {
            "id": c.id,
            "name": c.name,
            "parentId": c.parent_id,
            "phases": [SITE_PHASES[p] for p in c.phases],
            "maxCurrentA": c.max_current_a,
            "limitA": _per_phase(limits[c.id].per_phase_a),
            "allocatedA": _carried(
                c.phases,
                allocation.circuit_a.get(c.id, (0.0, 0.0, 0.0))
                if allocation is not None
                else (0.0, 0.0, 0.0),
            ),
            "measuredA": _carried(c.phases, measured_by_circuit[c.id]),
        }
        for c in site.circuits
    ]
    return {
        "at": iso_z(wall),
        "allocatedAt": control.allocated_at,
        "meter": meter_view(control),
        "circuits": circuits,
        "connectors": connectors,
        "paused": 0 if allocation is None else len(allocation.paused),
    }


def meter_view(control: LoadControl) -> dict[str, Any]:
    state = control.state
    assert state.site is not None
    wall = control.clock.now()
    read_at = None
    if state.meter_at is not None:
        read_at = iso_z(wall - timedelta(seconds=trio.current_time() - state.meter_at))
    other = state.other_load()
    return {
        "source": state.site.meter.source,
        "stale": state.meter_stale,
        "measures": state.site.meter.measures,
        "readingA": None if state.meter_a is None else list(state.meter_a),
        "buildingA": None if other is None else [round(a, 2) for a in other],
        "solarA": list(state.solar.amperes) if state.site.solar.enabled else None,
        "readAt": read_at,
        "fallbackLimitA": state.site.fallback_limit_a,
    }


def health_block(control: LoadControl) -> dict[str, Any] | None:
    """``/health``'s ``site``: only once a site is configured."""
    state = control.state
    if state.site is None:
        return None
    allocation = control.allocation
    return {
        "meter": "none"
        if state.site.meter.source == "none"
        else ("stale" if state.meter_stale else "fresh"),
        "sessions": len(state.sessions),
        "paused": 0 if allocation is None else len(allocation.paused),
        "refusingProfiles": sorted(state.refusing),
        "allocatedAt": control.allocated_at,
    }
