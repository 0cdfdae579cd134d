"""The rules a charging profile must meet before it goes on the wire, and its conversion
between amperes and watts (capacitor_edge/domain/charging_profiles.py, OCPP 1.6 §7.8-7.13)."""

from __future__ import annotations

from typing import Any

import pytest

from capacitor_edge.domain.charging_profiles import (
    allowed_units,
    check_profile,
    convert,
    convert_schedule,
)
from capacitor_edge.domain.errors import Invalid


def profile(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "chargingProfileId": 1,
        "stackLevel": 0,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Recurring",
        "recurrencyKind": "Daily",
        "chargingSchedule": {
            "startSchedule": "2027-01-01T22:00:00Z",
            "duration": 28_800,
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": 32.0},
                {"startPeriod": 3600, "limit": 6.5, "numberPhases": 1},
            ],
            "minChargingRate": 6.0,
        },
    }
    return base | changes


def test_a_well_formed_recurring_profile_passes() -> None:
    check_profile(profile(), 1, None)
    check_profile(profile(chargingProfilePurpose="ChargePointMaxProfile"), 0, None)
    check_profile(profile(chargingProfilePurpose="TxProfile", transactionId=5), 1, 5)


@pytest.mark.parametrize(
    ("changes", "connector", "active", "field"),
    [
        (
            {"chargingProfilePurpose": "TxProfile"},
            1,
            None,
            "csChargingProfiles.chargingProfilePurpose",
        ),
        ({"chargingProfilePurpose": "TxProfile"}, 0, None, "connectorId"),
        (
            {"chargingProfilePurpose": "TxProfile", "transactionId": 4},
            1,
            5,
            "csChargingProfiles.transactionId",
        ),
        ({"transactionId": 4}, 1, 5, "csChargingProfiles.transactionId"),
        ({"chargingProfilePurpose": "ChargePointMaxProfile"}, 2, None, "connectorId"),
        ({"recurrencyKind": None}, 1, None, "csChargingProfiles.recurrencyKind"),
        ({"chargingProfileKind": "Absolute"}, 1, None, "csChargingProfiles.recurrencyKind"),
        (
            {"validFrom": "2027-02-01T00:00:00Z", "validTo": "2027-01-01T00:00:00Z"},
            1,
            None,
            "csChargingProfiles.validTo",
        ),
        (
            {"validFrom": "yesterday", "validTo": "2027-01-01T00:00:00Z"},
            1,
            None,
            "csChargingProfiles.validFrom",
        ),
    ],
)
def test_profiles_that_break_a_rule_name_the_field(
    changes: dict[str, Any], connector: int, active: int | None, field: str
) -> None:
    changed = {k: v for k, v in profile(**changes).items() if v is not None}
    with pytest.raises(Invalid) as raised:
        check_profile(changed, connector, active)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("schedule_changes", "field"),
    [
        ({"startSchedule": None}, "csChargingProfiles.chargingSchedule.startSchedule"),
        ({"duration": 86_401}, "csChargingProfiles.chargingSchedule.duration"),
        (
            {"chargingSchedulePeriod": []},
            "csChargingProfiles.chargingSchedule.chargingSchedulePeriod",
        ),
        (
            {"chargingSchedulePeriod": [{"startPeriod": 10, "limit": 1.0}]},
            "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].startPeriod",
        ),
        (
            {
                "chargingSchedulePeriod": [
                    {"startPeriod": 0, "limit": 1.0},
                    {"startPeriod": 0, "limit": 2.0},
                ]
            },
            "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].startPeriod",
        ),
        (
            {"chargingSchedulePeriod": [{"startPeriod": 0, "limit": -0.1}]},
            "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit",
        ),
        (
            {"chargingSchedulePeriod": [{"startPeriod": 0, "limit": 1.0, "numberPhases": 0}]},
            "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].numberPhases",
        ),
    ],
)
def test_schedules_that_break_a_rule_name_the_field(
    schedule_changes: dict[str, Any], field: str
) -> None:
    changed = profile()
    schedule = changed["chargingSchedule"] | schedule_changes
    changed["chargingSchedule"] = {k: v for k, v in schedule.items() if v is not None}
    with pytest.raises(Invalid) as raised:
        check_profile(changed, 1, None)
    assert raised.value.field == field


def test_a_relative_profile_has_no_start_time() -> None:
    relative = profile(chargingProfileKind="Relative")
    del relative["recurrencyKind"]
    with pytest.raises(Invalid) as raised:
        check_profile(relative, 1, None)
    assert raised.value.field == "csChargingProfiles.chargingSchedule.startSchedule"


def test_amperes_become_watts_per_phase_and_back() -> None:
    watts = convert(profile(), "W", 3, 230.0)
    schedule = watts["chargingSchedule"]
    assert schedule["chargingRateUnit"] == "W"
    # 32 A x 3 x 230 V; the second period names one phase: 6.5 A x 1 x 230 V.
    assert [p["limit"] for p in schedule["chargingSchedulePeriod"]] == [22080.0, 1495.0]
    assert schedule["minChargingRate"] == 4140.0
    back = convert_schedule(schedule, "A", 3, 230.0)
    assert [p["limit"] for p in back["chargingSchedulePeriod"]] == [32.0, 6.5]
    # Rounded down to the wire's 0.1 step: a converted limit never exceeds the one asked.
    odd = convert_schedule(
        {"chargingRateUnit": "W", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 1000}]},
        "A",
        1,
        230.0,
    )
    assert odd["chargingSchedulePeriod"][0]["limit"] == 4.3
    assert convert(profile(), "A", 3, 230.0) == profile()


def test_allowed_units_come_from_the_chargers_words() -> None:
    assert allowed_units("Current") == ("A",)
    assert allowed_units("Power") == ("W",)
    assert allowed_units("Current,Power") == ("A", "W")
    assert allowed_units("") == ("A", "W")
    assert allowed_units(None) == ("A", "W")
