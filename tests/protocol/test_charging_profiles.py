"""Checking a ChargingProfile before it is used or sent: each mistake the JSON schema lets
through is named by its field path (the box's 400 and the simulator's Rejected rely on them)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from capacitor_edge.protocol.charging_profiles import (
    Kind,
    ProfileInvalid,
    Purpose,
    Recurrency,
    parse_profile,
    placement_problems,
    profile_problems,
)

GOOD: dict[str, Any] = {
    "chargingProfileId": 7,
    "stackLevel": 1,
    "chargingProfilePurpose": "TxDefaultProfile",
    "chargingProfileKind": "Recurring",
    "recurrencyKind": "Daily",
    "validFrom": "2024-01-01T00:00:00Z",
    "validTo": "2024-02-01T00:00:00.500+01:00",
    "chargingSchedule": {
        "duration": 86400,
        "startSchedule": "2024-01-01T00:00:00Z",
        "chargingRateUnit": "A",
        "minChargingRate": 6,
        "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": 32},
            {"startPeriod": 28800, "limit": 16.5, "numberPhases": 1},
        ],
    },
}


def changed(path: str, value: Any) -> dict[str, Any]:
    payload = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node: Any = payload
    for name in parents:
        node = node[name]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return payload


def test_a_good_profile_parses_to_its_typed_form() -> None:
    assert profile_problems(GOOD) == []
    profile = parse_profile(GOOD)
    assert profile.purpose is Purpose.TX_DEFAULT
    assert profile.kind is Kind.RECURRING and profile.recurrency is Recurrency.DAILY
    assert profile.valid_to == datetime(2024, 1, 31, 23, 0, tzinfo=UTC)  # whole seconds, UTC
    assert [p.limit for p in profile.schedule.periods] == [32.0, 16.5]
    assert profile.schedule.periods[1].number_phases == 1
    assert profile.schedule.min_charging_rate == 6.0


PERIODS = "chargingSchedule.chargingSchedulePeriod"


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        (changed(PERIODS, [{"startPeriod": 5, "limit": 1}]), f"{PERIODS}[0].startPeriod"),
        (
            changed(PERIODS, [{"startPeriod": 0, "limit": 1}, {"startPeriod": 0, "limit": 2}]),
            f"{PERIODS}[1].startPeriod",
        ),
        (
            changed(PERIODS, [{"startPeriod": 0, "limit": 1}, {"startPeriod": 90000, "limit": 2}]),
            f"{PERIODS}[1].startPeriod",
        ),
        (changed(PERIODS, [{"startPeriod": 0, "limit": -1}]), f"{PERIODS}[0].limit"),
        (
            changed(PERIODS, [{"startPeriod": 0, "limit": 1, "numberPhases": 4}]),
            f"{PERIODS}[0].numberPhases",
        ),
        (changed(PERIODS, []), PERIODS),
        (changed("stackLevel", -1), "stackLevel"),
        (changed("chargingProfilePurpose", "Tx"), "chargingProfilePurpose"),
        (changed("recurrencyKind", None), "recurrencyKind"),
        (changed("validTo", "2023-12-31T00:00:00Z"), "validTo"),
        (changed("validFrom", "yesterday"), "validFrom"),
        (changed("transactionId", 5), "transactionId"),
        (changed("chargingSchedule.chargingRateUnit", "kW"), "chargingSchedule.chargingRateUnit"),
        (changed("chargingSchedule.duration", 0), "chargingSchedule.duration"),
        (changed("chargingSchedule.minChargingRate", -2), "chargingSchedule.minChargingRate"),
        (changed("chargingSchedule.startSchedule", None), "chargingSchedule.startSchedule"),
    ],
)
def test_each_mistake_is_named_by_its_field_path(payload: dict[str, Any], path: str) -> None:
    problems = profile_problems(payload, "csChargingProfiles")
    assert [p.path for p in problems] == [f"csChargingProfiles.{path}"]
    with pytest.raises(ProfileInvalid) as raised:
        parse_profile(payload)
    assert str(raised.value).startswith(f"{path}: ")


def test_the_charge_point_max_cannot_be_relative_or_without_a_start() -> None:
    cap = changed("chargingProfilePurpose", "ChargePointMaxProfile")
    relative = dict(cap, chargingProfileKind="Relative")
    assert [p.path for p in profile_problems(relative)] == ["chargingProfileKind"]
    absolute = changed("chargingSchedule.startSchedule", None)
    absolute["chargingProfilePurpose"] = "ChargePointMaxProfile"
    absolute["chargingProfileKind"] = "Absolute"
    assert [p.path for p in profile_problems(absolute)] == ["chargingSchedule.startSchedule"]
    assert [p.path for p in profile_problems("nope")] == ["chargingProfile"]


def test_where_a_profile_may_go() -> None:
    default = parse_profile(GOOD)
    cap = parse_profile(dict(GOOD, chargingProfilePurpose="ChargePointMaxProfile"))
    tx = parse_profile(dict(GOOD, chargingProfilePurpose="TxProfile", transactionId=3))
    assert placement_problems(0, default, None) == placement_problems(2, default, None) == []
    assert placement_problems(0, cap, None) == []
    assert [str(p) for p in placement_problems(1, cap, None)] == [
        "connectorId: a ChargePointMaxProfile goes on connector 0"
    ]
    assert [p.path for p in placement_problems(0, tx, 3)] == ["connectorId"]
    assert [str(p) for p in placement_problems(1, tx, None)] == [
        "connectorId: a TxProfile needs a transaction on the connector"
    ]
    assert [p.path for p in placement_problems(1, tx, 4)] == ["csChargingProfiles.transactionId"]
    assert placement_problems(1, tx, 3) == []
