"""The composite schedule (OCPP 1.6 §3.13, §5.7) against the specification's worked cases:
stacking (§3.13.4), TxDefault under ChargePointMax (§3.13.5), TxProfile over TxDefault (§3.13.1),
a daily recurring profile across midnight (§7.13), Relative profiles from the transaction's
start, validity bounds and unit conversion; then properties over random profiles."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from capacitor_edge.protocol.charging_profiles import (
    RECURRENCE_S,
    ChargingProfile,
    Kind,
    Purpose,
    RateUnit,
    convert,
    parse_profile,
)
from capacitor_edge.protocol.charging_schedules import (
    CompositeLimits,
    TransactionStart,
    composite_schedule,
)

DAY = 86_400
MONDAY = datetime(2024, 1, 1, tzinfo=UTC)  # 2024-01-01 was a Monday


def profile(
    id: int,
    purpose: str,
    periods: list[tuple[int, float]],
    *,
    stack: int = 0,
    kind: str = "Absolute",
    unit: str = "A",
    start: datetime | None = MONDAY,
    **extra: Any,
) -> ChargingProfile:
    schedule: dict[str, Any] = {
        "chargingRateUnit": unit,
        "chargingSchedulePeriod": [{"startPeriod": s, "limit": limit} for s, limit in periods],
    }
    if start is not None:
        schedule["startSchedule"] = start.isoformat().replace("+00:00", "Z")
    if "duration" in extra:
        schedule["duration"] = extra.pop("duration")
    payload = {
        "chargingProfileId": id,
        "stackLevel": stack,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": kind,
        "chargingSchedule": schedule,
        **extra,
    }
    return parse_profile(payload)


def steps(schedule: CompositeLimits) -> list[tuple[int, float | None]]:
    return [(p.start_period, p.limit) for p in schedule.periods]


def test_stacking_a_holiday_over_a_weekly_default() -> None:
    """§3.13.4: a weekly TxDefaultProfile (stack 0: 11 kW at night and at weekends, 6 kW on
    weekdays 08:00-18:00) with a stack 1 profile valid for one holiday (11 kW all day)."""
    weekly: list[tuple[int, float]] = [(0, 11_000)]
    for day in range(5):
        weekly += [(day * DAY + 8 * 3600, 6_000), (day * DAY + 18 * 3600, 11_000)]
    default = profile(
        1, "TxDefaultProfile", weekly, unit="W", kind="Recurring", recurrencyKind="Weekly"
    )
    holiday_start = MONDAY + timedelta(days=7 + 2)  # Wednesday of the second week
    holiday = profile(
        2,
        "TxDefaultProfile",
        [(0, 11_000)],
        unit="W",
        stack=1,
        start=holiday_start,
        validFrom="2024-01-10T00:00:00Z",
        validTo="2024-01-11T00:00:00Z",
    )
    tuesday = MONDAY + timedelta(days=8)
    three_days = composite_schedule(
        [], [default, holiday], start=tuesday, duration=3 * DAY, unit=RateUnit.WATTS
    )
    assert steps(three_days) == [
        (0, 11_000),
        (8 * 3600, 6_000),
        (18 * 3600, 11_000),  # ... and all of the holiday Wednesday ...
        (2 * DAY + 8 * 3600, 6_000),  # Thursday is a weekday again
        (2 * DAY + 18 * 3600, 11_000),
    ]


def test_tx_default_under_the_charge_point_max() -> None:
    """§3.13.5: the composite is the lower of the ChargePointMaxProfile and the
    TxDefaultProfile at every moment."""
    cap = profile(1, "ChargePointMaxProfile", [(0, 20), (3600, 10)])
    default = profile(2, "TxDefaultProfile", [(0, 32), (1800, 16), (5400, 6)])
    result = composite_schedule(
        [default], [cap], start=MONDAY, duration=7200, unit=RateUnit.AMPERES
    )
    assert steps(result) == [(0, 20), (1800, 16), (3600, 10), (5400, 6)]


def test_the_highest_stack_level_wins_and_the_lower_shows_where_it_ends() -> None:
    low = profile(1, "TxDefaultProfile", [(0, 16)])
    high = profile(2, "TxDefaultProfile", [(0, 8)], stack=3, duration=600)
    result = composite_schedule([], [low, high], start=MONDAY, duration=1800, unit=RateUnit.AMPERES)
    assert steps(result) == [(0, 8), (600, 16)]


def test_a_tx_profile_overrides_the_default_for_its_transaction_only() -> None:
    default = profile(1, "TxDefaultProfile", [(0, 32)], stack=5)
    tx = profile(2, "TxProfile", [(0, 16), (900, 10)], duration=1800, transactionId=7)
    ours = TransactionStart(MONDAY, transaction_id=7)
    result = composite_schedule(
        [tx], [default], start=MONDAY, duration=3600, unit=RateUnit.AMPERES, transaction=ours
    )
    assert steps(result) == [(0, 16), (900, 10), (1800, 32)]
    other = TransactionStart(MONDAY, transaction_id=8)
    result = composite_schedule(
        [tx], [default], start=MONDAY, duration=3600, unit=RateUnit.AMPERES, transaction=other
    )
    assert steps(result) == [(0, 32)]
    assert steps(
        composite_schedule([tx], [], start=MONDAY, duration=60, unit=RateUnit.AMPERES)
    ) == [(0, None)]  # no transaction: no TxProfile


def test_the_connectors_own_default_wins_over_connector_0_at_the_same_level() -> None:
    everywhere = profile(1, "TxDefaultProfile", [(0, 20)])
    here = profile(2, "TxDefaultProfile", [(0, 12)])
    result = composite_schedule(
        [here], [everywhere], start=MONDAY, duration=60, unit=RateUnit.AMPERES
    )
    assert steps(result) == [(0, 12)]


def test_a_daily_recurring_profile_across_midnight() -> None:
    """The daily profile of §3.13's example (11 kW, 6 kW from 08:00, 11 kW from 20:00), asked
    for from 20:00 for 14 hours: the night runs on into the next day's first period."""
    daily = profile(
        100,
        "TxDefaultProfile",
        [(0, 11_000), (28_800, 6_000), (72_000, 11_000)],
        unit="W",
        kind="Recurring",
        recurrencyKind="Daily",
        start=datetime(2013, 1, 1, tzinfo=UTC),
    )
    evening = datetime(2024, 3, 5, 20, tzinfo=UTC)
    result = composite_schedule([], [daily], start=evening, duration=14 * 3600, unit=RateUnit.WATTS)
    assert steps(result) == [(0, 11_000), (12 * 3600, 6_000)]


def test_a_recurring_run_that_crosses_midnight_and_then_stops() -> None:
    night = profile(
        1,
        "ChargePointMaxProfile",
        [(0, 10)],
        kind="Recurring",
        recurrencyKind="Daily",
        start=datetime(2024, 1, 1, 22, tzinfo=UTC),
        duration=4 * 3600,
    )
    midnight = datetime(2024, 1, 3, tzinfo=UTC)
    result = composite_schedule([], [night], start=midnight, duration=DAY, unit=RateUnit.AMPERES)
    assert steps(result) == [(0, 10), (2 * 3600, None), (22 * 3600, 10)]


def test_a_relative_profile_counts_from_the_transactions_start() -> None:
    relative = profile(1, "TxDefaultProfile", [(0, 10), (1800, 16)], kind="Relative", start=None)
    started = MONDAY + timedelta(minutes=10)
    now = MONDAY + timedelta(minutes=20)
    result = composite_schedule(
        [relative],
        [],
        start=now,
        duration=3600,
        unit=RateUnit.AMPERES,
        transaction=TransactionStart(started, 1),
    )
    assert steps(result) == [(0, 10), (1200, 16)]
    # Without a transaction it counts from the window's start, as for one starting now.
    alone = composite_schedule([relative], [], start=now, duration=3600, unit=RateUnit.AMPERES)
    assert steps(alone) == [(0, 10), (1800, 16)]


def test_validity_bounds_cut_a_profile() -> None:
    base = profile(1, "TxDefaultProfile", [(0, 16)])
    valid = profile(
        2,
        "TxDefaultProfile",
        [(0, 6)],
        stack=1,
        validFrom="2024-01-01T00:10:00Z",
        validTo="2024-01-01T00:20:00Z",
    )
    result = composite_schedule(
        [], [base, valid], start=MONDAY, duration=3600, unit=RateUnit.AMPERES
    )
    assert steps(result) == [(0, 16), (600, 6), (1200, 16)]
    assert result.limit_at(MONDAY + timedelta(seconds=900)) == 6
    assert result.limit_at(MONDAY + timedelta(seconds=3600)) is None  # after the window


def test_units_convert_with_voltage_and_phases() -> None:
    watts = profile(1, "ChargePointMaxProfile", [(0, 11_040)], unit="W")
    in_amps = composite_schedule([], [watts], start=MONDAY, duration=60, unit=RateUnit.AMPERES)
    assert steps(in_amps) == [(0, 16)]
    single = composite_schedule(
        [], [watts], start=MONDAY, duration=60, unit=RateUnit.AMPERES, phases=1
    )
    assert steps(single) == [(0, 48)]
    assert convert(16, RateUnit.AMPERES, RateUnit.WATTS, 230, 3) == 11_040
    one_phase = parse_profile(
        {
            "chargingProfileId": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Relative",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16, "numberPhases": 1}],
            },
        }
    )
    in_watts = composite_schedule([one_phase], [], start=MONDAY, duration=60, unit=RateUnit.WATTS)
    assert steps(in_watts) == [(0, 3_680)]
    assert in_watts.periods[0].number_phases == 1


def test_the_answer_payload_fills_unlimited_periods_with_the_maximum() -> None:
    short = profile(1, "TxDefaultProfile", [(0, 16)], duration=600)
    result = composite_schedule([], [short], start=MONDAY, duration=1200, unit=RateUnit.AMPERES)
    assert result.to_ocpp(32.0) == {
        "duration": 1200,
        "startSchedule": "2024-01-01T00:00:00Z",
        "chargingRateUnit": "A",
        "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": 16.0},
            {"startPeriod": 600, "limit": 32.0},
        ],
    }


# -- properties -------------------------------------------------------------------------------

period_lists = st.lists(
    st.tuples(st.integers(1, 20_000), st.integers(0, 640).map(lambda tenths: tenths / 10)),
    max_size=5,
).map(lambda rest: [(0, 32.0), *sorted({s: limit for s, limit in rest}.items())])


@st.composite
def random_profiles(draw: st.DrawFn, purpose: str, ids: st.SearchStrategy[int]) -> ChargingProfile:
    kind = draw(st.sampled_from(["Absolute", "Recurring", "Relative"]))
    if purpose == "ChargePointMaxProfile" and kind == "Relative":
        kind = "Absolute"
    extra: dict[str, Any] = {}
    if kind == "Recurring":
        extra["recurrencyKind"] = draw(st.sampled_from(["Daily", "Weekly"]))
    if draw(st.booleans()):
        extra["duration"] = draw(st.integers(20_001, 200_000))
    offset = draw(st.integers(-3 * DAY, 3 * DAY))
    return profile(
        draw(ids),
        purpose,
        draw(period_lists),
        stack=draw(st.integers(0, 3)),
        kind=kind,
        start=None if kind == "Relative" else MONDAY + timedelta(seconds=offset),
        **extra,
    )


ids = st.integers(1, 1_000)
SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(
    caps=st.lists(random_profiles("ChargePointMaxProfile", ids), min_size=1, max_size=3),
    defaults=st.lists(random_profiles("TxDefaultProfile", ids), max_size=3),
    txs=st.lists(random_profiles("TxProfile", ids), max_size=2),
    window_offset=st.integers(-2 * DAY, 2 * DAY),
    duration=st.integers(1, 3 * DAY),
    samples=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=20),
)
def test_the_composite_never_exceeds_the_charge_point_max_and_its_periods_are_ordered(
    caps: list[ChargingProfile],
    defaults: list[ChargingProfile],
    txs: list[ChargingProfile],
    window_offset: int,
    duration: int,
    samples: list[float],
) -> None:
    start = MONDAY + timedelta(seconds=window_offset)
    transaction = TransactionStart(start - timedelta(seconds=300), None)
    result = composite_schedule(
        txs,
        [*caps, *defaults],
        start=start,
        duration=duration,
        unit=RateUnit.AMPERES,
        transaction=transaction,
    )
    starts = [p.start_period for p in result.periods]
    assert starts[0] == 0
    assert all(a < b for a, b in itertools.pairwise(starts))
    assert starts[-1] < duration
    caps_alone = composite_schedule([], caps, start=start, duration=duration, unit=RateUnit.AMPERES)
    for fraction in samples:
        moment = start + timedelta(seconds=int(fraction * duration))
        cap = caps_alone.limit_at(moment)
        limit = result.limit_at(moment)
        if cap is not None:
            assert limit is not None
            assert limit <= cap


def limit_by_the_rules(
    connector: list[ChargingProfile],
    charge_point: list[ChargingProfile],
    moment: datetime,
    transaction: TransactionStart,
) -> float | None:
    """The rules of §3.13 applied to one moment, directly: the oracle for the computation."""

    def period_limit(profile: ChargingProfile) -> float | None:
        if profile.valid_from is not None and moment < profile.valid_from:
            return None
        if profile.valid_to is not None and moment >= profile.valid_to:
            return None
        schedule = profile.schedule
        anchor = schedule.start_schedule or transaction.started_at
        if profile.kind == Kind.RELATIVE:
            anchor = transaction.started_at
        elapsed = (moment - anchor).total_seconds()
        length = schedule.duration
        if profile.recurrency is not None:
            every = RECURRENCE_S[profile.recurrency]
            if elapsed < 0:
                return None
            elapsed %= every
            length = min(length or every, every)
        if elapsed < 0 or (length is not None and elapsed >= length):
            return None
        return [p.limit for p in schedule.periods if p.start_period <= elapsed][-1]

    def best(purpose: Purpose) -> float | None:
        ranked = [
            ((p.stack_level, own), limit)
            for profiles, own in ((connector, 1), (charge_point, 0))
            for p in profiles
            if p.purpose == purpose and (limit := period_limit(p)) is not None
        ]
        return max(ranked, key=lambda r: r[0])[1] if ranked else None

    chosen = best(Purpose.TX)
    if chosen is None:
        chosen = best(Purpose.TX_DEFAULT)
    cap = best(Purpose.CHARGE_POINT_MAX)
    if cap is not None and (chosen is None or cap < chosen):
        return cap
    return chosen


@SETTINGS
@given(
    caps=st.lists(random_profiles("ChargePointMaxProfile", st.integers(1, 99)), max_size=2),
    defaults=st.lists(random_profiles("TxDefaultProfile", st.integers(100, 199)), max_size=3),
    txs=st.lists(random_profiles("TxProfile", st.integers(200, 299)), max_size=2),
    window_offset=st.integers(-2 * DAY, 9 * DAY),
    duration=st.integers(1, 8 * DAY),
    started_before=st.integers(0, DAY),
    samples=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=30),
)
def test_the_composite_agrees_with_the_rules_at_every_sampled_moment(
    caps: list[ChargingProfile],
    defaults: list[ChargingProfile],
    txs: list[ChargingProfile],
    window_offset: int,
    duration: int,
    started_before: int,
    samples: list[float],
) -> None:
    # Distinct stack levels per purpose and place, as the charger keeps them (§5.16: a new
    # profile with the same purpose and stackLevel replaces the old one).
    def distinct(profiles: list[ChargingProfile]) -> list[ChargingProfile]:
        return list({p.stack_level: p for p in profiles}.values())

    caps, defaults, txs = distinct(caps), distinct(defaults), distinct(txs)
    start = MONDAY + timedelta(seconds=window_offset)
    transaction = TransactionStart(start - timedelta(seconds=started_before), None)
    result = composite_schedule(
        txs,
        [*caps, *defaults],
        start=start,
        duration=duration,
        unit=RateUnit.AMPERES,
        transaction=transaction,
    )
    for fraction in samples:
        moment = start + timedelta(seconds=int(fraction * duration))
        expected = limit_by_the_rules(txs, [*caps, *defaults], moment, transaction)
        assert result.limit_at(moment) == expected, moment
