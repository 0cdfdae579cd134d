"""Commands from the fleet over MQTT that answer as REST does (issue 19 follow-ups), against a
real Mosquitto and the `ocpp` package's charger in its own process: reservations and local
lists (issue 17's commands), and a remote start that waits for the transaction as REST's
``?wait=`` does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trio

from tests.conftest import Appliance, start_appliance, stop_appliance
from tests.support.charger_process import ChargerProcess
from tests.support.mosquitto import Mosquitto, running_mosquitto
from tests.support.mqtt_client import Received, connect_consumer, disconnect
from tests.test_mqtt import BOOT, register, request, uplink_settings

TIMEOUT_S = 60
EXPIRY = "2099-01-01T00:00:00.000Z"
ALLOWED = "reserve_now,cancel_reservation,send_local_list,get_local_list_version,remote_start"


@pytest.fixture
async def broker(tmp_path: Path) -> AsyncIterator[Mosquitto]:
    async with running_mosquitto(tmp_path / "broker") as running:
        yield running


@pytest.fixture
async def uplinked(
    nursery: trio.Nursery, tmp_path: Path, broker: Mosquitto
) -> AsyncIterator[Appliance]:
    settings = uplink_settings(tmp_path, broker, mqtt_allowed_commands=ALLOWED)
    running = await start_appliance(nursery, settings)
    try:
        yield running
    finally:
        await stop_appliance(running)


def command(kind: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"command": kind, "chargeBoxId": "CP-R1", "body": body or {}}


async def test_reservations_and_local_lists_over_mqtt_answer_as_rest_does(
    uplinked: Appliance, broker: Mosquitto
) -> None:
    with trio.fail_after(TIMEOUT_S):
        fleet = await connect_consumer(broker.port, ["fleet/replies/#"], client_id="fleet-rsv")
        topic = "fleet/replies/r"
        async with uplinked.client() as api:
            await register(api, "CP-R1")
            url = f"{uplinked.endpoints.ocpp_url}/ocpp/CP-R1"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                body = {"connectorId": 1, "idTag": "CAR-1", "expiryDate": EXPIRY}
                reserved = (await request(fleet, topic, b"r1", command("reserve_now", body))).json()
                sent = await charger.next_csms_call("ReserveNow")
                number = reserved["result"]["reservationId"]
                # The box refuses what conflicts with what it holds, as over REST (409 there).
                again = {**body, "idTag": "CAR-2"}
                clash = (await request(fleet, topic, b"r2", command("reserve_now", again))).json()
                bad = {**body, "connectorId": -1}
                invalid = (await request(fleet, topic, b"r3", command("reserve_now", bad))).json()
                listed = (await api.get("/api/v1/chargers/CP-R1/reservations")).json()
                cancel = command("cancel_reservation", {"reservationId": number})
                cancelled = (await request(fleet, topic, b"r4", cancel)).json()
                await charger.next_csms_call("CancelReservation")
                ended = (await request(fleet, topic, b"r5", cancel)).json()
                version = command("get_local_list_version")
                held = (await request(fleet, topic, b"l1", version)).json()
                rest_held = (await api.get("/api/v1/chargers/CP-R1/local-list")).json()
                full = command("send_local_list", {"updateType": "Full"})
                sent_list = (await request(fleet, topic, b"l2", full)).json()
                wrong = command("send_local_list", {"updateType": "Partial"})
                wrong_type = (await request(fleet, topic, b"l3", wrong)).json()
        assert reserved["success"] is True and reserved["command"] == "reserve_now"
        assert reserved["result"] == listed["reservations"][0]  # REST's Reservation, as is
        assert reserved["result"]["status"] == "active"
        assert sent["payload"]["reservationId"] == number
        assert clash["error"]["code"] == "CONFLICT"
        assert invalid["error"]["code"] == "VALIDATION_ERROR"
        assert invalid["error"]["message"].startswith("body.connectorId: ")
        assert cancelled["result"]["status"] == "cancelled"
        assert cancelled["result"]["reservationId"] == number
        assert ended["error"]["code"] == "CONFLICT"
        assert held["result"] == rest_held
        assert sent_list["result"]["updateType"] == "Full"
        assert sent_list["result"]["chargeBoxId"] == "CP-R1"
        assert wrong_type["error"]["code"] == "VALIDATION_ERROR"
        assert wrong_type["error"]["message"].startswith("body.updateType: ")
        await disconnect(fleet)


async def test_a_remote_start_over_mqtt_can_wait_for_the_transaction_as_rest_does(
    uplinked: Appliance, broker: Mosquitto
) -> None:
    """REST's ``?wait=S`` is the body's ``wait``: the reply then carries the transaction the
    charger started, in REST's body (message, note and all)."""
    with trio.fail_after(TIMEOUT_S):
        fleet = await connect_consumer(broker.port, ["fleet/replies/#"], client_id="fleet-rs")
        topic = "fleet/replies/s"
        async with uplinked.client() as api:
            await register(api, "CP-R1")
            url = f"{uplinked.endpoints.ocpp_url}/ocpp/CP-R1"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                start = command("remote_start", {"connectorId": 1, "idTag": "CAR-1", "wait": 20})
                fleet.publish(
                    "capacitor/lot-7/commands",
                    json.dumps(start),
                    response_topic=topic,
                    correlation=b"s1",
                )
                call = await charger.next_csms_call("RemoteStartTransaction")
                await charger.call(
                    "StartTransaction",
                    {
                        "connectorId": 1,
                        "idTag": "CAR-1",
                        "meterStart": 0,
                        "timestamp": "2026-02-06T12:00:00.000Z",
                    },
                )

                def reply() -> Received | None:
                    return next(iter(fleet.on(topic)), None)

                started: Received = await fleet.wait_until(reply)
                too_long = {"connectorId": 2, "idTag": "CAR-2", "wait": 61}
                refused = (
                    await request(fleet, topic, b"s2", command("remote_start", too_long))
                ).json()
            active = (await api.get("/api/v1/transactions", params={"status": "active"})).json()
        assert call["payload"] == {"connectorId": 1, "idTag": "CAR-1"}
        result = started.json()["result"]
        transaction_id = result["transactionId"]
        assert isinstance(transaction_id, int)
        assert result == {
            "message": "Remote start accepted by charger",
            "chargeBoxId": "CP-R1",
            "connectorId": 1,
            "idTag": "CAR-1",
            "status": "accepted",
            "transactionId": transaction_id,
            "note": "The charger started the transaction.",
        }
        assert transaction_id in [t["transactionId"] for t in active["transactions"]]
        assert refused["error"]["code"] == "VALIDATION_ERROR"
        assert refused["error"]["message"].startswith("body.wait: ")
        await disconnect(fleet)
