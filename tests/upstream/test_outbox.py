"""The upstream outbox (issue 20) on a real SQLite file, checked from a second connection: each
charger message the box answered has its outbox row, committed in the same transaction as the
message's own record; a write that fails takes its row with it; without ``upstream_url`` nothing
is written."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import trio

from capacitor_edge.app.compose import build_services
from capacitor_edge.clock import FixedClock
from capacitor_edge.domain.charger_sessions import ChargerIdentity
from capacitor_edge.domain.services import Services
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.upstream_outbox import RIDER, Rider
from tests.conftest import make_settings

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def outbox(path: Path) -> list[tuple[str, int | None]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT action, local_transaction_id FROM upstream_outbox ORDER BY seq"
        ).fetchall()
    return [(str(r[0]), r[1]) for r in rows]


async def open_services(
    nursery: trio.Nursery, tmp_path: Path, **overrides: str
) -> tuple[Services, ChargerIdentity, Database]:
    settings = make_settings(tmp_path, **overrides)
    path = settings.data_dir / "capacitor.db"
    db = Database(path, room_check_interval_s=3600)
    await nursery.start(db.run)
    services = build_services(db, settings, FixedClock(NOW))
    await services.keys.bootstrap()
    org_id = (await services.keys.create(name="t")).record.org_id
    await services.chargers.register(org_id, "CP-1", None, None)
    identity = await services.charger_messages.identify("CP-1")
    assert identity is not None
    return services, identity, db


async def handle(services: Services, charger: ChargerIdentity, action: str, **p: Any) -> Any:
    return await services.charger_messages.handlers[action](charger, p)


async def run_a_session(services: Services, charger: ChargerIdentity) -> int:
    await handle(services, charger, "BootNotification", chargePointVendor="V", chargePointModel="M")
    await handle(services, charger, "Heartbeat")
    await handle(services, charger, "Authorize", idTag="T1")
    started = await handle(
        services,
        charger,
        "StartTransaction",
        connectorId=1,
        idTag="T1",
        meterStart=0,
        timestamp="2026-11-29T10:00:00Z",
    )
    txn: int = started["transactionId"]
    await handle(
        services,
        charger,
        "MeterValues",
        connectorId=1,
        transactionId=txn,
        meterValue=[{"timestamp": "2026-11-29T10:01:00Z", "sampledValue": [{"value": "5"}]}],
    )
    await handle(
        services,
        charger,
        "StopTransaction",
        transactionId=txn,
        meterStop=9,
        timestamp="2026-11-29T10:02:00Z",
    )
    return txn


async def test_every_answered_message_has_its_outbox_row_in_order(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(20):
        services, charger, db = await open_services(
            nursery, tmp_path, upstream_url="ws://127.0.0.1:9/up"
        )
        txn = await run_a_session(services, charger)
        # Read the moment the answers are given, from another connection: already committed.
        assert outbox(db.path) == [
            ("BootNotification", None),
            ("Authorize", None),
            ("StartTransaction", txn),
            ("MeterValues", None),
            ("StopTransaction", None),
        ]


async def test_without_an_upstream_nothing_is_written(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(20):
        services, charger, db = await open_services(nursery, tmp_path)
        assert services.mirror is None
        await run_a_session(services, charger)
        assert outbox(db.path) == []


async def test_a_failing_write_takes_its_outbox_row_with_it(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(20):
        _, charger, db = await open_services(nursery, tmp_path, upstream_url="ws://127.0.0.1:9/up")

        def fails(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO traffic_nonexistent VALUES (1)")

        async def write(action: str, fn: Any) -> None:
            token = RIDER.set(Rider(charger.charger_seq, action, {}, "2026-11-29T10:00:00Z"))
            try:
                await db.write(fn)
            finally:
                RIDER.reset(token)

        failed: list[BaseException] = []

        async def bad() -> None:
            try:
                await write("DataTransfer", fails)
            except sqlite3.Error as error:
                failed.append(error)

        # In one batch: the good write and its row commit, the bad one and its row do not.
        async with trio.open_nursery() as batch:
            batch.start_soon(bad)
            batch.start_soon(write, "StatusNotification", lambda c: None)
        assert failed
        assert outbox(db.path) == [("StatusNotification", None)]
