"""Every command over REST against a real third-party charger (the `ocpp` package's asyncio
ChargePoint in its own process), with the real CLI server in another."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import trio

from tests.ocpp.test_interop import BOOT
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess

CALL_TIMEOUT_S = 2


@dataclass
class Site:
    server: ServerProcess
    api: httpx.AsyncClient
    charger: ChargerProcess


@asynccontextmanager
async def site(
    tmp_path: Path,
    *,
    configure: Mapping[str, str | None] | None = None,
    respond: Mapping[str, Any] | None = None,
) -> AsyncIterator[Site]:
    """The server, its API and a booted charger; ``configure`` and ``respond`` set up the
    charger before its boot, as the box reads its features right after the boot."""
    config = tmp_path / "capacitor.toml"
    config.write_text(f"call_timeout_s = {CALL_TIMEOUT_S}\n")
    async with (
        ServerProcess.start(tmp_path / "data", ["--config", str(config)]) as server,
        httpx.AsyncClient(
            base_url=server.http_url, headers={"X-API-Key": server.api_key}, timeout=10
        ) as api,
    ):
        assert (await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})).is_success
        async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
            await charger.wait_connected()
            if configure is not None:
                await charger.configure(configure)
            if respond is not None:
                await charger.respond(respond)
            await charger.call("BootNotification", BOOT)
            yield Site(server, api, charger)


async def post(api: httpx.AsyncClient, path: str, body: dict[str, Any] | None = None) -> Any:
    return await api.post(f"/api/v1/chargers/CP-1{path}", json=body or {})


async def test_every_command_gets_the_chargers_real_answer(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            reset = await post(api, "/reset", {"type": "Soft"})
            assert reset.status_code == 200
            assert reset.json() == {
                "message": "Soft reset accepted by charger",
                "chargeBoxId": "CP-1",
                "type": "Soft",
                "status": "accepted",
            }
            assert (await charger.next_csms_call("Reset"))["payload"] == {"type": "Soft"}

            unlock = await post(api, "/unlock", {"connectorId": 1})
            assert unlock.json()["status"] == "unlocked"
            assert unlock.json()["message"] == "Connector unlocked successfully"
            cache = await post(api, "/cache/clear")
            assert cache.json()["status"] == "accepted"
            trigger = await post(
                api, "/trigger", {"requestedMessage": "StatusNotification", "connectorId": 1}
            )
            assert trigger.json()["status"] == "accepted"
            availability = await post(
                api, "/availability", {"connectorId": 0, "type": "Inoperative"}
            )
            assert availability.json()["status"] == "accepted"
            change = await post(
                api, "/configuration/change", {"key": "HeartbeatInterval", "value": "120"}
            )
            assert change.json()["status"] == "accepted"
            config = await post(api, "/configuration/get", {"key": ["HeartbeatInterval", "Nope"]})
            assert config.status_code == 200
            body = config.json()
            assert body["configurationKey"][0]["key"] == "HeartbeatInterval"
            assert body["configurationKey"][0]["value"] == "120"
            assert body["unknownKey"] == ["Nope"]
            everything = await post(api, "/configuration/get")
            assert len(everything.json()["configurationKey"]) > 1
            firmware = await post(
                api, "/firmware/update", {"location": "http://fw.example/fw.bin", "retries": 2}
            )
            assert firmware.json()["status"] == "accepted"
            call = await charger.next_csms_call("UpdateFirmware")
            assert call["payload"]["location"] == "http://fw.example/fw.bin"
            assert call["payload"]["retrieveDate"].endswith("Z")
            diagnostics = await post(api, "/diagnostics", {"location": "ftp://logs.example/"})
            assert diagnostics.json()["status"] == "accepted"

            log = (await api.get("/api/v1/chargers/CP-1/commands")).json()
            # The box's own read of the features after the boot is logged too, as the system's.
            system = [c["action"] for c in log["commands"] if c["apiKeyId"] == "system"]
            assert system == ["GetConfiguration"]
            commands = [c for c in log["commands"] if c["apiKeyId"] != "system"]
            actions = [c["action"] for c in commands]
            assert actions[0] == "GetDiagnostics" and actions[-1] == "Reset"
            assert commands[-1]["outcome"] == "answered"
            assert commands[-1]["apiKeyId"].startswith("key_")


async def test_rejections_callerrors_and_silence(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            await charger.respond(
                {
                    "Reset": {"status": "Rejected"},
                    "UnlockConnector": {"status": "UnlockFailed"},
                    "ChangeAvailability": {"status": "Scheduled"},
                    "ChangeConfiguration": {"status": "RebootRequired"},
                    "ClearCache": "CALLERROR:NotSupported:no cache here",
                    "TriggerMessage": "NO_ANSWER",
                }
            )
            rejected = await post(api, "/reset", {"type": "Hard"})
            assert rejected.status_code == 200
            assert rejected.json()["status"] == "rejected"
            unlock = await post(api, "/unlock", {"connectorId": 2})
            assert unlock.json()["status"] == "unlock_failed"
            scheduled = await post(api, "/availability", {"connectorId": 1, "type": "Inoperative"})
            assert scheduled.json()["status"] == "scheduled"
            reboot = await post(api, "/configuration/change", {"key": "A", "value": "1"})
            assert reboot.json()["status"] == "reboot_required"
            failed = await post(api, "/cache/clear")
            assert failed.status_code == 502
            assert failed.json()["error"]["code"] == "CHARGER_ERROR"
            assert failed.json()["error"]["chargerErrorCode"] == "NotSupported"
            silent = await post(api, "/trigger", {"requestedMessage": "Heartbeat"})
            assert silent.status_code == 504
            assert silent.json()["error"] == {
                "code": "CHARGER_TIMEOUT",
                "message": f"Charger CP-1 did not answer TriggerMessage within {CALL_TIMEOUT_S} s",
            }
            # The next command still works, and gets its own answer, not the late one.
            await charger.respond({"TriggerMessage": {"status": "Rejected"}})
            after = await post(api, "/trigger", {"requestedMessage": "Heartbeat"})
            assert after.status_code == 200 and after.json()["status"] == "rejected"
            outcomes = [
                c["outcome"]
                for c in (await api.get("/api/v1/chargers/CP-1/commands")).json()["commands"]
            ]
            assert outcomes[:3] == ["answered", "timeout", "call_error"]


async def test_remote_start_and_stop_follow_the_charger(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with site(tmp_path) as s:
            api, charger = s.api, s.charger
            await charger.call(
                "StatusNotification",
                {"connectorId": 1, "errorCode": "NoError", "status": "Preparing"},
            )

            async def start_when_asked() -> None:
                call = await charger.next_csms_call("RemoteStartTransaction")
                assert call["payload"] == {"connectorId": 1, "idTag": "USER123"}
                started = await charger.call(
                    "StartTransaction",
                    {
                        "connectorId": 1,
                        "idTag": "USER123",
                        "meterStart": 1000,
                        "timestamp": "2026-02-06T12:00:00.000Z",
                    },
                )
                assert started["idTagInfo"]["status"] == "Accepted"

            async with trio.open_nursery() as nursery:
                nursery.start_soon(start_when_asked)
                response = await api.post(
                    "/api/v1/chargers/CP-1/remote-start?wait=20",
                    json={"connectorId": 1, "idTag": "USER123"},
                )
            assert response.status_code == 202, response.text
            transaction_id = response.json()["transactionId"]
            assert isinstance(transaction_id, int)
            details = (await api.get(f"/api/v1/transactions/{transaction_id}")).json()
            assert details["remoteStarted"] is True and details["status"] == "active"

            busy = await api.post(
                "/api/v1/chargers/CP-1/remote-start", json={"connectorId": 1, "idTag": "USER123"}
            )
            assert busy.status_code == 409 and busy.json()["error"]["code"] == "CONNECTOR_BUSY"

            stop = await api.post(f"/api/v1/transactions/{transaction_id}/stop")
            assert stop.status_code == 202 and stop.json()["status"] == "stopping"
            call = await charger.next_csms_call("RemoteStopTransaction")
            assert call["payload"] == {"transactionId": transaction_id}
            await charger.call(
                "StopTransaction",
                {
                    "transactionId": transaction_id,
                    "meterStop": 5000,
                    "timestamp": "2026-02-06T12:30:00.000Z",
                    "reason": "Remote",
                },
            )
            done = (await api.get(f"/api/v1/transactions/{transaction_id}")).json()
            assert done["status"] == "completed" and done["stopReason"] == "Remote"
            assert done["energyDelivered"] == 4.0
            again = await api.post(f"/api/v1/transactions/{transaction_id}/stop")
            assert again.status_code == 409
            unknown = await api.post("/api/v1/transactions/999999/stop")
            assert unknown.status_code == 404

            default_tag = await api.post(
                "/api/v1/transactions/start", json={"chargeBoxId": "CP-1", "connectorId": 2}
            )
            assert default_tag.status_code == 202
            assert default_tag.json()["idTag"] == "CAPACITOR"
            assert "status=in_progress" in default_tag.json()["note"]


async def test_commands_to_an_offline_charger_get_503(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with (
            ServerProcess.start(tmp_path / "data") as server,
            server.client() as api,
        ):
            await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-9"})
            response = await api.post("/api/v1/chargers/CP-9/reset", json={"type": "Soft"})
            assert response.status_code == 503
            assert response.json()["error"] == {
                "code": "SERVICE_UNAVAILABLE",
                "message": "Charger CP-9 is not connected",
            }
            bad = await api.post("/api/v1/chargers/CP-9/reset", json={"type": "Medium"})
            assert bad.status_code == 400 and "type" in bad.json()["error"]["message"]
            missing = await api.post("/api/v1/chargers/NOPE/reset", json={"type": "Soft"})
            assert missing.status_code == 404
