"""Reservations' expiry (issue 17): read as expired once past the expiryDate (on the appliance's
FixedClock), and marked so with a ``reservation.expired`` event by the periodic sweep (on
trio's MockClock); an expired reservation no longer holds its connector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import trio
import trio.testing

from capacitor_edge.app.compose import build_services
from capacitor_edge.clock import FixedClock, iso_z
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.reservations import ReservationStore
from tests.conftest import FIXED_NOW, Appliance, make_settings
from tests.ocpp.helpers import BOOT, call, charger_answer, charger_socket, register
from tests.test_storage import insert_org

TIMEOUT_S = 20.0
CP = "/api/v1/chargers/CP-R"
#: Ten minutes after the fixture's "now".
EXPIRY = "2026-02-06T12:10:00.123Z"


async def reserve_answering(
    api: httpx.AsyncClient, ws: Any, body: dict[str, Any]
) -> httpx.Response:
    """POST the reservation while answering the box's CALLs as the charger: ReserveNow
    Accepted, anything else as a real charger would."""
    result: list[httpx.Response] = []
    async with trio.open_nursery() as nursery:

        async def post() -> None:
            result.append(await api.post(f"{CP}/reservations", json=body))
            nursery.cancel_scope.cancel()

        nursery.start_soon(post)
        while True:
            frame = json.loads(await ws.get_message())
            if frame[0] == 2 and frame[2] == "ReserveNow":
                await ws.send_message(json.dumps([3, frame[1], {"status": "Accepted"}]))
            elif frame[0] == 2:
                await ws.send_message(json.dumps(charger_answer(frame)))
    return result[0]


async def test_a_reservation_past_its_expiry_reads_expired_and_frees_the_bay(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            await register(api, "CP-R")
            async with charger_socket(appliance, "CP-R") as ws:
                await call(ws, "BootNotification", BOOT)
                body = {"connectorId": 1, "idTag": "CAR-1", "expiryDate": EXPIRY}
                created = await reserve_answering(api, ws, body)
                assert created.status_code == 201, created.text
                past = await api.post(
                    f"{CP}/reservations", json={**body, "expiryDate": iso_z(FIXED_NOW)}
                )
                assert past.status_code == 400 and "expiryDate" in past.text
                appliance.clock.advance(600)  # exactly at the expiry
                listed = (await api.get(f"{CP}/reservations")).json()["reservations"]
                assert [r["status"] for r in listed] == ["expired"]
                journal = (
                    await api.get("/api/v1/events", params={"types": "reservation.expired"})
                ).json()["events"]
                assert [e["data"]["reservationId"] for e in journal] == [listed[0]["reservationId"]]
                # Expired: the bay can be reserved again, and the old one cannot be cancelled.
                later = {**body, "expiryDate": "2026-02-06T13:00:00Z"}
                assert (await reserve_answering(api, ws, later)).status_code == 201
                old = await api.delete(f"{CP}/reservations/{listed[0]['reservationId']}")
                assert old.status_code == 409 and "already expired" in old.text


async def test_the_sweep_expires_reservations_nobody_reads(
    tmp_path: Path, mock_clock: trio.testing.MockClock
) -> None:
    # Real time runs (the database's thread works in it, and bounds the test); the sweep's
    # interval is jumped over.
    mock_clock.rate = 1.0
    clock = FixedClock(FIXED_NOW)
    settings = make_settings(tmp_path, reservation_sweep_s="30")
    db = Database(tmp_path / "capacitor.db", now=clock.now)
    with trio.fail_after(TIMEOUT_S + 30):  # the one jump of 30 s is in this bound too
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run)
            services = build_services(db, settings, clock)
            await db.write(insert_org("fleet"))
            charger = await ChargerStore(db).insert(
                charger_id="chg_1",
                org_id="org_fleet",
                charge_box_id="CP-S",
                name=None,
                location=None,
                now=iso_z(FIXED_NOW),
            )
            store = ReservationStore(db)
            opened = await store.open(
                charger.seq, "org_fleet", "CP-S", 1, "CAR-1", None, EXPIRY, iso_z(FIXED_NOW)
            )
            assert not isinstance(opened, str)
            await store.settle(
                charger.seq, opened.reservation_id, "active", iso_z(FIXED_NOW), None, ("pending",)
            )
            shutdown = trio.Event()
            await nursery.start(services.reservations.run, shutdown)
            clock.advance(601)
            await trio.testing.wait_all_tasks_blocked()  # the sweep is in its sleep
            mock_clock.jump(30)
            while True:
                found = await store.find(charger.seq, opened.reservation_id)
                assert found is not None
                if found.status == "expired":
                    break
                await trio.sleep(0.02)
            shutdown.set()
            events = await db.read(
                lambda c: c.execute(
                    "SELECT type FROM events WHERE type LIKE 'reservation.%'"
                ).fetchall()
            )
            assert [row[0] for row in events] == ["reservation.created", "reservation.expired"]
            await db.close()
