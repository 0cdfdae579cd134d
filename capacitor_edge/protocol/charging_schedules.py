"""The composite schedule of a connector (OCPP 1.6 §3.13.4-3.13.5, §5.7 GetCompositeSchedule):
what limit applies when, from every profile installed on the connector and on the charge point.

The rules, per moment of the requested window:

- a profile counts only while it is valid (validFrom/validTo) and while one of its schedule's
  periods covers the moment (an Absolute schedule from its start, a Relative one from the
  transaction's start, a Recurring one from the start of each day or week since its
  startSchedule, cut at the next recurrence);
- of the profiles of one purpose that count, the highest stackLevel wins (§3.13.4); a
  TxDefaultProfile on the connector wins over one on connector 0 at the same stackLevel (it is
  the more specific, as OCPP 2.0.1 spells out);
- a TxProfile, while it counts, overrides the TxDefaultProfile (§3.13.1), and only for its
  transaction; without a transaction there is none, and Relative profiles count from the
  window's start (as for a transaction starting now);
- the ChargePointMaxProfile caps the result: the composite is the lower of the two (§3.13.5).

Limits are converted to the requested unit with the connector's voltage and phase count
(P = I * U * phases, phases = the period's numberPhases, 3 if absent, at most the connector's).
A moment no profile limits has no limit (``None``): the charger's own maximum applies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from capacitor_edge.protocol.charging_profiles import (
    DEFAULT_PHASES,
    RECURRENCE_S,
    ChargingProfile,
    Kind,
    Purpose,
    RateUnit,
    convert,
    format_time,
)


@dataclass(frozen=True)
class TransactionStart:
    started_at: datetime
    transaction_id: int | None = None


@dataclass(frozen=True)
class CompositePeriod:
    start_period: int
    #: In the schedule's unit; None: no profile limits this period.
    limit: float | None
    number_phases: int | None = None


@dataclass(frozen=True)
class CompositeLimits:
    start: datetime
    duration: int
    unit: RateUnit
    periods: tuple[CompositePeriod, ...]

    def limit_at(self, moment: datetime) -> float | None:
        """The limit at ``moment`` (None: unlimited, or outside the window)."""
        offset = (moment - self.start).total_seconds()
        if not 0 <= offset < self.duration:
            return None
        current: float | None = None
        for period in self.periods:
            if period.start_period > offset:
                break
            current = period.limit
        return current

    def to_ocpp(self, maximum: float) -> dict[str, Any]:
        """The ``chargingSchedule`` of GetCompositeSchedule.conf (§7.12); a period no profile
        limits shows ``maximum``, the connector's own limit in this unit."""
        periods: list[dict[str, Any]] = []
        for period in self.periods:
            limit = _tenths(maximum) if period.limit is None else period.limit
            last = periods[-1] if periods else {}
            if (last.get("limit"), last.get("numberPhases")) == (limit, period.number_phases):
                continue  # an unlimited gap that shows the maximum may equal its neighbour
            item: dict[str, Any] = {"startPeriod": period.start_period, "limit": limit}
            if period.number_phases is not None:
                item["numberPhases"] = period.number_phases
            periods.append(item)
        return {
            "duration": self.duration,
            "startSchedule": format_time(self.start),
            "chargingRateUnit": self.unit.value,
            "chargingSchedulePeriod": periods,
        }


@dataclass(frozen=True)
class _Segment:
    """A stretch of the window in which one profile's period applies."""

    start: int
    end: int
    limit: float
    phases: int | None
    #: Who wins within a purpose: (stackLevel, 1 for the connector's own, 0 for connector 0).
    rank: tuple[int, int]
    purpose: Purpose


def _tenths(value: float) -> float:
    """Down to a multiple of 0.1 (the schema's multipleOf), never above the computed limit;
    the epsilon keeps 7.3 (72.99999… tenths in binary) at 7.3."""
    return math.floor(value * 10 + 1e-6) / 10


def _offset(moment: datetime, start: datetime) -> float:
    return (moment - start).total_seconds()


def _instances(
    profile: ChargingProfile, start: datetime, end: datetime, transaction: TransactionStart | None
) -> list[tuple[datetime, float]]:
    """Where each run of the profile's schedule begins, and how long it lasts (s)."""
    schedule = profile.schedule
    length = math.inf if schedule.duration is None else float(schedule.duration)
    fallback = transaction.started_at if transaction is not None else start
    if profile.kind == Kind.RELATIVE:
        return [(fallback, length)]
    if profile.kind == Kind.ABSOLUTE or profile.recurrency is None:
        return [(schedule.start_schedule or fallback, length)]
    base = schedule.start_schedule or fallback
    every = RECURRENCE_S[profile.recurrency]
    # A run lasts its duration, at most until the next recurrence starts (§7.13 Recurring).
    length = min(length, float(every))
    first = max(0, math.floor(_offset(start, base) / every))
    runs = []
    k = first
    while (anchor := base + timedelta(seconds=k * every)) < end:
        runs.append((anchor, length))
        k += 1
    return runs


def _segments(
    profile: ChargingProfile,
    rank: tuple[int, int],
    start: datetime,
    duration: int,
    unit: RateUnit,
    transaction: TransactionStart | None,
    voltage_v: float,
    phases: int,
) -> list[_Segment]:
    end = start + timedelta(seconds=duration)
    low, high = 0.0, float(duration)
    if profile.valid_from is not None:
        low = max(low, _offset(profile.valid_from, start))
    if profile.valid_to is not None:
        high = min(high, _offset(profile.valid_to, start))
    periods = profile.schedule.periods
    segments = []
    for anchor, length in _instances(profile, start, end, transaction):
        at = _offset(anchor, start)
        for index, period in enumerate(periods):
            stop = periods[index + 1].start_period if index + 1 < len(periods) else math.inf
            first = max(low, at + period.start_period)
            last = min(high, at + min(stop, length))
            if first >= last:
                continue
            used = min(period.number_phases or DEFAULT_PHASES, phases)
            limit = convert(period.limit, profile.schedule.unit, unit, voltage_v, used)
            segments.append(
                _Segment(
                    math.ceil(first),
                    math.ceil(last),
                    _tenths(limit),
                    period.number_phases,
                    rank,
                    profile.purpose,
                )
            )
    return [s for s in segments if s.start < s.end]


def _winner(segments: list[_Segment], moment: int, purpose: Purpose) -> _Segment | None:
    covering = [s for s in segments if s.purpose == purpose and s.start <= moment < s.end]
    return max(covering, key=lambda s: s.rank, default=None)


def composite_schedule(
    connector_profiles: Iterable[ChargingProfile],
    charge_point_profiles: Iterable[ChargingProfile],
    *,
    start: datetime,
    duration: int,
    unit: RateUnit,
    transaction: TransactionStart | None = None,
    voltage_v: float = 230.0,
    phases: int = DEFAULT_PHASES,
) -> CompositeLimits:
    """The composite schedule of one connector from ``start`` for ``duration`` seconds.

    ``connector_profiles`` are those installed on the connector (TxDefaultProfile, TxProfile),
    ``charge_point_profiles`` those on connector 0 (ChargePointMaxProfile, TxDefaultProfile).
    """
    start = start.replace(microsecond=0)
    segments: list[_Segment] = []
    sources = ((connector_profiles, 1), (charge_point_profiles, 0))
    for profiles, own in sources:
        for profile in profiles:
            if profile.purpose == Purpose.CHARGE_POINT_MAX and own:
                continue  # §5.16: it is only ever the charge point's
            if profile.purpose == Purpose.TX and (
                not own
                or transaction is None
                or profile.transaction_id not in (None, transaction.transaction_id)
            ):
                continue
            rank = (profile.stack_level, own)
            segments += _segments(
                profile, rank, start, duration, unit, transaction, voltage_v, phases
            )
    cuts = sorted({0, *(s.start for s in segments), *(s.end for s in segments)} - {duration})
    periods: list[CompositePeriod] = []
    for moment in (c for c in cuts if 0 <= c < duration):
        chosen = _winner(segments, moment, Purpose.TX) or _winner(
            segments, moment, Purpose.TX_DEFAULT
        )
        cap = _winner(segments, moment, Purpose.CHARGE_POINT_MAX)
        if cap is not None and (chosen is None or cap.limit < chosen.limit):
            chosen = cap
        limit = None if chosen is None else chosen.limit
        phases_used = None if chosen is None else chosen.phases
        if periods and (periods[-1].limit, periods[-1].number_phases) == (limit, phases_used):
            continue
        periods.append(CompositePeriod(moment, limit, phases_used))
    return CompositeLimits(start, duration, unit, tuple(periods))
