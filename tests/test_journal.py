"""The journal's storage (issue 14): an event exists exactly when its change does, sequence
numbers are never reused, retention never prunes what an active webhook has not had, and the
delivery worker's retry schedule (on ``trio.testing.MockClock``)."""

from __future__ import annotations

import socket
import sqlite3
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.clock import iso_z
from capacitor_edge.domain.events import Events
from capacitor_edge.domain.webhooks import Webhooks
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import EventStore, append_event, read_events
from capacitor_edge.storage.webhooks import Attempt, WebhookStore
from capacitor_edge.webhooks.dispatcher import DeliveryPolicy, Dispatcher

BASE = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)


class TrioClock:
    """Wall-clock time that follows trio's (mock) clock, so logged times show the schedule."""

    def now(self) -> datetime:
        return BASE + timedelta(seconds=trio.current_time())


async def open_database(nursery: trio.Nursery, path: Path) -> Database:
    # No periodic room check: on a MockClock its sleeps would be the next deadline to jump to.
    db = Database(path, room_check_interval_s=3600)
    await nursery.start(db.run)
    return db


def fails_after_appending(conn: sqlite3.Connection) -> None:
    append_event(conn, "org", "charger.registered", iso_z(BASE), {"chargeBoxId": "LOST"})
    raise ValueError("this write fails after writing its event")


async def test_a_failing_write_leaves_no_event_and_the_others_keep_theirs(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(10):
        db = await open_database(nursery, tmp_path / "db.sqlite")

        async def good(name: str) -> int:
            return await db.write(
                lambda c: append_event(c, "org", "charger.registered", iso_z(BASE), {"n": name})
            )

        results: dict[str, object] = {}

        async def bad() -> None:
            with pytest.raises(ValueError):
                await db.write(fails_after_appending)
            results["bad"] = "raised"

        async with trio.open_nursery() as batch:  # one group-commit batch
            batch.start_soon(bad)
            batch.start_soon(good, "a")
            batch.start_soon(good, "b")
        events = await db.read(lambda c: read_events(c, "org", 0, 10))
        assert sorted(e.data["n"] for e in events) == ["a", "b"]
        assert results == {"bad": "raised"}
        assert db.event_head == max(e.seq for e in events)
        await db.close()


async def test_retention_spares_what_an_active_webhook_has_not_had(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(10):
        db = await open_database(nursery, tmp_path / "db.sqlite")
        store = EventStore(db)
        old = iso_z(BASE - timedelta(days=60))
        for n in range(6):
            await store.append("org", "charger.registered", old, {"n": n}, None)
        webhooks = WebhookStore(db)
        hook = await webhooks.insert(
            webhook_id="wh_1",
            org_id="org",
            url="http://127.0.0.1:9/",
            events=["*"],
            secret="whsec_x",
            trust_site_ca=False,
            now=iso_z(BASE),
        )
        await webhooks.advance_cursor(hook.seq, 0)  # it has had nothing yet
        await db.write(lambda c: c.execute("UPDATE webhooks SET cursor = 2"))
        # Every event is past 30 days; the webhook has had only seq 1 and 2.
        assert await store.prune(iso_z(BASE - timedelta(days=30)), 1000) == 2
        assert [e.seq for e in await store.page("org", 0, 10)] == [3, 4, 5, 6]
        await webhooks.update("org", "wh_1", {"active": False}, iso_z(BASE))
        assert await store.prune(iso_z(BASE - timedelta(days=30)), 1000) == 4  # not held
        # A sequence number is never handed out again, also after everything was pruned.
        assert await store.append("org", "charger.deleted", iso_z(BASE), {}, None) == 7
        await db.close()


async def test_retries_follow_the_schedule_then_the_webhook_is_disabled(
    nursery: trio.Nursery, tmp_path: Path, mock_clock: trio.testing.MockClock
) -> None:
    # Jump only after a second of real idleness: a refused connection and the database's
    # threads finish long before, so virtual time moves only in the worker's retry sleeps.
    mock_clock.autojump_threshold = 1.0
    with socket.socket() as probe:  # a loopback port nothing listens on: refused at once
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    clock = TrioClock()
    with trio.fail_after(600):  # virtual seconds: the schedule below takes 70
        db = await open_database(nursery, tmp_path / "db.sqlite")
        event_store = EventStore(db)
        events = Events(event_store, clock, 30, 1000)
        webhooks = Webhooks(WebhookStore(db), event_store, clock)
        policy = DeliveryPolicy(
            timeout_s=1, retry_schedule_s=(10, 20, 40), jitter=0, signing_clock=clock
        )
        await nursery.start(Dispatcher(webhooks, events, clock, policy).run)
        hook, _ = await webhooks.create("org", dead_url, ["charger.registered"], None)
        seq = await event_store.append("org", "charger.registered", iso_z(clock.now()), {}, None)
        await events.wait_beyond(seq)  # the next event is the webhook's disabling
        (disabled,) = await events.page("org", seq, 10)
        log, total = await webhooks.deliveries("org", hook.id, 10, 0)
        assert total == 4  # the first attempt and one per delay
        times = [datetime.fromisoformat(d.at.replace("Z", "+00:00")) for d in reversed(log)]
        gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
        assert gaps == [10, 20, 40]
        assert all(d.status_code is None and d.error for d in log)
        assert disabled.type == "webhook.disabled"
        assert disabled.data["webhookId"] == hook.id
        assert "after 4 attempts" in disabled.data["reason"]
        assert (await webhooks.get("org", hook.id)).state == "disabled"
        await db.close()


async def test_deliveries_logged_together_keep_their_order_and_move_the_cursor(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(10):
        db = await open_database(nursery, tmp_path / "db.sqlite")
        store = WebhookStore(db)
        hook = await store.insert(
            webhook_id="wh_1",
            org_id="org",
            url="http://127.0.0.1:9/",
            events=["*"],
            secret="whsec_x",
            trust_site_ca=False,
            now=iso_z(BASE),
        )

        def attempt(seq: int, status: int) -> Attempt:
            return Attempt(seq, "charger.registered", 1, iso_z(BASE), status, 1, None)

        for seq in (1, 2, 3):  # 2xx: kept in memory, no write each
            store.note_delivered(hook.seq, attempt(seq, 200))
        # A failed attempt is written at once, and what was noted before goes first.
        await store.record_attempt(hook.seq, attempt(4, 500))
        log, total = await store.deliveries(hook.seq, 10, 0)
        assert [d.event_seq for d in reversed(log)] == [1, 2, 3, 4]
        assert total == 4
        found = await store.find("org", "wh_1")
        assert found is not None and found.cursor == 3
        await db.close()
