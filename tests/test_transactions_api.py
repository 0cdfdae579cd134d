"""The Transactions REST API (``/api/v1/transactions``), on sessions made by a real charger
socket against a real in-process appliance."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import WebSocketConnection

from tests.conftest import Appliance, second_org_key
from tests.ocpp.helpers import call
from tests.ocpp.test_charging_sessions import (
    booted,
    register_value,
    result,
    start,
)
from tests.test_id_tags_api import assert_error

TIMEOUT_S = 15.0
TRANSACTIONS = "/api/v1/transactions"
TRANSACTION_KEYS = [
    "id",
    "transactionId",
    "chargeBoxId",
    "connectorId",
    "idTag",
    "status",
    "meterStart",
    "meterStop",
    "energyDelivered",
    "durationMinutes",
    "startTime",
    "stopTime",
    "stopReason",
    "remoteStarted",
    "authorizationStatus",
    "clockSuspect",
]


async def stop(
    ws: WebSocketConnection, transaction_id: int, meter_stop: int, timestamp: str, **extra: Any
) -> None:
    payload = {
        "transactionId": transaction_id,
        "meterStop": meter_stop,
        "timestamp": timestamp,
        **extra,
    }
    result(await call(ws, "StopTransaction", payload))


async def test_one_transaction_active_then_completed(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client, booted(appliance) as ws:
            transaction_id = await start(
                ws,
                connector=2,
                id_tag="USER123",
                meter_start=1000,
                timestamp="2026-02-06T11:30:00Z",
            )
            result(
                await call(
                    ws,
                    "MeterValues",
                    {
                        "connectorId": 2,
                        "transactionId": transaction_id,
                        "meterValue": [
                            register_value("2026-02-06T11:40:00Z", "2500"),
                            register_value("2026-02-06T11:50:00Z", "4.2346", "kWh"),
                        ],
                    },
                )
            )
            response = await client.get(f"{TRANSACTIONS}/{transaction_id}")
            assert response.status_code == 200, response.text
            body = response.json()
            assert list(body) == TRANSACTION_KEYS
            assert body["id"].startswith("txn_")
            assert body == {
                "id": body["id"],
                "transactionId": transaction_id,
                "chargeBoxId": "CP-1",
                "connectorId": 2,
                "idTag": "USER123",
                "status": "active",
                "meterStart": 1000,
                "meterStop": None,
                # Energy so far from the newest register: 4234.6 Wh - 1000 Wh, in kWh.
                "energyDelivered": 3.235,
                # 11:30:00.000 to the appliance's now (12:00:00.123).
                "durationMinutes": 30,
                "startTime": "2026-02-06T11:30:00.000Z",
                "stopTime": None,
                "stopReason": None,
                "remoteStarted": False,
                "authorizationStatus": "Accepted",
                "clockSuspect": False,
            }

            await stop(ws, transaction_id, 13457, "2026-02-06T11:52:59.999Z", reason="Remote")
            body = (await client.get(f"{TRANSACTIONS}/{transaction_id}")).json()
            assert list(body) == TRANSACTION_KEYS
            assert body["status"] == "completed"
            assert body["meterStop"] == 13457
            assert body["energyDelivered"] == 12.457
            assert body["durationMinutes"] == 22
            assert body["stopTime"] == "2026-02-06T11:52:59.999Z"
            assert body["stopReason"] == "Remote"


async def test_energy_is_rounded_to_three_decimals(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client, booted(appliance) as ws:
            transaction_id = await start(ws, meter_start=1)
            await stop(ws, transaction_id, 12346, "2026-02-06T11:31:00Z")
            body = (await client.get(f"{TRANSACTIONS}/{transaction_id}")).json()
            assert body["energyDelivered"] == 12.345
            assert body["durationMinutes"] == 1


async def make_history(appliance: Appliance) -> dict[str, int]:
    """Five sessions on two chargers, oldest first:
    a1 CP-1 TAG-A completed, a2 CP-1 TAG-B completed, b1 CP-2 TAG-A active,
    a3 CP-1 TAG-A active, b2 CP-2 TAG-B completed."""
    ids: dict[str, int] = {}
    async with booted(appliance, "CP-1") as ws1, booted(appliance, "CP-2") as ws2:
        ids["a1"] = await start(ws1, id_tag="TAG-A", timestamp="2026-02-05T08:00:00Z")
        await stop(ws1, ids["a1"], 2000, "2026-02-05T09:00:00Z")
        ids["a2"] = await start(ws1, id_tag="TAG-B", timestamp="2026-02-05T10:00:00Z")
        await stop(ws1, ids["a2"], 3000, "2026-02-05T11:00:00Z")
        ids["b1"] = await start(ws2, id_tag="TAG-A", timestamp="2026-02-06T09:00:00Z")
        ids["a3"] = await start(ws1, id_tag="TAG-A", timestamp="2026-02-06T10:00:00Z")
        ids["b2"] = await start(ws2, connector=2, id_tag="TAG-B", timestamp="2026-02-06T11:00:00Z")
        await stop(ws2, ids["b2"], 1500, "2026-02-06T11:30:00Z")
    return ids


async def test_list_filters_and_pages_newest_first(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        ids = await make_history(appliance)
        async with appliance.client() as client:

            async def listed(**params: Any) -> list[str]:
                response = await client.get(TRANSACTIONS, params=params)
                assert response.status_code == 200, response.text
                body = response.json()
                assert set(body) == {"transactions", "pagination"}
                assert all(list(t) == TRANSACTION_KEYS for t in body["transactions"])
                by_id = {v: k for k, v in ids.items()}
                return [by_id[t["transactionId"]] for t in body["transactions"]]

            assert await listed() == ["b2", "a3", "b1", "a2", "a1"]
            assert await listed(chargeBoxId="CP-1") == ["a3", "a2", "a1"]
            assert await listed(chargeBoxId="NOPE") == []
            assert await listed(status="active") == ["a3", "b1"]
            assert await listed(status="in_progress") == ["a3", "b1"]
            assert await listed(status="completed") == ["b2", "a2", "a1"]
            assert await listed(idTag="TAG-A") == ["a3", "b1", "a1"]
            assert await listed(idTag="TAG-B", chargeBoxId="CP-2") == ["b2"]
            assert await listed(**{"from": "2026-02-06T00:00:00Z"}) == ["b2", "a3", "b1"]
            assert await listed(to="2026-02-06T00:00:00.000Z") == ["a2", "a1"]
            # from is inclusive, to exclusive; an offset is understood.
            assert await listed(
                **{"from": "2026-02-05T10:00:00Z", "to": "2026-02-06T11:00:00+00:00"}
            ) == ["a3", "b1", "a2"]
            assert await listed(status="active", chargeBoxId="CP-2", idTag="TAG-A") == ["b1"]

            page = (await client.get(TRANSACTIONS, params={"limit": 2, "offset": 1})).json()
            assert [t["transactionId"] for t in page["transactions"]] == [ids["a3"], ids["b1"]]
            assert page["pagination"] == {"total": 5, "limit": 2, "offset": 1}
            filtered = (
                await client.get(TRANSACTIONS, params={"status": "completed", "limit": 1})
            ).json()
            assert filtered["pagination"] == {"total": 3, "limit": 1, "offset": 0}
            default = (await client.get(TRANSACTIONS)).json()
            assert default["pagination"] == {"total": 5, "limit": 50, "offset": 0}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "running"}, "status"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-45"}, "to"),
    ],
)
async def test_list_rejects_bad_parameters(
    appliance: Appliance, params: dict[str, Any], field: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            assert_error(
                await client.get(TRANSACTIONS, params=params), 400, "VALIDATION_ERROR", field
            )
            if "limit" not in params and "offset" not in params:
                assert_error(
                    await client.get(f"{TRANSACTIONS}.csv", params=params),
                    400,
                    "VALIDATION_ERROR",
                    field,
                )


async def test_csv_export(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        ids = await make_history(appliance)
        async with appliance.client() as client:
            response = await client.get(f"{TRANSACTIONS}.csv")
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("text/csv")
            table = list(csv.reader(io.StringIO(response.text)))
            assert table[0] == TRANSACTION_KEYS
            records = list(csv.DictReader(io.StringIO(response.text)))
            assert [int(r["transactionId"]) for r in records] == [
                ids[k] for k in ("b2", "a3", "b1", "a2", "a1")
            ]
            a1 = next(r for r in records if int(r["transactionId"]) == ids["a1"])
            api_a1 = (await client.get(f"{TRANSACTIONS}/{ids['a1']}")).json()
            assert a1["id"] == api_a1["id"]
            assert a1["chargeBoxId"] == "CP-1"
            assert a1["status"] == "completed"
            assert float(a1["energyDelivered"]) == 1.0
            assert a1["durationMinutes"] == "60"
            assert a1["startTime"] == "2026-02-05T08:00:00.000Z"

            filtered = await client.get(
                f"{TRANSACTIONS}.csv",
                params={"status": "in_progress", "chargeBoxId": "CP-1", "idTag": "TAG-A"},
            )
            rows = list(csv.DictReader(io.StringIO(filtered.text)))
            assert [int(r["transactionId"]) for r in rows] == [ids["a3"]]
            ranged = await client.get(
                f"{TRANSACTIONS}.csv",
                params={"from": "2026-02-05T00:00:00Z", "to": "2026-02-06T00:00:00Z"},
            )
            assert [int(r["transactionId"]) for r in csv.DictReader(io.StringIO(ranged.text))] == [
                ids["a2"],
                ids["a1"],
            ]

            empty = await client.get(f"{TRANSACTIONS}.csv", params={"idTag": "NOBODY"})
            assert list(csv.reader(io.StringIO(empty.text))) == [TRANSACTION_KEYS]


async def test_organisations_are_isolated_and_unknown_ids_not_found(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        other_key = await second_org_key(appliance)
        async with booted(appliance, "MINE") as ws:
            mine = await start(ws)
            result(
                await call(
                    ws,
                    "MeterValues",
                    {
                        "connectorId": 1,
                        "transactionId": mine,
                        "meterValue": [register_value("2026-02-06T11:40:00Z", "1500")],
                    },
                )
            )
        async with booted(appliance, "THEIRS", key=other_key) as ws:
            theirs = await start(ws, id_tag="OTHER")
        async with appliance.client() as client, appliance.client(other_key) as other:
            assert (await client.get(f"{TRANSACTIONS}/{mine}")).status_code == 200
            assert (await other.get(f"{TRANSACTIONS}/{theirs}")).status_code == 200
            assert_error(await other.get(f"{TRANSACTIONS}/{mine}"), 404, "NOT_FOUND", str(mine))
            assert_error(await client.get(f"{TRANSACTIONS}/{theirs}"), 404, "NOT_FOUND")
            assert_error(await other.get(f"{TRANSACTIONS}/{mine}/meter-values"), 404, "NOT_FOUND")
            assert (await client.get(f"{TRANSACTIONS}/{mine}/meter-values")).json()["pagination"][
                "total"
            ] == 1

            mine_listed = (await client.get(TRANSACTIONS)).json()
            assert [t["transactionId"] for t in mine_listed["transactions"]] == [mine]
            theirs_listed = (await other.get(TRANSACTIONS)).json()
            assert [t["transactionId"] for t in theirs_listed["transactions"]] == [theirs]
            assert (await other.get(TRANSACTIONS, params={"chargeBoxId": "MINE"})).json()[
                "transactions"
            ] == []
            csv_rows = list(
                csv.DictReader(io.StringIO((await other.get(f"{TRANSACTIONS}.csv")).text))
            )
            assert [int(r["transactionId"]) for r in csv_rows] == [theirs]

            assert_error(await client.get(f"{TRANSACTIONS}/999999"), 404, "NOT_FOUND", "999999")
            assert_error(await client.get(f"{TRANSACTIONS}/999999/meter-values"), 404, "NOT_FOUND")
            for bad in ("abc", "1.5", "-1", "1e3", "txn_abc"):
                assert_error(
                    await client.get(f"{TRANSACTIONS}/{bad}"),
                    400,
                    "VALIDATION_ERROR",
                    "transactionId",
                )
                assert_error(
                    await client.get(f"{TRANSACTIONS}/{bad}/meter-values"),
                    400,
                    "VALIDATION_ERROR",
                    "transactionId",
                )


async def test_meter_values_are_paged(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client, booted(appliance) as ws:
            transaction_id = await start(ws)
            result(
                await call(
                    ws,
                    "MeterValues",
                    {
                        "connectorId": 1,
                        "transactionId": transaction_id,
                        "meterValue": [
                            register_value(f"2026-02-06T11:{m:02d}:00Z", str(1000 + m))
                            for m in range(31, 36)
                        ],
                    },
                )
            )
            page = (
                await client.get(
                    f"{TRANSACTIONS}/{transaction_id}/meter-values",
                    params={"limit": 2, "offset": 1},
                )
            ).json()
            assert page["transactionId"] == transaction_id
            assert [v["value"] for v in page["meterValues"]] == ["1032", "1033"]
            assert page["pagination"] == {"total": 5, "limit": 2, "offset": 1}
            assert_error(
                await client.get(
                    f"{TRANSACTIONS}/{transaction_id}/meter-values", params={"limit": 0}
                ),
                400,
                "VALIDATION_ERROR",
                "limit",
            )


@pytest.mark.parametrize(
    "path",
    [TRANSACTIONS, f"{TRANSACTIONS}.csv", f"{TRANSACTIONS}/1", f"{TRANSACTIONS}/1/meter-values"],
)
async def test_key_required(appliance: Appliance, path: str) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with httpx.AsyncClient(base_url=appliance.endpoints.http_url, timeout=5.0) as c:
            assert_error(await c.get(path), 401, "UNAUTHORIZED")
            assert_error(await c.get(path, headers={"X-API-Key": "nope"}), 401, "UNAUTHORIZED")
