"""A meter at the grid connection (issue 16 follow-up, ``"measures": "grid"``): the building's
other load is the meter's reading less what the chargers behind it report, per site phase
through each charger's wiring, clamped at 0 for the grid connection's limit.

Property: whatever the wiring, the building's load and the chargers' draws, the estimate is
never below the building's true load when each charger's sample is current, was taken before
a decrease it has since obeyed, or has not come yet; so the chargers' limit on the root plus
the building never exceeds the grid connection. With samples that are current, or taken before
a decrease from a car whose wish has not changed, it is exact. (A car that lowers its own draw
after its sample is the one skew left: the box then sees that much too much room until the
charger's next MeterValues; docs/load-management.md.)"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from capacitor_edge.domain.load_state import LoadState, Sent, Session
from capacitor_edge.domain.site import site_from_document
from capacitor_edge.meters.registers import METER_MODELS

ROOT_A = 100.0
WIRINGS = [["L1"], ["L2"], ["L3"], ["L1", "L2", "L3"], ["L2", "L3", "L1"], ["L3", "L1"]]


def grid_site(wirings: list[list[str]], measures: str = "grid") -> LoadState:
    document = {
        "circuits": [{"id": "grid", "maxCurrentA": ROOT_A}],
        "chargers": [
            {
                "chargeBoxId": f"CP-{n}",
                "circuitId": "grid",
                "phases": len(wiring),
                "phaseConnection": wiring,
                "maxCurrentA": 32,
            }
            for n, wiring in enumerate(wirings)
        ],
        "meter": {"source": "rest", "measures": measures},
    }
    return LoadState(site=site_from_document(document, tuple(METER_MODELS)), org_id="org")


def draw_on_site(wiring: list[str], amperes: float) -> tuple[float, float, float]:
    per_site = [0.0, 0.0, 0.0]
    for name in wiring:
        per_site[int(name[1]) - 1] = amperes
    return (per_site[0], per_site[1], per_site[2])


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[list[list[str]], tuple[float, float, float], list[tuple[float, float, str]]]:
    wirings = draw(st.lists(st.sampled_from(WIRINGS), min_size=0, max_size=12))
    building = (draw(st.floats(0, 80)), draw(st.floats(0, 80)), draw(st.floats(0, 80)))
    sessions: list[tuple[float, float, str]] = []
    for _ in wirings:
        sent = draw(st.sampled_from([0.0, 6.0, 10.0, 16.0, 32.0]))
        # What the car would take: it draws that, or its limit if that is lower.
        wish = draw(st.floats(0, 40))
        # current: the sample is what it draws now; stale: the sample was taken under a
        # higher limit (before a decrease it obeys now); none: not reported yet.
        sessions.append((sent, wish, draw(st.sampled_from(["current", "stale", "none"]))))
    return wirings, building, sessions


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_the_building_load_is_never_underestimated(
    scenario: tuple[list[list[str]], tuple[float, float, float], list[tuple[float, float, str]]],
) -> None:
    wirings, building, sessions = scenario
    state = grid_site(wirings)
    reading = list(building)
    all_current = True
    for n, (wiring, (sent, wish, kind)) in enumerate(zip(wirings, sessions, strict=True)):
        actual = min(wish, sent)
        key = (f"CP-{n}", 1)
        state.sessions[key] = Session(transaction_id=n)
        state.sent[key] = Sent(sent, 0.0)
        for phase, amperes in enumerate(draw_on_site(wiring, actual)):
            reading[phase] += amperes  # the grid meter sees every charger's real draw
        if kind == "current":
            state.sessions[key].measured_a = draw_on_site(wiring, actual)
        elif kind == "stale":
            # Sampled under 32 A: the car drew what it wished, up to that.
            state.sessions[key].measured_a = draw_on_site(wiring, min(wish, 32.0))
        else:
            all_current = all_current and actual == 0
    state.meter_a = (reading[0], reading[1], reading[2])
    other = state.other_load()
    assert other is not None
    for phase in range(3):
        assert other[phase] >= building[phase] - 1e-6
        if all_current:
            assert math.isclose(other[phase], building[phase], abs_tol=1e-6)
    limits = state.building_limits(0.0)["grid"].per_phase_a
    for phase in range(3):
        assert limits[phase] + building[phase] <= ROOT_A + 1e-6
        assert limits[phase] >= 0


def test_a_rotated_charger_is_taken_off_the_phases_it_uses() -> None:
    """A three-phase charger wired L2-L3-L1 reports its L1 on the site's L2; a one-phase one
    on L3: each draw comes off the site phase it is on."""
    state = grid_site([["L2", "L3", "L1"], ["L3"]])
    state.sessions[("CP-0", 1)] = Session(1, measured_a=(16.0, 16.0, 16.0))
    state.sessions[("CP-1", 1)] = Session(2, measured_a=(0.0, 0.0, 10.0))
    state.sent[("CP-0", 1)] = Sent(16.0, 0.0)
    state.sent[("CP-1", 1)] = Sent(16.0, 0.0)
    state.meter_a = (36.0, 36.0, 46.0)  # 20 A of building on each phase
    assert state.other_load() == (20.0, 20.0, 20.0)
    assert state.building_limits(0.0)["grid"].per_phase_a == (80.0, 80.0, 80.0)


def test_a_sample_from_before_a_decrease_counts_only_what_is_allowed_now() -> None:
    state = grid_site([["L1", "L2", "L3"]])
    state.sessions[("CP-0", 1)] = Session(1, measured_a=(32.0, 32.0, 32.0))
    state.sent[("CP-0", 1)] = Sent(10.0, 0.0)  # lowered after the sample was taken
    state.meter_a = (40.0, 40.0, 40.0)  # 30 A of building + the 10 A it draws now
    assert state.other_load() == (30.0, 30.0, 30.0)


def test_a_grid_reading_under_the_chargers_clamps_at_zero() -> None:
    """Timing skew can make the chargers' samples add up to more than the meter read: the
    building's load is then taken as 0, never as room above the grid connection's limit."""
    state = grid_site([["L1", "L2", "L3"]])
    state.sessions[("CP-0", 1)] = Session(1, measured_a=(16.0, 16.0, 16.0))
    state.sent[("CP-0", 1)] = Sent(16.0, 0.0)
    state.meter_a = (10.0, 10.0, 10.0)
    assert state.other_load() == (-6.0, -6.0, -6.0)
    assert state.building_limits(0.0)["grid"].per_phase_a == (ROOT_A, ROOT_A, ROOT_A)


def test_a_building_meter_keeps_its_reading_as_the_other_load() -> None:
    state = grid_site([["L1", "L2", "L3"]], measures="building")
    state.sessions[("CP-0", 1)] = Session(1, measured_a=(16.0, 16.0, 16.0))
    state.meter_a = (25.0, 20.0, 15.0)
    assert state.other_load() == (25.0, 20.0, 15.0)
    assert state.building_limits(0.0)["grid"].per_phase_a == (75.0, 80.0, 85.0)
