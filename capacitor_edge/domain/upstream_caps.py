"""Upstream charging profiles on a charger the site's load management drives (issue 20).

Two parties set limits on such a charger: the upstream central system (SetChargingProfile,
relayed by the local controller) and the site's load controller (its own Tx/TxDefault
profiles). Sent side by side to the charger they would not compose: OCPP 1.6 §3.13.2 stacks
profiles of one purpose by stackLevel (the higher wins, whatever its limit), so either party
could lift the other's limit. Instead the upstream's profile is kept here as a **cap** and the
load controller allocates under it: each session gets at most the cap, the profile the charger
receives is the lower of the cap and the site's allocation, and the upstream is told
``Accepted`` (what it asked for is in force). ClearChargingProfile from the upstream removes
the cap (OCPP 1.6 §5.5 criteria), and the next allocation lifts the limit.

A cap is the lowest limit of the profile's schedule, whatever its period or validity: never
more than the upstream asked at any moment, at the price of ignoring a schedule that rises
later (documented in docs/local-controller.md).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

#: The purpose that caps a whole charger (the sum of its connectors, OCPP 1.6 §3.13.1).
CHARGER_WIDE = "ChargePointMaxProfile"


@dataclass(frozen=True)
class UpstreamCap:
    profile_id: int
    connector_id: int
    purpose: str
    stack_level: int
    #: The transaction a TxProfile names (the box's id), or None.
    transaction_id: int | None
    limit_a: float


def lowest_limit_a(profile: dict[str, Any], phases: int, voltage_v: float) -> float:
    """The lowest limit of a profile's schedule in amperes per phase (a limit in W is spread
    over the period's ``numberPhases``, else the charger's phases, at ``voltage_v``)."""
    schedule = profile["chargingSchedule"]
    in_watts = schedule["chargingRateUnit"] == "W"
    lowest = math.inf
    for period in schedule["chargingSchedulePeriod"]:
        limit = float(period["limit"])
        if in_watts:
            limit /= voltage_v * int(period.get("numberPhases") or phases)
        lowest = min(lowest, limit)
    return lowest


class UpstreamCaps:
    """The upstream's caps per charger, by profile id (a new profile with the same id, or the
    same connector, purpose and stack level, replaces the old one, as on a charger)."""

    def __init__(self) -> None:
        self._caps: dict[str, dict[int, UpstreamCap]] = {}

    def set(self, charge_box_id: str, cap: UpstreamCap) -> None:
        caps = self._caps.setdefault(charge_box_id, {})
        for profile_id, old in list(caps.items()):
            same_slot = (old.connector_id, old.purpose, old.stack_level) == (
                cap.connector_id,
                cap.purpose,
                cap.stack_level,
            )
            if profile_id == cap.profile_id or same_slot:
                del caps[profile_id]
        caps[cap.profile_id] = cap

    def of(self, charge_box_id: str) -> dict[int, dict[str, Any]]:
        """The charger's caps by profile id, as stored."""
        return {pid: asdict(cap) for pid, cap in self._caps.get(charge_box_id, {}).items()}

    def restore(self, stored: dict[str, list[dict[str, Any]]]) -> None:
        for charge_box_id, caps in stored.items():
            for cap in caps:
                self.set(charge_box_id, UpstreamCap(**cap))

    def clear(self, charge_box_id: str, criteria: dict[str, Any]) -> bool:
        """Remove the caps ClearChargingProfile's criteria match; whether any did."""
        caps = self._caps.get(charge_box_id, {})
        matched = [
            profile_id for profile_id, cap in caps.items() if _matches(profile_id, cap, criteria)
        ]
        for profile_id in matched:
            del caps[profile_id]
        return bool(matched)

    def cap_a(self, key: tuple[str, int], transaction_id: int | None, sessions: int) -> float:
        """The most the session on ``key`` may get (inf: no cap). A charger-wide cap is shared
        evenly by the charger's ``sessions``, so together they never exceed it."""
        charge_box_id, connector_id = key
        lowest = math.inf
        for cap in self._caps.get(charge_box_id, {}).values():
            if cap.connector_id not in (0, connector_id):
                continue
            if cap.transaction_id is not None and cap.transaction_id != transaction_id:
                continue
            limit = cap.limit_a
            if cap.purpose == CHARGER_WIDE:
                limit /= max(sessions, 1)
            lowest = min(lowest, limit)
        return lowest


def _matches(profile_id: int, cap: UpstreamCap, criteria: dict[str, Any]) -> bool:
    # OCPP 1.6 §5.5: an id matches alone; otherwise every criterion given must match.
    if criteria.get("id") is not None:
        return bool(criteria["id"] == profile_id)
    wanted = {
        "connectorId": cap.connector_id,
        "chargingProfilePurpose": cap.purpose,
        "stackLevel": cap.stack_level,
    }
    return all(criteria.get(name) in (None, value) for name, value in wanted.items())
