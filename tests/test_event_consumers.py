"""The journal's consumers yield to the chargers (issue 14: "many readers at once must not slow
chargers down"): a webhook delivery or a stream read waits for a turn, which comes when the box
is idle, never while a write waits for or is in the group commit, and at the latest after a
bounded time (domain/idle_turns.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.clock import SystemClock, iso_z
from capacitor_edge.domain.events import Events
from capacitor_edge.domain.idle_turns import (
    FORCED_AFTER_S,
    LOADED_AFTER_S,
    PATIENT_FORCED_AFTER_S,
    WRITING_POLL_S,
    IdleTurns,
)
from capacitor_edge.domain.webhooks import Webhooks
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import EventStore
from capacitor_edge.storage.webhooks import WebhookStore
from capacitor_edge.webhooks.dispatcher import DeliveryPolicy, Dispatcher
from tests.support.webhook_receiver import Receiver


class Writing:
    """Whether a write waits or commits, as the test sets it."""

    def __init__(self) -> None:
        self.now = False

    def __call__(self) -> bool:
        return self.now


async def test_a_turn_comes_at_once_when_the_box_is_idle(
    mock_clock: trio.testing.MockClock,
) -> None:
    turns = IdleTurns(Writing())
    with trio.fail_after(1):
        started = trio.current_time()
        await turns.turn()
        assert trio.current_time() == started  # not one (virtual) moment waited
        assert turns.waiting == 0


async def test_a_turn_waits_for_the_tasks_that_have_work(
    mock_clock: trio.testing.MockClock,
) -> None:
    turns = IdleTurns(Writing())
    order: list[str] = []

    async def busy() -> None:
        for step in range(20):  # a charger's task, with a checkpoint between its steps
            order.append(f"busy {step}")
            await trio.lowlevel.checkpoint()

    async def consumer() -> None:
        await turns.turn()
        order.append("consumer")

    with trio.fail_after(1):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(consumer)
            nursery.start_soon(busy)
    assert order == [f"busy {step}" for step in range(20)] + ["consumer"]


async def test_a_turn_waits_while_a_write_is_pending_and_at_most_the_bound(
    mock_clock: trio.testing.MockClock,
) -> None:
    mock_clock.autojump_threshold = 0  # virtual time runs on whenever every task waits
    writing = Writing()
    turns = IdleTurns(writing)
    with trio.fail_after(10):
        writing.now = True
        started = trio.current_time()
        await turns.turn()
        # Writes never stopped: the consumer went anyway, after the bound (lag stays bounded).
        assert trio.current_time() - started == pytest.approx(FORCED_AFTER_S)

        async def write_done_after(delay_s: float) -> None:
            await trio.sleep(delay_s)
            writing.now = False

        async with trio.open_nursery() as nursery:
            nursery.start_soon(write_done_after, 0.03)
            started = trio.current_time()
            writing.now = True
            await turns.turn()
            waited = trio.current_time() - started
        # Went once the write was done (looked at every WRITING_POLL_S), before the bound.
        assert 0.03 <= waited <= 0.03 + WRITING_POLL_S + 1e-9


async def test_a_patient_consumer_waits_longer_once_the_box_stays_busy(
    mock_clock: trio.testing.MockClock,
) -> None:
    mock_clock.autojump_threshold = 0
    writing = Writing()
    turns = IdleTurns(writing)
    with trio.fail_after(30):
        writing.now = True  # the chargers' writes never let up
        started = trio.current_time()
        gaps: list[float] = []
        while trio.current_time() - started < LOADED_AFTER_S + 2 * PATIENT_FORCED_AFTER_S:
            before = trio.current_time()
            await turns.turn(patient=True)
            gaps.append(trio.current_time() - before)
        # The short bound until the box has been busy for LOADED_AFTER_S, the long one after.
        short = [gap for gap in gaps if gap == pytest.approx(FORCED_AFTER_S)]
        long = [gap for gap in gaps if gap == pytest.approx(PATIENT_FORCED_AFTER_S)]
        assert len(short) + len(long) == len(gaps)
        assert gaps[: len(short)] == short and len(long) >= 2
        assert len(short) == pytest.approx(LOADED_AFTER_S / FORCED_AFTER_S + 1, abs=1)
        # A consumer that is not patient keeps the short bound under the same load.
        before = trio.current_time()
        await turns.turn()
        assert trio.current_time() - before == pytest.approx(FORCED_AFTER_S)
        # The load stops: a patient consumer's turn comes as soon as the box is idle.
        writing.now = False
        before = trio.current_time()
        await turns.turn(patient=True)
        assert trio.current_time() - before <= WRITING_POLL_S + 1e-9


async def test_consumers_waiting_at_once_share_one_turn(
    mock_clock: trio.testing.MockClock,
) -> None:
    mock_clock.autojump_threshold = 0
    writing = Writing()
    turns = IdleTurns(writing)
    done: list[float] = []

    async def consumer() -> None:
        await turns.turn()
        done.append(trio.current_time())

    with trio.fail_after(10):
        writing.now = True
        async with trio.open_nursery() as nursery:
            for _ in range(10):
                nursery.start_soon(consumer)
            await trio.testing.wait_all_tasks_blocked()
            assert turns.waiting == 10
            writing.now = False
    assert len(set(done)) == 1 and len(done) == 10


async def test_a_webhook_delivery_waits_while_a_charger_write_commits(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    """The dispatcher with the real database and a real receiver: an event is committed, then
    a write (a charger's, say) holds the group commit; the webhook's worker waits for its turn
    instead of POSTing beside the commit, and is not starved: it goes after the bound even
    though the write is still held."""
    clock = SystemClock()
    release = threading.Event()
    with trio.fail_after(30):
        db = Database(tmp_path / "db.sqlite", room_check_interval_s=3600)
        await nursery.start(db.run)
        event_store = EventStore(db)
        events = Events(event_store, clock, 30, 1000)
        webhooks = Webhooks(WebhookStore(db), event_store, clock)
        policy = DeliveryPolicy(timeout_s=5, retry_schedule_s=(1,), signing_clock=clock)
        async with Receiver.start() as receiver:
            await nursery.start(Dispatcher(webhooks, events, clock, policy).run)
            await webhooks.create("org", receiver.url, ["*"], None)
            seq = await event_store.append(
                "org", "charger.registered", iso_z(clock.now()), {}, None
            )
            # Held in the commit until released (the writer thread waits on it).
            db.write_nowait(lambda _: release.wait(30))
            try:
                assert events.head == seq and db.writing
                # Until the worker has read the event and waits for its turn (or has sent it).
                while events.turns.waiting == 0 and not receiver.requests:
                    await trio.lowlevel.checkpoint()
                assert receiver.requests == []  # nothing sent beside the commit
                await receiver.wait_until(lambda requests: len(requests) == 1)
                assert db.writing  # the bound: delivered while the write is still held
            finally:
                release.set()
        assert receiver.requests[0]["body"]["id"] == f"evt_{seq}"
        await db.close()
