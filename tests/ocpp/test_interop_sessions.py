"""Interop: a full charging session between the real CLI server and a real third-party charger
(the ``ocpp`` package's asyncio ``ChargePoint`` over ``websockets``), each in its own process."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import trio

from capacitor_edge.app.serve import DATABASE_FILE
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess

BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"}
START = "2026-02-06T08:00:00.000Z"
READINGS = [
    ("2026-02-06T08:15:00.000Z", "5000"),
    ("2026-02-06T08:30:00.000Z", "10000"),
    ("2026-02-06T08:45:00.000Z", "14900"),
]
STOP = "2026-02-06T08:45:00.000Z"


def committed(database: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    """What a second, plain connection sees (the server is another process)."""
    with closing(sqlite3.connect(database, timeout=10.0)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


async def test_full_session_with_a_third_party_charger(tmp_path: Path) -> None:
    with trio.fail_after(60):
        data_dir = tmp_path / "data"
        database = data_dir / DATABASE_FILE
        async with (
            ServerProcess.start(data_dir) as server,
            httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": server.api_key}, timeout=10.0
            ) as api,
        ):
            created = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
            assert created.status_code == 201, created.text
            async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                await charger.wait_connected()
                assert (await charger.call("BootNotification", BOOT))["status"] == "Accepted"
                authorize = await charger.call("Authorize", {"idTag": "USER123"})
                assert authorize["idTagInfo"]["status"] == "Accepted"

                started = await charger.call(
                    "StartTransaction",
                    {"connectorId": 1, "idTag": "USER123", "meterStart": 1000, "timestamp": START},
                )
                assert started["idTagInfo"]["status"] == "Accepted"
                transaction_id = started["transactionId"]
                assert isinstance(transaction_id, int)
                # Committed before the answer.
                rows = committed(
                    database,
                    "SELECT status, meter_start FROM transactions WHERE transaction_id = ?",
                    (transaction_id,),
                )
                assert [tuple(r) for r in rows] == [("active", 1000)]

                for stored, (timestamp, value) in enumerate(READINGS, start=1):
                    answer = await charger.call(
                        "MeterValues",
                        {
                            "connectorId": 1,
                            "transactionId": transaction_id,
                            "meterValue": [
                                {
                                    "timestamp": timestamp,
                                    "sampledValue": [
                                        {
                                            "value": value,
                                            "measurand": "Energy.Active.Import.Register",
                                            "unit": "Wh",
                                            "context": "Sample.Periodic",
                                        }
                                    ],
                                }
                            ],
                        },
                    )
                    assert answer == {}
                    count = committed(
                        database,
                        "SELECT COUNT(*) FROM meter_values WHERE transaction_id = ?",
                        (transaction_id,),
                    )[0][0]
                    assert count == stored

                active = (await api.get(f"/api/v1/transactions/{transaction_id}")).json()
                assert active["status"] == "active"
                assert active["energyDelivered"] == 13.9

                stopped = await charger.call(
                    "StopTransaction",
                    {
                        "transactionId": transaction_id,
                        "idTag": "USER123",
                        "meterStop": 15000,
                        "timestamp": STOP,
                        "reason": "EVDisconnected",
                    },
                )
                assert stopped["idTagInfo"]["status"] == "Accepted"
                rows = committed(
                    database,
                    "SELECT status, meter_stop FROM transactions WHERE transaction_id = ?",
                    (transaction_id,),
                )
                assert [tuple(r) for r in rows] == [("completed", 15000)]
                await charger.close()

            shown = (await api.get(f"/api/v1/transactions/{transaction_id}")).json()
            assert shown["status"] == "completed"
            assert shown["chargeBoxId"] == "CP-1"
            assert shown["idTag"] == "USER123"
            assert shown["meterStart"] == 1000
            assert shown["meterStop"] == 15000
            assert shown["energyDelivered"] == 14.0
            assert shown["durationMinutes"] == 45
            assert shown["startTime"] == START
            assert shown["stopTime"] == STOP
            assert shown["stopReason"] == "EVDisconnected"

            values = (await api.get(f"/api/v1/transactions/{transaction_id}/meter-values")).json()
            assert [(v["timestamp"], v["value"], v["valueWh"]) for v in values["meterValues"]] == [
                (timestamp, value, float(value)) for timestamp, value in READINGS
            ]
            listed = (await api.get("/api/v1/transactions", params={"status": "completed"})).json()
            assert [t["transactionId"] for t in listed["transactions"]] == [transaction_id]
