"""OCPP 1.6 charging profiles (§3.13 Smart Charging, §7.7-7.9, §7.13): typed from the wire's
JSON, and checked for the mistakes the schema lets through.

The JSON schema already fixes types and enums; what it cannot say is that periods must be in
order, that the first one starts at 0, that a limit is not negative, or that a Recurring profile
needs a recurrencyKind. `profile_problems` names each such mistake by its field path, so the box
can answer 400 naming the field and the simulator can refuse the same profile a charger would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, TypeGuard


class Purpose(StrEnum):
    CHARGE_POINT_MAX = "ChargePointMaxProfile"
    TX_DEFAULT = "TxDefaultProfile"
    TX = "TxProfile"


class Kind(StrEnum):
    ABSOLUTE = "Absolute"
    RECURRING = "Recurring"
    RELATIVE = "Relative"


class Recurrency(StrEnum):
    DAILY = "Daily"
    WEEKLY = "Weekly"


class RateUnit(StrEnum):
    AMPERES = "A"
    WATTS = "W"


#: Seconds in one recurrence (OCPP 1.6 §7.13 RecurrencyKindType).
RECURRENCE_S: Final = {Recurrency.DAILY: 86_400, Recurrency.WEEKLY: 604_800}
#: §7.11 ChargingSchedulePeriod.numberPhases: "If omitted, 3 is assumed" (an AC charger).
DEFAULT_PHASES: Final = 3


@dataclass(frozen=True)
class SchedulePeriod:
    start_period: int
    limit: float
    number_phases: int | None = None


@dataclass(frozen=True)
class ChargingSchedule:
    unit: RateUnit
    periods: tuple[SchedulePeriod, ...]
    duration: int | None = None
    start_schedule: datetime | None = None
    min_charging_rate: float | None = None


@dataclass(frozen=True)
class ChargingProfile:
    id: int
    stack_level: int
    purpose: Purpose
    kind: Kind
    schedule: ChargingSchedule
    recurrency: Recurrency | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    transaction_id: int | None = None


@dataclass(frozen=True)
class Problem:
    """One mistake in a profile: the field's path (``chargingSchedule.chargingSchedulePeriod[1]
    .startPeriod``) and what is wrong with it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ProfileInvalid(ValueError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


def parse_time(text: str) -> datetime:
    """An OCPP dateTime (ISO 8601, ``Z`` or an offset; naive is UTC), to the whole second:
    schedules count in whole seconds (``startPeriod`` is an integer)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _integer(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _time_problem(payload: Mapping[str, Any], key: str, path: str) -> Problem | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        return Problem(path, "must be an ISO 8601 date-time")
    try:
        parse_time(value)
    except ValueError:
        return Problem(path, f"not an ISO 8601 date-time: {value!r}")
    return None


def _period_problems(periods: Any, duration: Any, path: str) -> list[Problem]:
    if not isinstance(periods, list) or not periods:
        return [Problem(path, "at least one period is required")]
    problems: list[Problem] = []
    previous: int | None = None
    for index, period in enumerate(periods):
        here = f"{path}[{index}]"
        if not isinstance(period, Mapping):
            problems.append(Problem(here, "must be an object"))
            continue
        start, limit, phases = (
            period.get("startPeriod"),
            period.get("limit"),
            period.get("numberPhases"),
        )
        if not _integer(start):
            problems.append(Problem(f"{here}.startPeriod", "must be an integer (seconds)"))
        elif index == 0 and start != 0:
            # Before the first period the schedule would say nothing: §7.11 counts every
            # period from the schedule's start, so the first one starts there.
            problems.append(Problem(f"{here}.startPeriod", "the first period must start at 0"))
        elif previous is not None and start <= previous:
            problems.append(
                Problem(f"{here}.startPeriod", f"must be after the previous period's ({previous})")
            )
        elif _integer(duration) and start >= duration:
            problems.append(
                Problem(f"{here}.startPeriod", f"must be before the schedule's end ({duration} s)")
            )
        if _integer(start):
            previous = start
        if not _number(limit):
            problems.append(Problem(f"{here}.limit", "must be a number"))
        elif limit < 0:
            problems.append(Problem(f"{here}.limit", "must not be negative"))
        if phases is not None and (not _integer(phases) or not 1 <= phases <= 3):
            problems.append(Problem(f"{here}.numberPhases", "must be 1, 2 or 3"))
    return problems


def _schedule_problems(schedule: Any, purpose: Any, kind: Any, path: str) -> list[Problem]:
    if not isinstance(schedule, Mapping):
        return [Problem(path, "is required")]
    problems: list[Problem] = []
    if schedule.get("chargingRateUnit") not in tuple(RateUnit):
        problems.append(Problem(_join(path, "chargingRateUnit"), "must be A or W"))
    duration = schedule.get("duration")
    if duration is not None and (not _integer(duration) or duration <= 0):
        problems.append(Problem(_join(path, "duration"), "must be a positive integer (seconds)"))
        duration = None  # named once, not again for every period
    rate = schedule.get("minChargingRate")
    if rate is not None and (not _number(rate) or rate < 0):
        problems.append(Problem(_join(path, "minChargingRate"), "must not be negative"))
    start = _join(path, "startSchedule")
    bad_time = _time_problem(schedule, "startSchedule", start)
    if bad_time is not None:
        problems.append(bad_time)
    elif "startSchedule" not in schedule:
        if kind == Kind.RECURRING:
            problems.append(Problem(start, "a Recurring profile needs the start of its recurrence"))
        elif kind == Kind.ABSOLUTE and purpose == Purpose.CHARGE_POINT_MAX:
            # An Absolute schedule without a start counts from the transaction's start
            # (§7.13); the charge point's own limit has no transaction to start from.
            problems.append(Problem(start, "an Absolute ChargePointMaxProfile needs a start"))
    problems += _period_problems(
        schedule.get("chargingSchedulePeriod"), duration, _join(path, "chargingSchedulePeriod")
    )
    return problems


def profile_problems(payload: Any, path: str = "") -> list[Problem]:
    """Every mistake in an OCPP ChargingProfile object (empty: it is good); ``path`` prefixes
    the field paths (e.g. ``csChargingProfiles``)."""
    if not isinstance(payload, Mapping):
        return [Problem(path or "chargingProfile", "must be an object")]
    problems: list[Problem] = []
    for key in ("chargingProfileId", "stackLevel"):
        value = payload.get(key)
        if not _integer(value) or value < 0:
            problems.append(Problem(_join(path, key), "must be an integer >= 0"))
    transaction = payload.get("transactionId")
    if transaction is not None and not _integer(transaction):
        problems.append(Problem(_join(path, "transactionId"), "must be an integer"))
    purpose, kind = payload.get("chargingProfilePurpose"), payload.get("chargingProfileKind")
    if purpose not in tuple(Purpose):
        choices = ", ".join(Purpose)
        problems.append(Problem(_join(path, "chargingProfilePurpose"), f"one of {choices}"))
    elif transaction is not None and purpose != Purpose.TX:
        problems.append(Problem(_join(path, "transactionId"), "only a TxProfile names one"))
    if kind not in tuple(Kind):
        problems.append(Problem(_join(path, "chargingProfileKind"), "one of " + ", ".join(Kind)))
    elif kind == Kind.RELATIVE and purpose == Purpose.CHARGE_POINT_MAX:
        problems.append(
            Problem(
                _join(path, "chargingProfileKind"),
                "a ChargePointMaxProfile cannot be Relative (it has no transaction to start from)",
            )
        )
    recurrency = payload.get("recurrencyKind")
    if recurrency is not None and recurrency not in tuple(Recurrency):
        problems.append(Problem(_join(path, "recurrencyKind"), "one of Daily, Weekly"))
    elif kind == Kind.RECURRING and recurrency is None:
        problems.append(Problem(_join(path, "recurrencyKind"), "a Recurring profile needs it"))
    for key in ("validFrom", "validTo"):
        bad_time = _time_problem(payload, key, _join(path, key))
        if bad_time is not None:
            problems.append(bad_time)
    valid_from, valid_to = payload.get("validFrom"), payload.get("validTo")
    both = not problems and isinstance(valid_from, str) and isinstance(valid_to, str)
    if both and parse_time(str(valid_to)) <= parse_time(str(valid_from)):
        problems.append(Problem(_join(path, "validTo"), "must be after validFrom"))
    problems += _schedule_problems(
        payload.get("chargingSchedule"), purpose, kind, _join(path, "chargingSchedule")
    )
    return problems


def placement_problems(
    connector_id: int, profile: ChargingProfile, active_transaction: int | None
) -> list[Problem]:
    """Where a profile may go (§5.16, §3.13.1): ChargePointMax only on connector 0, TxProfile
    only on a connector with a running transaction (and that one, if it names one)."""
    if profile.purpose == Purpose.CHARGE_POINT_MAX and connector_id != 0:
        return [Problem("connectorId", "a ChargePointMaxProfile goes on connector 0")]
    if profile.purpose != Purpose.TX:
        return []
    if connector_id == 0:
        return [Problem("connectorId", "a TxProfile goes on a connector, not on 0")]
    if active_transaction is None:
        return [Problem("connectorId", "a TxProfile needs a transaction on the connector")]
    if profile.transaction_id is not None and profile.transaction_id != active_transaction:
        return [
            Problem(
                "csChargingProfiles.transactionId",
                f"the connector's transaction is {active_transaction}",
            )
        ]
    return []


def parse_profile(payload: Any, path: str = "") -> ChargingProfile:
    """The typed profile; raises `ProfileInvalid` naming every mistake."""
    problems = profile_problems(payload, path)
    if problems:
        raise ProfileInvalid(problems)
    schedule = payload["chargingSchedule"]
    periods = tuple(
        SchedulePeriod(p["startPeriod"], float(p["limit"]), p.get("numberPhases"))
        for p in schedule["chargingSchedulePeriod"]
    )
    rate = schedule.get("minChargingRate")
    recurrency = payload.get("recurrencyKind")
    kind = Kind(payload["chargingProfileKind"])
    return ChargingProfile(
        id=payload["chargingProfileId"],
        stack_level=payload["stackLevel"],
        purpose=Purpose(payload["chargingProfilePurpose"]),
        kind=kind,
        schedule=ChargingSchedule(
            unit=RateUnit(schedule["chargingRateUnit"]),
            periods=periods,
            duration=schedule.get("duration"),
            start_schedule=_optional_time(schedule.get("startSchedule")),
            min_charging_rate=None if rate is None else float(rate),
        ),
        # recurrencyKind means nothing outside a Recurring profile (§7.13).
        recurrency=Recurrency(recurrency) if recurrency and kind == Kind.RECURRING else None,
        valid_from=_optional_time(payload.get("validFrom")),
        valid_to=_optional_time(payload.get("validTo")),
        transaction_id=payload.get("transactionId"),
    )


def _optional_time(text: str | None) -> datetime | None:
    return None if text is None else parse_time(text)


def convert(
    limit: float, source: RateUnit, target: RateUnit, voltage_v: float, phases: int
) -> float:
    """A limit in A (per phase) as W, or back: P = I * U * phases (U phase-to-neutral)."""
    if source == target:
        return limit
    if target == RateUnit.WATTS:
        return limit * voltage_v * phases
    return limit / (voltage_v * phases)
