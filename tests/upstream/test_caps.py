"""The upstream's profiles as caps (issue 20, capacitor_edge/domain/upstream_caps.py): the
lowest limit of a schedule in amperes, a charger-wide cap shared by its sessions, a TxProfile
only on the transaction it names, and ClearChargingProfile's criteria (OCPP 1.6 §5.5)."""

from __future__ import annotations

import math
from typing import Any

from capacitor_edge.domain.upstream_caps import UpstreamCap, UpstreamCaps, lowest_limit_a


def _profile(unit: str, *limits: float, phases: int | None = None) -> dict[str, Any]:
    periods = [
        {"startPeriod": 600 * n, "limit": limit, **({"numberPhases": phases} if phases else {})}
        for n, limit in enumerate(limits)
    ]
    return {"chargingSchedule": {"chargingRateUnit": unit, "chargingSchedulePeriod": periods}}


def test_the_lowest_limit_of_the_schedule_in_amperes() -> None:
    assert lowest_limit_a(_profile("A", 16, 8, 32), 3, 230.0) == 8
    assert lowest_limit_a(_profile("W", 11040), 3, 230.0) == 16
    assert lowest_limit_a(_profile("W", 3680, phases=1), 3, 230.0) == 16


def test_caps_by_connector_transaction_and_charger() -> None:
    caps = UpstreamCaps()
    assert caps.cap_a(("CP-1", 1), 5, 1) == math.inf
    caps.set("CP-1", UpstreamCap(1, 0, "ChargePointMaxProfile", 0, None, 32))
    assert caps.cap_a(("CP-1", 1), 5, 2) == 16  # shared by the charger's two sessions
    caps.set("CP-1", UpstreamCap(2, 2, "TxProfile", 1, 9, 10))
    assert caps.cap_a(("CP-1", 2), 9, 2) == 10
    assert caps.cap_a(("CP-1", 2), 10, 2) == 16  # another transaction: not this TxProfile's
    assert caps.cap_a(("CP-2", 1), 5, 1) == math.inf
    # The same connector, purpose and stack level: the new profile replaces the old one.
    caps.set("CP-1", UpstreamCap(3, 2, "TxProfile", 1, 9, 12))
    assert caps.cap_a(("CP-1", 2), 9, 2) == 12
    assert not caps.clear("CP-1", {"id": 2})
    assert caps.clear("CP-1", {"chargingProfilePurpose": "TxProfile"})
    assert caps.cap_a(("CP-1", 2), 9, 1) == 32
    assert caps.clear("CP-1", {})  # no criteria: every profile
    assert caps.cap_a(("CP-1", 2), 9, 1) == math.inf
