"""Interop: the real CLI server and a real third-party charger (the ``ocpp`` package's asyncio
``ChargePoint`` over ``websockets``), each in its own process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess

BOOT = {
    "chargePointVendor": "ABB",
    "chargePointModel": "Terra AC",
    "chargePointSerialNumber": "ABC12345",
    "firmwareVersion": "1.6.0",
    "iccid": "8944",
    "meterType": "EM-1",
}


def status(connector: int, value: str, timestamp: str) -> dict[str, Any]:
    return {
        "connectorId": connector,
        "status": value,
        "errorCode": "NoError",
        "timestamp": timestamp,
    }


async def wait_for(
    check: Callable[[dict[str, Any]], bool], client: httpx.AsyncClient, path: str
) -> dict[str, Any]:
    """Poll ``path`` until ``check(body)`` holds (bounded by the caller's fail_after)."""
    while True:
        body: dict[str, Any] = (await client.get(path)).json()
        if check(body):
            return body
        await trio.sleep(0.02)


async def test_boot_status_heartbeat_show_in_the_api(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with (
            ServerProcess.start(tmp_path / "data") as server,
            server.client() as api,
        ):
            created = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
            assert created.status_code == 201
            async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                await charger.wait_connected()
                boot = await charger.call("BootNotification", BOOT)
                assert boot["status"] == "Accepted"
                assert boot["interval"] == 300
                assert boot["currentTime"].endswith("Z")
                for stamp, value in (
                    ("2026-02-06T12:30:00.000Z", "Available"),
                    ("2026-02-06T12:40:00.000Z", "Preparing"),
                    ("2026-02-06T12:45:00.000Z", "Charging"),
                ):
                    assert await charger.call("StatusNotification", status(1, value, stamp)) == {}
                await charger.call(
                    "StatusNotification", status(2, "Available", "2026-02-06T12:31:00.000Z")
                )
                await charger.call(
                    "StatusNotification", status(0, "Available", "2026-02-06T12:29:00.000Z")
                )
                heartbeat = await charger.call("Heartbeat", {})
                assert heartbeat["currentTime"].endswith("Z")

                details = (await api.get("/api/v1/chargers/CP-1")).json()
                assert details["isOnline"] is True and details["status"] == "online"
                assert details["vendor"] == "ABB" and details["model"] == "Terra AC"
                assert details["serialNumber"] == "ABC12345"
                assert details["firmwareVersion"] == "1.6.0"
                # Any message is a sign of life, seen by a read made after its answer.
                beat = await wait_for(
                    lambda body: body["lastHeartbeat"] == heartbeat["currentTime"],
                    api,
                    "/api/v1/chargers/CP-1",
                )
                assert beat["lastHeartbeat"] == heartbeat["currentTime"]
                assert details["connectors"] == [
                    {
                        "connectorId": 1,
                        "status": "Charging",
                        "errorCode": "NoError",
                        "lastUpdated": "2026-02-06T12:45:00.000Z",
                        "transactionId": None,
                    },
                    {
                        "connectorId": 2,
                        "status": "Available",
                        "errorCode": "NoError",
                        "lastUpdated": "2026-02-06T12:31:00.000Z",
                        "transactionId": None,
                    },
                ]
                assert details["chargePointStatus"]["status"] == "Available"
                history = (await api.get("/api/v1/chargers/CP-1/connectors/1/status")).json()
                assert [h["status"] for h in history["statusNotifications"]] == [
                    "Charging",
                    "Preparing",
                    "Available",
                ]
                listed = (await api.get("/api/v1/chargers?status=online")).json()
                assert [c["chargeBoxId"] for c in listed["chargers"]] == ["CP-1"]
                assert listed["chargers"][0]["vendor"] == "ABB"
                # The trace rides along with the next commit (it is not acknowledged data), so
                # it may still be on its way after the answer: wait for it.
                trace = await wait_for(
                    lambda body: (
                        len(body["messages"]) == 2 and '"Heartbeat"' in body["messages"][1]["frame"]
                    ),
                    api,
                    "/api/v1/chargers/CP-1/messages?limit=2",
                )
                assert [m["direction"] for m in trace["messages"]] == ["out", "in"]
                assert '"Heartbeat"' in trace["messages"][1]["frame"]
                await charger.close()
            offline = await wait_for(
                lambda body: body["isOnline"] is False, api, "/api/v1/chargers/CP-1"
            )
            assert offline["status"] == "offline"
