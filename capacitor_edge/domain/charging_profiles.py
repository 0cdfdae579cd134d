"""Charging profiles (OCPP 1.6 §3.13, §7.8-7.13): the rules a profile must meet before it goes
on the wire, and its conversion between amperes and watts.

A profile here is the ``csChargingProfiles`` object in the wire's camelCase, as a dict. The REST
layer checks each field's type and range; this module checks what the schema cannot express
(how fields relate to each other and to the connector), raising :class:`Invalid` naming the
field, so nothing a charger would have to refuse is ever sent.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from capacitor_edge.domain.errors import Invalid

PURPOSES = ("ChargePointMaxProfile", "TxDefaultProfile", "TxProfile")
#: OCPP 1.6 §7.11 ChargingRateUnitType.
UNITS = ("A", "W")
#: How long a recurrence lasts: a schedule may not outlast it (§7.12 duration).
RECURRENCE_S = {"Daily": 86_400, "Weekly": 604_800}
#: ChargingScheduleAllowedChargingRateUnit spells the units as words (§9.4).
UNIT_WORDS = {"Current": "A", "Power": "W"}


def _time(field: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(field, "must be an ISO-8601 date-time") from None
    if value.tzinfo is None:
        raise Invalid(field, "must name its time zone (e.g. Z)")
    return value


def check_profile(
    profile: dict[str, Any],
    connector_id: int,
    active_transaction: int | None,
    *,
    field: str = "csChargingProfiles",
) -> None:
    """Raise :class:`Invalid` naming the first field that breaks OCPP 1.6's rules.

    ``active_transaction`` is the transaction running on ``connector_id``, if any: a TxProfile
    "SHALL only be set at a Charge Point when a transaction is active" (§3.13.2)."""
    purpose = profile["chargingProfilePurpose"]
    if purpose == "ChargePointMaxProfile" and connector_id != 0:
        raise Invalid("connectorId", "a ChargePointMaxProfile can only be set on connector 0")
    if purpose == "TxProfile":
        if connector_id == 0:
            raise Invalid("connectorId", "a TxProfile needs a connector above 0")
        if active_transaction is None:
            raise Invalid(
                f"{field}.chargingProfilePurpose",
                f"a TxProfile needs an active transaction on connector {connector_id}",
            )
        transaction_id = profile.get("transactionId")
        if transaction_id is not None and transaction_id != active_transaction:
            raise Invalid(
                f"{field}.transactionId",
                f"the transaction on connector {connector_id} is {active_transaction}",
            )
    elif "transactionId" in profile:
        raise Invalid(f"{field}.transactionId", "only a TxProfile names a transaction")
    check_shape(profile, field=field)


def check_shape(profile: dict[str, Any], *, field: str = "csChargingProfiles") -> None:
    """The rules of a profile on its own: kind and recurrency, validity, the periods."""
    kind = profile["chargingProfileKind"]
    schedule = profile["chargingSchedule"]
    recurrency = profile.get("recurrencyKind")
    if kind == "Recurring" and recurrency is None:
        raise Invalid(f"{field}.recurrencyKind", "a Recurring profile needs Daily or Weekly")
    if kind != "Recurring" and recurrency is not None:
        raise Invalid(f"{field}.recurrencyKind", "only a Recurring profile recurs")
    start = schedule.get("startSchedule")
    if kind in ("Absolute", "Recurring") and start is None:
        # Without it an Absolute or Recurring schedule has no point in time to start from.
        raise Invalid(f"{field}.chargingSchedule.startSchedule", f"an {kind} profile needs it")
    if kind == "Relative" and start is not None:
        raise Invalid(
            f"{field}.chargingSchedule.startSchedule",
            "a Relative profile starts with the transaction, not at a time",
        )
    if start is not None:
        _time(f"{field}.chargingSchedule.startSchedule", start)
    valid_from, valid_to = profile.get("validFrom"), profile.get("validTo")
    if (
        valid_from is not None
        and valid_to is not None
        and _time(f"{field}.validFrom", valid_from) >= _time(f"{field}.validTo", valid_to)
    ):
        raise Invalid(f"{field}.validTo", "must be after validFrom")
    duration = schedule.get("duration")
    if recurrency is not None and duration is not None and duration > RECURRENCE_S[recurrency]:
        raise Invalid(
            f"{field}.chargingSchedule.duration",
            f"a {recurrency} recurrence lasts {RECURRENCE_S[recurrency]} s",
        )
    _check_periods(schedule["chargingSchedulePeriod"], f"{field}.chargingSchedule")


def _check_periods(periods: list[dict[str, Any]], field: str) -> None:
    if not periods:
        raise Invalid(f"{field}.chargingSchedulePeriod", "needs at least one period")
    # §7.13: the first period starts the schedule; each later one starts after the one before.
    if periods[0]["startPeriod"] != 0:
        raise Invalid(f"{field}.chargingSchedulePeriod[0].startPeriod", "must be 0")
    for index in range(1, len(periods)):
        if periods[index]["startPeriod"] <= periods[index - 1]["startPeriod"]:
            raise Invalid(
                f"{field}.chargingSchedulePeriod[{index}].startPeriod",
                "must be after the previous period's startPeriod",
            )
    for index, period in enumerate(periods):
        if period["limit"] < 0:
            raise Invalid(f"{field}.chargingSchedulePeriod[{index}].limit", "must be >= 0")
        phases = period.get("numberPhases")
        if phases is not None and not 1 <= phases <= 3:
            raise Invalid(f"{field}.chargingSchedulePeriod[{index}].numberPhases", "must be 1-3")


def allowed_units(rate_units: str | None) -> tuple[str, ...]:
    """The units a charger takes, from its ChargingScheduleAllowedChargingRateUnit; both when
    it did not say."""
    if not rate_units:
        return UNITS
    named = tuple(
        UNIT_WORDS[word.strip()] for word in rate_units.split(",") if word.strip() in UNIT_WORDS
    )
    return named or UNITS


def _down(value: float) -> float:
    """Round down to the wire's 0.1 step (§7.13 multipleOf 0.1): a limit never grows."""
    return math.floor(round(value * 10, 6)) / 10


def convert_schedule(
    schedule: dict[str, Any], unit: str, default_phases: int, voltage_v: float
) -> dict[str, Any]:
    """A chargingSchedule in ``unit``. Amperes are per phase (§7.13), so watts = amperes x
    phases x voltage; a period's phases are its numberPhases, else the connector's."""
    if schedule["chargingRateUnit"] == unit:
        return schedule

    def factor(phases: int | None) -> float:
        per_amp = (phases or default_phases) * voltage_v
        return per_amp if unit == "W" else 1 / per_amp

    periods = [
        period | {"limit": _down(period["limit"] * factor(period.get("numberPhases")))}
        for period in schedule["chargingSchedulePeriod"]
    ]
    converted = schedule | {"chargingRateUnit": unit, "chargingSchedulePeriod": periods}
    if "minChargingRate" in schedule:
        converted["minChargingRate"] = _down(schedule["minChargingRate"] * factor(None))
    return converted


def convert(
    profile: dict[str, Any], unit: str, default_phases: int, voltage_v: float
) -> dict[str, Any]:
    """``profile`` with its schedule in ``unit`` (:func:`convert_schedule`)."""
    schedule = convert_schedule(profile["chargingSchedule"], unit, default_phases, voltage_v)
    return profile | {"chargingSchedule": schedule}
