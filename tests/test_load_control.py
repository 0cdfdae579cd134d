"""The load controller's timing on trio's MockClock (issue 16): the threshold, the minimum
interval per charger, the fallback when the meter goes stale, rotation of paused sessions, and
the fail-safes (safe default at boot, a charger refusing profiles, an unreachable charger).

The controller, its state and its SQLite store are the real ones; the chargers are a stand-in
at the controller's port (:class:`ProfileSender`) that answers as told and records what it was
sent and when (virtual time), so every timing here is exact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import trio
import trio.testing

from tests.support.load_controller import ORG, TUNING, controller, events_of, site


@pytest.fixture
def clock() -> trio.testing.MockClock:
    """Virtual time that jumps after 50 ms of real idleness. The database's writer thread
    counts as idle to trio: a commit that takes longer than the threshold in real time (a
    loaded machine) let virtual time jump past the controller's next deadline while a profile
    was being sent (seen: a fallback recorded at 12 s where 10-11 s was due)."""
    return trio.testing.MockClock(autojump_threshold=0.05)


async def test_a_decrease_goes_out_at_once_an_increase_waits_for_the_interval(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    async with controller(tmp_path, site(2, root_a=40)) as h:
        with trio.fail_after(3600):
            h.control.transaction_started("CP-0", 1, 100)
            first = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert first.limit_a == 32
            await trio.sleep(10)  # virtual: the second car arrives 10 s later
            h.control.transaction_started("CP-1", 1, 101)
            down = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert down.limit_a == 20 and down.at == pytest.approx(first.at + 10, abs=0.5)
            assert h.chargers.last("CP-1") == 20
            await trio.sleep(5)
            h.control.transaction_stopped("CP-1", 101)
            up = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            # Back to 32 A, but not before the minimum interval since its last profile.
            assert up.limit_a == 32
            assert up.at >= down.at + TUNING.min_interval_s - 1e-6


async def test_changes_under_the_threshold_are_not_sent(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    document = site(1, root_a=100, meter={"source": "rest", "staleAfterS": 100000})
    document["chargers"][0]["maxCurrentA"] = 80
    async with controller(tmp_path, document) as h:
        with trio.fail_after(3600):
            h.control.building_load([40, 40, 40])
            h.control.transaction_started("CP-0", 1, 100)
            first = await h.chargers.wait_for(lambda s: s.limit_a == 60)
            await trio.sleep(TUNING.min_interval_s * 2)
            h.control.building_load([39.5, 39.5, 39.5])  # +0.5 A: under the threshold
            await trio.sleep(TUNING.min_interval_s * 2)
            assert h.chargers.sent[-1] == first
            h.control.building_load([38, 38, 38])  # +2 A: sent
            second = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert second.limit_a == 62


async def test_a_stale_meter_falls_back_and_raises_events(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    document = site(1, root_a=100, meter={"source": "rest", "staleAfterS": 10})
    async with controller(tmp_path, document) as h:
        with trio.fail_after(3600):
            h.control.building_load([50, 50, 50])
            h.control.transaction_started("CP-0", 1, 100)
            fresh = await h.chargers.wait_for(lambda s: s.limit_a == 32)
            # No reading for longer than staleAfterS: the fallback limit (20 A), at once.
            fallback = await h.chargers.wait_for(lambda s: s.limit_a == 20)
            assert fresh.at + 10 <= fallback.at <= fresh.at + 11
            assert len(await events_of(h.db, "site.meter_stale")) == 1
            async with trio.open_nursery() as readings:

                async def meter() -> None:
                    while True:
                        h.control.building_load([50, 50, 50])
                        await trio.sleep(2)

                readings.start_soon(meter)
                # Back to 32 A once the minimum interval since the fallback has passed.
                restored = await h.chargers.wait_for(lambda s: s.limit_a == 32)
                assert restored.at >= fallback.at + TUNING.min_interval_s - 1e-6
                readings.cancel_scope.cancel()
            assert len(await events_of(h.db, "site.meter_restored")) == 1


async def test_rotation_lets_every_paused_session_charge(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    """Twenty sessions on 100 A: sixteen fit at 6 A; the other four charge in turn."""
    async with controller(tmp_path, site(20, root_a=100)) as h:
        with trio.fail_after(20 * TUNING.rotation_interval_s):
            for n in range(20):
                h.control.transaction_started(f"CP-{n}", 1, 100 + n)
            started = trio.current_time()
            await h.chargers.until(
                lambda sent: len({s.charge_box_id for s in sent if s.limit_a > 0}) == 20
            )
            # Within a few rotations, not at the end of the bound.
            assert trio.current_time() - started <= 3 * TUNING.rotation_interval_s
            assert h.control.allocation is not None
            assert len(h.control.allocation.paused) == 4


async def test_a_booted_charger_gets_the_safe_default_first(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    document = site(1)
    document["safeCurrentA"] = 8
    async with controller(tmp_path, document) as h:
        with trio.fail_after(600):
            h.control.booted("CP-0")
            safe = await h.chargers.wait_for(lambda s: True)
            assert (safe.purpose, safe.connector_id, safe.limit_a) == ("safe", 0, 8)


async def test_a_charger_refusing_profiles_is_counted_at_its_maximum(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    async with controller(tmp_path, site(2, root_a=50)) as h:
        with trio.fail_after(600):
            h.chargers.answers["CP-0"] = "rejected"
            h.control.transaction_started("CP-0", 1, 100)
            await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            h.control.transaction_started("CP-1", 1, 101)
            # CP-0 may draw its 32 A unmanaged: CP-1 gets the 18 A left.
            other = await h.chargers.wait_for(
                lambda s: s.charge_box_id == "CP-1" and s.limit_a == 18
            )
            assert "CP-0" in h.control.state.refusing
            assert other.limit_a == 18


async def test_an_unreachable_charger_keeps_its_last_allocation(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    async with controller(tmp_path, site(2, root_a=50)) as h:
        with trio.fail_after(600):
            h.control.transaction_started("CP-0", 1, 100)
            await h.chargers.wait_for(lambda s: s.limit_a == 32)
            h.online.discard("CP-0")
            h.control.transaction_started("CP-1", 1, 101)
            # CP-0 cannot be told to make room: its 32 A still stand, CP-1 gets 18 A.
            other = await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-1")
            assert other.limit_a == 18
            assert all(s.charge_box_id == "CP-1" for s in h.chargers.sent[1:])


async def test_a_suspended_car_gives_its_share_away_and_headroom_is_reallocated(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    async with controller(tmp_path, site(2, root_a=40)) as h:

        async def limits(cp0: float, cp1: float) -> None:
            await h.chargers.until(
                lambda _: (h.chargers.last("CP-0"), h.chargers.last("CP-1")) == (cp0, cp1)
            )

        with trio.fail_after(3600):
            h.control.transaction_started("CP-0", 1, 100)
            h.control.transaction_started("CP-1", 1, 101)
            await limits(20, 20)
            # CP-1's car takes nothing: it keeps its 6 A minimum, CP-0 gets the rest.
            h.control.status_changed("CP-1", 1, "SuspendedEV")
            await limits(32, 6)
            h.control.status_changed("CP-1", 1, "Charging")
            await limits(20, 20)
            # CP-1 draws only 10 A of its 20 for longer than headroom_after_s: its cap becomes
            # 11 A and CP-0 gets the 9 A it leaves.
            for _ in range(int(TUNING.headroom_after_s / 10) + 2):
                h.control.metered("CP-1", 1, [("L1", 10.0), ("L2", 10.0), ("L3", 10.0)])
                await trio.sleep(10)
            await limits(29, 11)
            # It draws up to its cap: it gets its share back.
            h.control.metered("CP-1", 1, [("", 11.0)])
            await limits(20, 20)


def an_active_transaction(conn: sqlite3.Connection) -> None:
    """What the box's stores keep of CP-0's session (written as they write it, minimal)."""
    conn.execute("INSERT INTO organisations (id, name, created_at) VALUES (?, ?, '')", (ORG, ORG))
    conn.execute(
        "INSERT INTO chargers (id, org_id, charge_box_id, registered_at)"
        " VALUES ('chg_0', ?, 'CP-0', '')",
        (ORG,),
    )
    conn.execute(
        "INSERT INTO transactions (transaction_id, id, charger_seq, org_id, charge_box_id,"
        " connector_id, id_tag, authorization_status, meter_start, start_time, status,"
        " created_at) VALUES (100, 'txn_0', 1, ?, 'CP-0', 1, 'TAG', 'Accepted', 0, '',"
        " 'active', '')",
        (ORG,),
    )


async def test_a_restarted_box_sends_the_allocations_again(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    document = site(2, root_a=50)
    async with controller(tmp_path, document) as before:
        with trio.fail_after(600):
            await before.db.write(an_active_transaction)
            before.control.transaction_started("CP-0", 1, 100)
            await before.chargers.wait_for(lambda s: s.limit_a == 32)
    async with controller(tmp_path, document, put=False) as after:
        with trio.fail_after(600):
            # The charger is not back yet: its 32 A still stand, the others are planned
            # around them, and nothing goes to it until it connects.
            after.online.discard("CP-0")
            await after.control.load()
            after.control.transaction_started("CP-1", 1, 101)
            await after.chargers.wait_for(lambda s: s.charge_box_id == "CP-1" and s.limit_a == 18)
            after.control.transaction_stopped("CP-1", 101)
            # When it connects, its allocation is sent again, though unchanged (it may have
            # lost it, and the box cannot know).
            after.online.add("CP-0")
            after.control.connected("CP-0")
            again = await after.chargers.wait_for(lambda s: s.charge_box_id == "CP-0")
            assert again.limit_a == 32


async def test_a_charger_taken_out_of_the_site_gives_its_share_back(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    document = site(2, root_a=40)
    async with controller(tmp_path, document) as h:
        with trio.fail_after(600):
            h.control.transaction_started("CP-0", 1, 100)
            h.control.transaction_started("CP-1", 1, 101)
            await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-1" and s.limit_a == 20)
            smaller = {**document, "chargers": document["chargers"][:1]}
            await h.control.put_site(ORG, smaller)
            # CP-1's session goes on unmanaged; CP-0 gets the site to itself.
            await h.chargers.wait_for(lambda s: s.charge_box_id == "CP-0" and s.limit_a == 32)
