"""The box's own work after each boot waits in a storm and only then (domain/boot_pacing.py,
issue 21): outside a storm it runs at once; in one, once boots pause, never later than
MAX_DEFER_S after its boot, and a bounded number of chargers at a time."""

from __future__ import annotations

import trio
import trio.testing

from capacitor_edge.domain import boot_pacing
from capacitor_edge.domain.boot_pacing import BootPacing


async def _enter(pacing: BootPacing, booted_at: float, entered: list[float]) -> None:
    async with pacing.turn(booted_at):
        entered.append(trio.current_time())


async def test_a_few_boots_wait_for_nothing(mock_clock: trio.testing.MockClock) -> None:
    pacing = BootPacing()
    entered: list[float] = []
    with trio.fail_after(1):
        for _ in range(5):
            await _enter(pacing, pacing.note(), entered)
    assert entered == [0.0] * 5  # the clock never moved


async def test_in_a_storm_the_work_waits_until_boots_pause(
    mock_clock: trio.testing.MockClock,
) -> None:
    pacing = BootPacing()
    entered: list[float] = []
    with trio.fail_after(10):  # the mock clock's seconds
        async with trio.open_nursery() as nursery:
            for _ in range(int(boot_pacing.STORM_BOOTS) + 10):
                nursery.start_soon(_enter, pacing, pacing.note(), entered)
            await trio.testing.wait_all_tasks_blocked()
            assert entered == []
            mock_clock.jump(0.6)
            pacing.note()  # the storm goes on
            mock_clock.jump(0.6)
            await trio.testing.wait_all_tasks_blocked()
            assert entered == []  # 0.6 s since the last boot
            mock_clock.jump(boot_pacing.QUIET_S)
            await trio.testing.wait_all_tasks_blocked()
    assert len(entered) == int(boot_pacing.STORM_BOOTS) + 10


async def test_an_endless_storm_holds_the_work_back_for_max_defer_s(
    mock_clock: trio.testing.MockClock,
) -> None:
    mock_clock.autojump_threshold = 0
    pacing = BootPacing()
    for _ in range(int(boot_pacing.STORM_BOOTS) * 2):
        first = pacing.note()
    entered: list[float] = []

    async def keep_booting() -> None:
        while True:
            pacing.note()
            await trio.sleep(boot_pacing.QUIET_S / 2)

    with trio.fail_after(boot_pacing.MAX_DEFER_S * 2):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(keep_booting)
            await _enter(pacing, first, entered)
            nursery.cancel_scope.cancel()
    assert entered == [first + boot_pacing.MAX_DEFER_S]


async def test_at_most_concurrency_chargers_at_a_time(mock_clock: trio.testing.MockClock) -> None:
    pacing = BootPacing(concurrency=3)
    inside = [0]
    most = [0]
    release = trio.Event()

    async def work() -> None:
        async with pacing.turn(pacing.note()):
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await release.wait()
            inside[0] -= 1

    with trio.fail_after(1):
        async with trio.open_nursery() as nursery:
            for _ in range(10):
                nursery.start_soon(work)
            await trio.testing.wait_all_tasks_blocked()
            assert inside[0] == 3
            release.set()
    assert most[0] == 3 and inside[0] == 0
