"""The box between third-party chargers and a third-party upstream central system (issue 20):
each in its own process, the box as the real CLI."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import trio

from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess
from tests.support.upstream_process import JsonDict, UpstreamProcess, recorded

BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"}


def actions(messages: list[JsonDict], cp: str = "CP-1") -> list[str]:
    return [m["action"] for m in messages if m["cp"] == cp]


def has(action: str, count: int = 1) -> Any:
    return lambda got: actions(got).count(action) >= count


async def test_messages_go_upstream_in_order_and_upstream_calls_reach_the_charger(
    tmp_path: Path,
) -> None:
    record = tmp_path / "upstream.jsonl"
    with trio.fail_after(90):
        async with (
            UpstreamProcess.start(record) as upstream,
            ServerProcess.start(tmp_path / "data", env=_env(upstream.url)) as server,
            server.client() as api,
        ):
            await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
            async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                await charger.call("Heartbeat", {})
                started = await charger.call(
                    "StartTransaction",
                    {
                        "connectorId": 1,
                        "idTag": "TAG-1",
                        "meterStart": 100,
                        "timestamp": "2026-11-29T10:00:00.000Z",
                    },
                )
                local_id = started["transactionId"]
                await charger.call(
                    "MeterValues",
                    {
                        "connectorId": 1,
                        "transactionId": local_id,
                        "meterValue": [
                            {
                                "timestamp": "2026-11-29T10:05:00.000Z",
                                "sampledValue": [{"value": "600"}],
                            }
                        ],
                    },
                )
                await charger.call(
                    "StopTransaction",
                    {
                        "transactionId": local_id,
                        "meterStop": 1100,
                        "timestamp": "2026-11-29T10:10:00.000Z",
                    },
                )
                got = await upstream.wait_until(has("StopTransaction"))
                # The boot replayed on connect, then the charger's messages in order; the
                # charger's own Heartbeat is answered locally, never forwarded.
                sent = [a for a in actions(got) if a != "BootNotification"]
                assert sent == ["StartTransaction", "MeterValues", "StopTransaction"]
                assert actions(got)[0] == "BootNotification"
                assert got[0]["payload"]["chargePointVendor"] == "ABB"
                by_action = {m["action"]: m for m in got}
                upstream_id = by_action["MeterValues"]["payload"]["transactionId"]
                assert upstream_id > 1000  # the upstream's own numbering
                assert upstream_id != local_id
                assert by_action["StopTransaction"]["payload"]["transactionId"] == upstream_id
                # Original timestamps, as the charger sent them.
                assert by_action["StopTransaction"]["payload"]["timestamp"] == (
                    "2026-11-29T10:10:00.000Z"
                )

                # Upstream -> charger: relayed through the command queue and audited.
                await charger.respond({"Reset": {"status": "Accepted"}})
                answer = await upstream.call("CP-1", "Reset", {"type": "Soft"})
                assert answer["payload"] == {"status": "Accepted"}
                event = await charger.next_event(
                    "csms_call", predicate=lambda e: e["action"] == "Reset"
                )
                assert event["payload"] == {"type": "Soft"}
                stop = await upstream.call(
                    "CP-1", "RemoteStopTransaction", {"transactionId": upstream_id}
                )
                assert "payload" in stop
                remote_stop = await charger.next_event(
                    "csms_call", predicate=lambda e: e["action"] == "RemoteStopTransaction"
                )
                # The charger hears its own (the box's) transaction id.
                assert remote_stop["payload"]["transactionId"] == local_id
                audit = (await api.get("/api/v1/chargers/CP-1/commands")).json()
                assert "Reset" in str(audit)

                link = (await api.get("/api/v1/chargers/CP-1/upstream")).json()
                assert link["enabled"] is True and link["connected"] is True
                assert link["outboxDepth"] == 0 and link["oldestUnsentAt"] is None
                scrape = (await api.get("/metrics")).text
                assert "capacitor_edge_upstream_connected_links 1.0" in scrape
                assert "capacitor_edge_upstream_outbox_messages 0.0" in scrape
                events = (await api.get("/api/v1/events?types=upstream.connected")).json()
                assert [e["chargeBoxId"] for e in events["events"]] == ["CP-1"]
    assert len(recorded(record)) == len(got)


def _env(upstream_url: str) -> dict[str, str]:
    return {**os.environ, "CAPACITOR_EDGE_UPSTREAM_URL": upstream_url}


async def test_upstream_verdicts_refused_commands_and_charging_profiles(tmp_path: Path) -> None:
    """An idTag the box accepted and the upstream refuses is an event; an upstream command the
    site refuses is a SecurityError; an upstream profile goes through the box's smart charging
    path (checked, kept in the profile registry)."""
    record = tmp_path / "upstream.jsonl"
    env = {
        **_env(""),
        "CAPACITOR_EDGE_UPSTREAM_REFUSED_ACTIONS": "Reset, UpdateFirmware",
        "CAPACITOR_EDGE_UPSTREAM_PASSWORD": "s3cret-upstream",
    }
    with trio.fail_after(90):
        async with UpstreamProcess.start(record, extra=["--reject-tag", "STOLEN"]) as upstream:
            env["CAPACITOR_EDGE_UPSTREAM_URL"] = upstream.url
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
                            "idTag": "STOLEN",
                            "meterStart": 0,
                            "timestamp": "2026-11-29T10:00:00.000Z",
                        },
                    )
                    # The box decides locally (open authorization): the car charges.
                    assert started["idTagInfo"]["status"] == "Accepted"
                    got = await upstream.wait_until(has("StartTransaction"))
                    # As the charger, with its upstream password (OCPP 1.6 security profile 1).
                    token = base64.b64encode(b"CP-1:s3cret-upstream").decode()
                    assert {m["authorization"] for m in got} == {f"Basic {token}"}
                    while True:
                        events = (
                            await api.get("/api/v1/events?types=upstream.id_tag_rejected")
                        ).json()["events"]
                        if events:
                            break
                        await trio.sleep(0.05)
                    assert events[0]["chargeBoxId"] == "CP-1"
                    assert events[0]["data"]["transactionId"] == started["transactionId"]
                    assert events[0]["data"]["upstreamStatus"] == "Invalid"

                    refused = await upstream.call("CP-1", "Reset", {"type": "Hard"})
                    assert "SecurityError" in refused["error"]
                    assert not [e for e in charger.all_events if e.get("action") == "Reset"]

                    profile = {
                        "chargingProfileId": 7,
                        "stackLevel": 0,
                        "chargingProfilePurpose": "TxDefaultProfile",
                        "chargingProfileKind": "Relative",
                        "chargingSchedule": {
                            "chargingRateUnit": "A",
                            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}],
                        },
                    }
                    await charger.respond({"SetChargingProfile": {"status": "Accepted"}})
                    answer = await upstream.call(
                        "CP-1",
                        "SetChargingProfile",
                        {"connectorId": 0, "csChargingProfiles": profile},
                    )
                    assert answer["payload"] == {"status": "Accepted"}
                    registry = (await api.get("/api/v1/chargers/CP-1/charging-profiles")).json()
                    kept = registry["chargingProfiles"]
                    assert [(p["chargingProfileId"], p["status"]) for p in kept] == [
                        (7, "accepted")
                    ]
                    connected = (await api.get("/api/v1/chargers/CP-1/upstream")).json()
                    assert connected["connected"] is True
