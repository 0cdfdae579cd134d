"""What the upstream says back about forwarded messages (issue 20 follow-ups): its idTag
verdict in a StopTransaction answer, and a CALLERROR refusing a message outright."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess
from tests.support.upstream_process import JsonDict, UpstreamProcess

BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"}


def _has(action: str) -> Any:
    return lambda got: any(m["action"] == action for m in got)


async def _events(api: httpx.AsyncClient, type_: str) -> list[JsonDict]:
    """The events of ``type_``, once there is one (the upstream's answer comes after the
    charger's)."""
    while True:
        events: list[JsonDict] = (await api.get(f"/api/v1/events?types={type_}")).json()["events"]
        if events:
            return events
        await trio.sleep(0.05)


async def test_stop_verdicts_and_refused_messages_are_visible(tmp_path: Path) -> None:
    record = tmp_path / "upstream.jsonl"
    extra = ["--reject-tag", "STOLEN", "--refuse-action", "DataTransfer"]
    with trio.fail_after(90):
        async with UpstreamProcess.start(record, extra=extra) as upstream:
            env = {**os.environ, "CAPACITOR_EDGE_UPSTREAM_URL": upstream.url}
            async with (
                ServerProcess.start(tmp_path / "data", env=env) as server,
                server.client() as api,
            ):
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                    await charger.wait_connected()
                    await charger.call("BootNotification", BOOT)
                    started = await charger.call(
                        "StartTransaction",
                        {
                            "connectorId": 1,
                            "idTag": "GOOD",
                            "meterStart": 0,
                            "timestamp": "2026-11-29T10:00:00.000Z",
                        },
                    )
                    local_id = started["transactionId"]
                    # Stopped with a tag the box accepts (open authorization) and the upstream
                    # does not: the energy was delivered, the operator must see it.
                    await charger.call(
                        "StopTransaction",
                        {
                            "transactionId": local_id,
                            "idTag": "STOLEN",
                            "meterStop": 500,
                            "timestamp": "2026-11-29T10:10:00.000Z",
                        },
                    )
                    got = await upstream.wait_until(_has("StopTransaction"))
                    upstream_id = next(
                        m["payload"]["transactionId"]
                        for m in got
                        if m["action"] == "StopTransaction"
                    )
                    rejected = await _events(api, "upstream.id_tag_rejected")
                    assert [e["data"] for e in rejected] == [
                        {
                            "chargeBoxId": "CP-1",
                            "action": "StopTransaction",
                            "transactionId": local_id,
                            "upstreamTransactionId": upstream_id,
                            "upstreamStatus": "Invalid",
                        }
                    ]

                    # A message the upstream refuses is dropped, visibly, and does not hold
                    # up the charger's later messages.
                    await charger.call("DataTransfer", {"vendorId": "com.example"})
                    await charger.call(
                        "StatusNotification",
                        {"connectorId": 1, "errorCode": "NoError", "status": "Available"},
                    )
                    got = await upstream.wait_until(_has("StatusNotification"))
                    refused_id = next(m["uniqueId"] for m in got if m["action"] == "DataTransfer")
                    refused = await _events(api, "upstream.message_refused")
                    assert [e["data"] for e in refused] == [
                        {
                            "chargeBoxId": "CP-1",
                            "action": "DataTransfer",
                            "uniqueId": refused_id,
                            "error": "NotSupported: refused",
                        }
                    ]
                    scrape = (await api.get("/metrics")).text
                    assert (
                        'capacitor_edge_upstream_refused_messages_total{action="DataTransfer"} 1.0'
                        in scrape
                    )
                    link = (await api.get("/api/v1/chargers/CP-1/upstream")).json()
                    assert "DataTransfer" in link["lastError"]
                    assert refused_id in link["lastError"]
                    while link["outboxDepth"]:  # the delete after the last ack is not awaited
                        await trio.sleep(0.05)
                        link = (await api.get("/api/v1/chargers/CP-1/upstream")).json()
