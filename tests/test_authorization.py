"""Id-tag authorization (issue 17) against a real in-process appliance and a charger on a real
socket: parent-id groups and ConcurrentTx on Authorize, StartTransaction and StopTransaction,
the id-tag CSV import and export, tag events in the journal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import WebSocketConnection

from tests.conftest import (
    Appliance,
    make_settings,
    plain_connection,
    start_appliance,
    stop_appliance,
)
from tests.ocpp.helpers import BOOT, call, charger_socket, register

TIMEOUT_S = 20.0
CSV = "/api/v1/id-tags.csv"


@pytest.fixture
async def listing(nursery: trio.Nursery, tmp_path: Path) -> AsyncIterator[Appliance]:
    """An appliance in ``list`` mode (ConcurrentTx on, the default)."""
    running = await start_appliance(nursery, make_settings(tmp_path, authorization_mode="list"))
    try:
        yield running
    finally:
        await stop_appliance(running)


async def tags(api: httpx.AsyncClient, *bodies: dict[str, Any]) -> None:
    for body in bodies:
        response = await api.post("/api/v1/id-tags", json=body)
        assert response.status_code == 201, response.text


@asynccontextmanager
async def connected(
    appliance: Appliance, charge_box_id: str
) -> AsyncIterator[tuple[httpx.AsyncClient, WebSocketConnection]]:
    """The REST client and a registered charger's socket."""
    async with appliance.client() as api:
        await register(api, charge_box_id)
        async with charger_socket(appliance, charge_box_id) as ws:
            yield api, ws


def start(connector_id: int, id_tag: str) -> dict[str, Any]:
    return {
        "connectorId": connector_id,
        "idTag": id_tag,
        "meterStart": 0,
        "timestamp": "2026-02-06T12:00:00.000Z",
    }


async def test_a_blocked_or_expired_parent_ends_its_group(listing: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with connected(listing, "CP-G") as (api, ws):
            await call(ws, "BootNotification", BOOT)
            await tags(
                api,
                {"idTag": "FLEET", "expiryDate": "2027-01-01T00:00:00Z"},
                {"idTag": "CAR-1", "parentIdTag": "FLEET", "expiryDate": "2028-01-01T00:00:00Z"},
                {"idTag": "SOLO", "parentIdTag": "NOT-LISTED"},
            )

            async def info(id_tag: str) -> dict[str, Any]:
                answer = await call(ws, "Authorize", {"idTag": id_tag})
                assert answer[0] == 3, answer
                found: dict[str, Any] = answer[2]["idTagInfo"]
                return found

            # The group's earliest expiry is the child's: a charger's cache drops it then.
            assert await info("CAR-1") == {
                "expiryDate": "2027-01-01T00:00:00.000Z",
                "parentIdTag": "FLEET",
                "status": "Accepted",
            }
            # A parent that is only a name on the child does not change it.
            assert await info("SOLO") == {"parentIdTag": "NOT-LISTED", "status": "Accepted"}
            await api.patch("/api/v1/id-tags/FLEET", json={"blocked": True})
            assert (await info("CAR-1"))["status"] == "Blocked"
            assert (await info("FLEET"))["status"] == "Blocked"
            # StartTransaction and StopTransaction give the same full IdTagInfo.
            started = await call(ws, "StartTransaction", start(1, "CAR-1"))
            assert started[2]["idTagInfo"] == {
                "expiryDate": "2027-01-01T00:00:00.000Z",
                "parentIdTag": "FLEET",
                "status": "Blocked",
            }
            stop = {
                "transactionId": started[2]["transactionId"],
                "idTag": "CAR-1",
                "meterStop": 10,
                "timestamp": "2026-02-06T12:10:00.000Z",
            }
            stopped = await call(ws, "StopTransaction", stop)
            assert stopped[2]["idTagInfo"]["status"] == "Blocked"
            assert stopped[2]["idTagInfo"]["parentIdTag"] == "FLEET"

            await api.patch("/api/v1/id-tags/FLEET", json={"blocked": False})
            listing.clock.advance(366 * 24 * 3600)  # past the parent's expiry, not the child's
            assert (await info("CAR-1"))["status"] == "Expired"
            await api.patch("/api/v1/id-tags/FLEET", json={"expiryDate": None})
            assert await info("CAR-1") == {
                "expiryDate": "2028-01-01T00:00:00.000Z",
                "parentIdTag": "FLEET",
                "status": "Accepted",
            }


async def test_concurrent_tx_is_per_tag(listing: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with connected(listing, "CP-C") as (api, ws):
            await call(ws, "BootNotification", BOOT)
            await tags(
                api,
                {"idTag": "FLEET"},
                {"idTag": "CAR-1", "parentIdTag": "FLEET"},
                {"idTag": "CAR-2", "parentIdTag": "FLEET"},
            )
            first = await call(ws, "StartTransaction", start(1, "CAR-1"))
            assert first[2]["idTagInfo"]["status"] == "Accepted"
            # The same card again, elsewhere: ConcurrentTx on Authorize and StartTransaction.
            authorize = await call(ws, "Authorize", {"idTag": "CAR-1"})
            assert authorize[2]["idTagInfo"] == {"parentIdTag": "FLEET", "status": "ConcurrentTx"}
            second = await call(ws, "StartTransaction", start(2, "CAR-1"))
            assert second[2]["idTagInfo"]["status"] == "ConcurrentTx"
            assert second[2]["transactionId"] != first[2]["transactionId"]
            # A replay of the first start is that transaction, not a concurrent one.
            replay = await call(ws, "StartTransaction", start(1, "CAR-1"))
            assert replay[2] == first[2]
            # Another card of the same group charges at the same time.
            sibling = await call(ws, "Authorize", {"idTag": "CAR-2"})
            assert sibling[2]["idTagInfo"]["status"] == "Accepted"
            for transaction in (first, second):
                stop = {
                    "transactionId": transaction[2]["transactionId"],
                    "idTag": "CAR-1",
                    "meterStop": 10,
                    "timestamp": "2026-02-06T12:10:00.000Z",
                }
                stopped = await call(ws, "StopTransaction", stop)
                assert stopped[2]["idTagInfo"]["status"] == "Accepted"
            again = await call(ws, "Authorize", {"idTag": "CAR-1"})
            assert again[2]["idTagInfo"]["status"] == "Accepted"


async def test_concurrent_tx_can_be_turned_off(nursery: trio.Nursery, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, authorization_mode="list", concurrent_tx="off")
    running = await start_appliance(nursery, settings)
    try:
        with trio.fail_after(TIMEOUT_S):
            async with connected(running, "CP-O") as (api, ws):
                await tags(api, {"idTag": "CAR-1"})
                await call(ws, "StartTransaction", start(1, "CAR-1"))
                authorize = await call(ws, "Authorize", {"idTag": "CAR-1"})
                assert authorize[2]["idTagInfo"]["status"] == "Accepted"
    finally:
        await stop_appliance(running)


async def test_csv_round_trip_all_or_nothing_and_the_journal(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            await tags(api, {"idTag": "OLD", "blocked": True})
            text = (
                "idTag,parentIdTag,expiryDate,blocked\r\n"
                "FLEET,,,false\r\n"
                "CAR-1,FLEET,2027-01-01T00:00:00Z,false\r\n"
                "OLD,,,false\r\n"
            )
            imported = await api.post(CSV, content=text)
            assert imported.status_code == 200, imported.text
            assert imported.json() == {
                "message": "2 created, 1 updated",
                "created": 2,
                "updated": 1,
            }
            again = (await api.post(CSV, content=text)).json()
            assert (again["created"], again["updated"]) == (0, 0)  # unchanged: no new events

            exported = await api.get(CSV)
            assert exported.headers["content-type"].startswith("text/csv")
            assert exported.text == (
                "idTag,parentIdTag,expiryDate,blocked\r\n"
                "CAR-1,FLEET,2027-01-01T00:00:00.000Z,false\r\n"
                "FLEET,,,false\r\n"
                "OLD,,,false\r\n"
            )

            # One bad line: a 400 naming it, and nothing of the file stored.
            bad = await api.post(CSV, content="idTag,blocked\r\nNEW,false\r\nWORSE,maybe\r\n")
            assert bad.status_code == 400
            assert bad.json()["error"] == {
                "code": "VALIDATION_ERROR",
                "message": "body: line 3: blocked must be true or false, not 'maybe'",
            }
            assert (await api.get("/api/v1/id-tags/NEW")).status_code == 404
            header = await api.post(CSV, content="tag,colour\r\nA,red\r\n")
            assert header.status_code == 400 and "idTag required" in header.text
            long = await api.post(CSV, content="idTag\r\n" + "X" * 21 + "\r\n")
            assert long.status_code == 400 and "line 2" in long.text

            assert (await api.delete("/api/v1/id-tags/OLD")).status_code == 200
            journal = (
                await api.get(
                    "/api/v1/events",
                    params={"types": "id_tag.created,id_tag.updated,id_tag.deleted"},
                )
            ).json()["events"]
            assert [(e["event"], e["data"]["idTag"]) for e in journal] == [
                ("id_tag.created", "OLD"),
                ("id_tag.created", "FLEET"),
                ("id_tag.created", "CAR-1"),
                ("id_tag.updated", "OLD"),
                ("id_tag.deleted", "OLD"),
            ]
            assert journal[2]["data"] == {
                "idTag": "CAR-1",
                "parentIdTag": "FLEET",
                "expiryDate": "2027-01-01T00:00:00.000Z",
                "blocked": False,
            }
            # Each change is a new list version; a parent's change counts for its children.
            with closing(plain_connection(appliance.database)) as conn:
                version = conn.execute("SELECT version FROM id_tag_list_versions").fetchone()[0]
                changed = dict(
                    conn.execute("SELECT id_tag, version FROM id_tag_changes").fetchall()
                )
            assert version == 3  # create, import, delete
            assert changed == {"OLD": 3, "FLEET": 2, "CAR-1": 2}
