"""The upstream goes away while chargers charge (issue 20): the box answers them itself, keeps
every message in its outbox, and tells the upstream everything once it is back - in order, once
per acknowledgement, with the upstream's transaction ids from Start to Stop. The issue's
"several minutes" of outage are the length of each test's steps (seconds), with the reconnect
backoff capped at 0.2 s (`upstream_backoff_max_s`) so the box finds the upstream soon after."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess
from tests.support.upstream_process import JsonDict, UpstreamProcess, recorded

BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"}


def box_env(upstream_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "CAPACITOR_EDGE_UPSTREAM_URL": upstream_url,
        "CAPACITOR_EDGE_UPSTREAM_BACKOFF_MAX_S": "0.2",
    }


def from_charger(messages: list[JsonDict], cp: str) -> list[JsonDict]:
    """What the upstream got of ``cp``'s own messages (not the box's boot replays and
    Heartbeats, whose unique ids start with ``box-``)."""
    return [m for m in messages if m["cp"] == cp and m["uniqueId"].startswith("ce-")]


def start(connector: int, tag: str, meter: int, at: str) -> dict[str, Any]:
    return {"connectorId": connector, "idTag": tag, "meterStart": meter, "timestamp": at}


def meter(connector: int, txn: int, value: int, at: str) -> dict[str, Any]:
    return {
        "connectorId": connector,
        "transactionId": txn,
        "meterValue": [{"timestamp": at, "sampledValue": [{"value": str(value)}]}],
    }


def stop(txn: int, value: int, at: str) -> dict[str, Any]:
    return {"transactionId": txn, "meterStop": value, "timestamp": at}


class Sent:
    """What the chargers were answered for, in order, per charger: the acknowledgements."""

    def __init__(self) -> None:
        self.by_cp: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    async def call(
        self, charger: ChargerProcess, cp: str, action: str, payload: dict[str, Any]
    ) -> JsonDict:
        answer = await charger.call(action, payload)
        if action != "Heartbeat":
            self.by_cp.setdefault(cp, []).append((action, payload))
        return answer


async def wait_upstream(
    api: httpx.AsyncClient, cp: str, connected: bool, *, drained: bool = False
) -> JsonDict:
    """Poll the charger's upstream link until it is (dis)connected (and its outbox empty)."""
    while True:
        body: JsonDict = (await api.get(f"/api/v1/chargers/{cp}/upstream")).json()
        if body["connected"] is connected and not (drained and body["outboxDepth"]):
            return body
        await trio.sleep(0.05)


def check_transactions(got: list[JsonDict]) -> None:
    """Every MeterValues and StopTransaction names the id the upstream gave its Start."""
    upstream_ids = set()
    for message in got:
        if message["action"] == "StartTransaction":
            continue
        if "transactionId" in message["payload"]:
            upstream_ids.add(message["payload"]["transactionId"])
    assert all(i > 1000 for i in upstream_ids), upstream_ids


async def test_an_outage_loses_nothing_and_replays_in_order(tmp_path: Path) -> None:
    record = tmp_path / "upstream.jsonl"
    sent = Sent()
    with trio.fail_after(120):
        async with UpstreamProcess.start(record) as first:
            port = first.port
            async with (
                ServerProcess.start(tmp_path / "data", env=box_env(first.url)) as server,
                server.client() as api,
            ):
                for cp in ("CP-1", "CP-2"):
                    await api.post("/api/v1/chargers", json={"chargeBoxId": cp})
                async with (
                    ChargerProcess.start(server.charger_url("CP-1")) as cp1,
                    ChargerProcess.start(server.charger_url("CP-2")) as cp2,
                ):
                    await cp1.wait_connected()
                    await cp2.wait_connected()
                    await sent.call(cp1, "CP-1", "BootNotification", BOOT)
                    await sent.call(cp2, "CP-2", "BootNotification", BOOT)
                    await first.wait_until(lambda got: {m["cp"] for m in got} == {"CP-1", "CP-2"})
                    await wait_upstream(api, "CP-1", True)

                    # The WAN drops: the upstream vanishes without a goodbye.
                    first.kill()
                    await wait_upstream(api, "CP-1", False)

                    # A whole session on CP-1, started, metered and stopped in the outage.
                    a = await sent.call(
                        cp1, "CP-1", "StartTransaction", start(1, "T1", 0, "2026-11-29T10:00:00Z")
                    )
                    for i in range(1, 4):
                        await sent.call(
                            cp1,
                            "CP-1",
                            "MeterValues",
                            meter(1, a["transactionId"], i * 100, f"2026-11-29T10:0{i}:00Z"),
                        )
                    await sent.call(cp1, "CP-1", "Heartbeat", {})
                    await sent.call(
                        cp1,
                        "CP-1",
                        "StopTransaction",
                        stop(a["transactionId"], 400, "2026-11-29T10:05:00Z"),
                    )
                    # CP-2 starts, then reboots in the outage and reports the stop after it.
                    b = await sent.call(
                        cp2, "CP-2", "StartTransaction", start(1, "T2", 50, "2026-11-29T10:00:30Z")
                    )
                    await cp2.close()
                async with ChargerProcess.start(server.charger_url("CP-2")) as cp2:
                    await cp2.wait_connected()
                    await sent.call(cp2, "CP-2", "BootNotification", BOOT)
                    await sent.call(
                        cp2,
                        "CP-2",
                        "MeterValues",
                        meter(1, b["transactionId"], 300, "2026-11-29T10:06:00Z"),
                    )
                    await sent.call(
                        cp2,
                        "CP-2",
                        "StopTransaction",
                        stop(b["transactionId"], 350, "2026-11-29T10:07:00Z"),
                    )
                    link = (await api.get("/api/v1/chargers/CP-2/upstream")).json()
                    assert link["connected"] is False and link["outboxDepth"] >= 3
                    assert link["oldestUnsentAt"] is not None and link["lastError"]

                    # The upstream comes back on the same address. CP-1 stays away: its link
                    # still tells the upstream everything, then ends.
                    async with UpstreamProcess.start(record, port=port) as second:
                        await second.wait_until(
                            lambda got: sum(m["action"] == "StopTransaction" for m in got) == 2
                        )
                        await wait_upstream(api, "CP-2", True)
                        # Each link began with the charger's last BootNotification.
                        for cp in ("CP-1", "CP-2"):
                            opening = next(m for m in second.received if m["cp"] == cp)
                            assert opening["action"] == "BootNotification"
                            assert opening["uniqueId"].startswith("box-")
                        for cp in ("CP-1", "CP-2"):
                            link = await wait_upstream(api, cp, cp == "CP-2", drained=True)
                            assert link["outboxDepth"] == 0

    everything = recorded(record)
    for cp in ("CP-1", "CP-2"):
        got = from_charger(everything, cp)
        # Once per acknowledgement, in the order the charger was answered, as it sent them
        # (original timestamps), with only the transaction id rewritten.
        assert [m["action"] for m in got] == [action for action, _ in sent.by_cp[cp]]
        assert len({m["uniqueId"] for m in got}) == len(got)
        for message, (_, payload) in zip(got, sent.by_cp[cp], strict=True):
            assert message["payload"].get("timestamp") == payload.get("timestamp")
        check_transactions(got)
        starts = [m for m in everything if m["cp"] == cp and m["action"] == "StartTransaction"]
        assert len(starts) == 1
    # One upstream transaction id per session, from Start to Stop.
    ids_1, ids_2 = (
        {m["payload"].get("transactionId") for m in from_charger(everything, cp)} - {None}
        for cp in ("CP-1", "CP-2")
    )
    assert len(ids_1) == 1 and len(ids_2) == 1 and ids_1 != ids_2
