"""Solar-surplus mode (issue 16 follow-up): the chargers charge from what the site exports,
never below ``solar.minimumA`` (at 0 they pause without surplus), and a passing cloud does not
flap their profiles: a new surplus is taken only after it has stayed more than the threshold
away for ``load_min_interval_s``. The controller runs on trio's MockClock with stand-in
chargers (tests/support/load_controller.py) and a grid meter pushed as over REST."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing

from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.load_solar import SolarSurplus
from capacitor_edge.domain.site import site_from_document
from capacitor_edge.meters.registers import METER_MODELS
from tests.support.load_controller import TUNING, Harness, controller, site


@pytest.fixture
def clock() -> trio.testing.MockClock:
    """Virtual time that jumps after 20 ms of real idleness (the database's writer thread)."""
    return trio.testing.MockClock(autojump_threshold=0.02)


def solar_site(minimum_a: float) -> dict[str, Any]:
    document = site(1, root_a=100, meter={"source": "rest", "measures": "grid"})
    document["meter"]["staleAfterS"] = 100_000
    document["solar"] = {"enabled": True, "minimumA": minimum_a}
    return document


def test_a_passing_dip_is_ignored_a_lasting_one_is_taken_at_its_least() -> None:
    surplus = SolarSurplus()
    step = {"threshold_a": 1.0, "min_interval_s": 60.0}
    assert surplus.update((-20.0, -20.0, -20.0), 0.0, 0.0, **step)  # the first: at once
    assert surplus.amperes == (20.0, 20.0, 20.0)
    assert not surplus.update((-20.5, -20.0, -19.5), 0.0, 5.0, **step)  # within the threshold
    assert not surplus.update((-5.0, -20.0, -20.0), 0.0, 10.0, **step)  # a cloud...
    assert not surplus.update((-20.0, -20.0, -20.0), 0.0, 40.0, **step)  # ...gone
    assert surplus.wake_at(60.0) == float("inf")
    assert not surplus.update((-9.0, -9.0, -9.0), 0.0, 100.0, **step)
    assert surplus.wake_at(60.0) == 160.0
    assert not surplus.update((-8.0, -12.0, -9.0), 0.0, 130.0, **step)
    assert surplus.update((-9.0, -9.0, -9.0), 0.0, 160.0, **step)
    # What held all along, on each phase.
    assert surplus.amperes == (8.0, 9.0, 9.0)


def test_the_minimum_is_kept_without_surplus() -> None:
    surplus = SolarSurplus()
    assert surplus.update((15.0, -3.0, -40.0), 6.0, 0.0, 1.0, 60.0)
    assert surplus.amperes == (6.0, 6.0, 40.0)


def test_solar_needs_a_meter() -> None:
    document = site(1)
    document["solar"] = {"enabled": True}
    with pytest.raises(Invalid) as raised:
        site_from_document(document, tuple(METER_MODELS))
    assert raised.value.field == "solar.enabled"


def draws(h: Harness, amperes: float, house_a: float, pv_a: float) -> None:
    """The charger draws ``amperes`` on each phase and reports it; the grid meter reads the
    house plus the charger less the PV."""
    h.control.metered("CP-0", 1, [("L1", amperes), ("L2", amperes), ("L3", amperes)])
    reading = house_a + amperes - pv_a
    h.control.building_load([reading, reading, reading])


async def test_charging_follows_the_export_and_a_cloud_does_not_flap_it(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    async with controller(tmp_path, solar_site(0.0)) as h:
        with trio.fail_after(3600):
            draws(h, 0.0, house_a=5.0, pv_a=25.0)  # 20 A exported on each phase
            h.control.transaction_started("CP-0", 1, 100)
            first = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert first.limit_a == 20
            draws(h, 20.0, house_a=5.0, pv_a=25.0)  # the car takes it: the grid reads 0
            await trio.sleep(10)
            draws(h, 20.0, house_a=5.0, pv_a=10.0)  # a cloud: 15 A imported for 20 s
            await trio.sleep(20)
            draws(h, 20.0, house_a=5.0, pv_a=25.0)
            await trio.sleep(3 * TUNING.min_interval_s)
            assert [s.limit_a for s in h.chargers.sent if s.charge_box_id == "CP-0"] == [20]
            # The sun sets for good: 12 A of PV left, 8 A of surplus once the car is counted.
            setting = trio.current_time()
            draws(h, 20.0, house_a=4.0, pv_a=12.0)
            lower = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert lower.limit_a == 8
            assert lower.at >= setting + TUNING.min_interval_s - 1e-6
            draws(h, 8.0, house_a=4.0, pv_a=2.0)  # no surplus left: minimum 0, so it pauses
            paused = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert paused.limit_a == 0


async def test_with_a_minimum_it_charges_on_without_surplus(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    async with controller(tmp_path, solar_site(6.0)) as h:
        with trio.fail_after(3600):
            draws(h, 0.0, house_a=10.0, pv_a=0.0)  # importing: no surplus at all
            h.control.transaction_started("CP-0", 1, 100)
            first = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert first.limit_a == 6
