"""Rules that keep sessions honest: a triggered BootNotification is not a reboot, charger
passwords never reach the trace or the audit log, and a charger's last frames before it hangs
up are still read."""

from __future__ import annotations

import json

import trio

from tests.conftest import Appliance
from tests.ocpp.helpers import BOOT, call, charger_socket, register


async def test_a_triggered_boot_does_not_end_the_session(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
            async with charger_socket(appliance, "CP-1") as ws:
                await call(ws, "BootNotification", BOOT)
                started = await call(
                    ws,
                    "StartTransaction",
                    {
                        "connectorId": 1,
                        "idTag": "USER1",
                        "meterStart": 0,
                        "timestamp": "2026-02-06T12:00:00.000Z",
                    },
                )
                transaction_id = started[2]["transactionId"]
                # Asked for by TriggerMessage: same connection, so not a reboot.
                await call(ws, "BootNotification", BOOT)
                body = (await api.get(f"/api/v1/transactions/{transaction_id}")).json()
                assert body["status"] == "active"
            # A reboot comes on a new connection: that one ends the session.
            async with charger_socket(appliance, "CP-1") as ws:
                await call(ws, "BootNotification", BOOT)
                body = (await api.get(f"/api/v1/transactions/{transaction_id}")).json()
                assert body["status"] == "completed" and body["stopReason"] == "Reboot"


async def test_charger_passwords_stay_out_of_trace_and_audit(appliance: Appliance) -> None:
    secret = "s3cret-authorization-key-1234"
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
            async with charger_socket(appliance, "CP-1") as ws, trio.open_nursery() as nursery:

                async def accept_change() -> None:
                    frame = json.loads(await ws.get_message())
                    assert frame[3] == {"key": "AuthorizationKey", "value": secret}
                    await ws.send_message(json.dumps([3, frame[1], {"status": "Accepted"}]))

                nursery.start_soon(accept_change)
                response = await api.post(
                    "/api/v1/chargers/CP-1/configuration/change",
                    json={"key": "AuthorizationKey", "value": secret},
                )
                assert response.json()["status"] == "accepted"
            audit = (await api.get("/api/v1/chargers/CP-1/commands")).text
            assert secret not in audit and "****" in audit

            async def traced() -> str:
                while True:  # the trace is committed with the next batch
                    text = (await api.get("/api/v1/chargers/CP-1/messages")).text
                    if "AuthorizationKey" in text:
                        return text
                    await trio.sleep(0.01)

            trace = await traced()
            assert secret not in trace and "****" in trace


async def test_an_answer_sent_just_before_hanging_up_is_read(appliance: Appliance) -> None:
    """The charger answers a command and closes at once while its own CALL is being handled:
    the answer must still reach the REST caller."""
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-1")
            async with charger_socket(appliance, "CP-1") as ws, trio.open_nursery() as nursery:

                async def answer_and_hang_up() -> None:
                    frame = json.loads(await ws.get_message())
                    assert frame[2] == "Reset"
                    await ws.send_message(json.dumps([2, "x1", "Heartbeat", {}]))
                    await ws.send_message(json.dumps([3, frame[1], {"status": "Accepted"}]))
                    await ws.aclose()

                nursery.start_soon(answer_and_hang_up)
                response = await api.post("/api/v1/chargers/CP-1/reset", json={"type": "Hard"})
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "accepted"
