"""The fleet uplink over MQTT (issue 19) against a real Mosquitto broker started on 127.0.0.1:
events with their topics and payloads, retained state for a late subscriber, a broker outage
under charger traffic, commands from the fleet (allowed and refused), and the last will."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from capacitor_edge.settings import Settings
from tests.conftest import (
    Appliance,
    make_settings,
    plain_connection,
    start_appliance,
    stop_appliance,
)
from tests.support.charger_process import ChargerProcess
from tests.support.mosquitto import Mosquitto, running_mosquitto
from tests.support.mqtt_client import Consumer, Received, connect_consumer, disconnect
from tests.support.server_process import ServerProcess

TIMEOUT_S = 60
SITE = "lot-7"
BASE = f"capacitor/{SITE}"
BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC", "firmwareVersion": "1.2.3"}


@pytest.fixture
async def broker(tmp_path: Path) -> AsyncIterator[Mosquitto]:
    async with running_mosquitto(tmp_path / "broker") as running:
        yield running


def uplink_settings(tmp_path: Path, broker: Mosquitto, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "mqtt_url": broker.url,
        "site_id": SITE,
        "mqtt_allowed_commands": "reset",
        "mqtt_reconnect_max_s": "1",
    }
    values.update(overrides)
    return make_settings(tmp_path, **values)


@pytest.fixture
async def uplinked(
    nursery: trio.Nursery, tmp_path: Path, broker: Mosquitto
) -> AsyncIterator[Appliance]:
    running = await start_appliance(nursery, uplink_settings(tmp_path, broker))
    try:
        yield running
    finally:
        await stop_appliance(running)


def event_messages(consumer: Consumer) -> list[Received]:
    return [m for m in consumer.received if m.topic.startswith(f"{BASE}/events/")]


def seqs(messages: list[Received]) -> list[int]:
    return [int(m.json()["seq"]) for m in messages]


async def register(api: httpx.AsyncClient, charge_box_id: str) -> None:
    created = await api.post("/api/v1/chargers", json={"chargeBoxId": charge_box_id})
    assert created.status_code == 201, created.text


async def status(charger: ChargerProcess, connector_id: int, value: str) -> None:
    await charger.call(
        "StatusNotification",
        {"connectorId": connector_id, "status": value, "errorCode": "NoError"},
    )


async def test_every_event_arrives_on_its_topic_with_the_api_payload_and_its_seq(
    uplinked: Appliance, broker: Mosquitto
) -> None:
    with trio.fail_after(TIMEOUT_S):
        fleet = await connect_consumer(broker.port, [f"{BASE}/#"], client_id="fleet-events")
        async with uplinked.client() as api:
            await register(api, "CP-M1")
            url = f"{uplinked.endpoints.ocpp_url}/ocpp/CP-M1"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                await status(charger, 1, "Available")
                head = (await api.get("/api/v1/events", params={"limit": 100})).json()
            await fleet.wait_until(
                lambda: any(m.topic.endswith("connector.status_changed") for m in fleet.received)
            )
            journal = (await api.get("/api/v1/events", params={"limit": 100})).json()["events"]
        messages = event_messages(fleet)
        by_seq = {int(m.json()["seq"]): m for m in messages}
        assert head["events"], "the journal has the session's events"
        for event in journal:
            if event["seq"] not in by_seq:
                continue  # a later one (charger.disconnected) may still be on its way
            message = by_seq[event["seq"]]
            assert message.topic == f"{BASE}/events/{event['event']}"
            # The payload is the API's event plus the site; seq also as a user property.
            assert message.json() == {**event, "site": SITE}
            assert ("seq", str(event["seq"])) in message.user_properties
        published = {m.json()["event"] for m in messages}
        assert {
            "charger.registered",
            "charger.connected",
            "charger.boot",
            "connector.status_changed",
        } <= published
        assert seqs(messages) == sorted(seqs(messages)), "published in journal order"
        online = fleet.on(f"{BASE}/status")
        assert online and online[-1].json()["online"] is True
        assert online[-1].json()["site"] == SITE
        await disconnect(fleet)


async def test_a_late_subscriber_sees_every_charger_and_connector_state_at_once(
    uplinked: Appliance, broker: Mosquitto
) -> None:
    with trio.fail_after(TIMEOUT_S):
        early = await connect_consumer(broker.port, [f"{BASE}/#"], client_id="fleet-early")
        async with uplinked.client() as api:
            await register(api, "CP-M2")
            await register(api, "CP-IDLE")  # registered, never connected
            url = f"{uplinked.endpoints.ocpp_url}/ocpp/CP-M2"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                await status(charger, 1, "Available")
                await status(charger, 2, "Available")
                await status(charger, 1, "Charging")
                state_topic = f"{BASE}/chargers/CP-M2/connectors/1/state"
                every_state = {
                    f"{BASE}/chargers/CP-M2/state",
                    f"{BASE}/chargers/CP-IDLE/state",
                    f"{BASE}/chargers/CP-M2/connectors/2/state",
                    f"{BASE}/status",
                }

                def all_published() -> bool:
                    # Every state is at the broker before the dashboard subscribes, so what
                    # it gets is the retained copies, not live updates.
                    topics = {m.topic for m in early.received}
                    charging = any(m.json()["status"] == "Charging" for m in early.on(state_topic))
                    return charging and every_state <= topics

                await early.wait_until(all_published)
                late = await connect_consumer(
                    broker.port, [f"{BASE}/chargers/#", f"{BASE}/status"], client_id="dashboard"
                )

                def complete() -> bool:
                    return len({m.topic for m in late.received}) >= 5

                await late.wait_until(complete)
                at_once = list(late.received)  # before the charger leaves (a live update)
        states = {m.topic: m for m in at_once}
        assert all(m.retain for m in at_once), "retained, sent on subscribing"
        charger_state = states[f"{BASE}/chargers/CP-M2/state"].json()
        assert charger_state["online"] is True
        assert (charger_state["vendor"], charger_state["model"]) == ("ABB", "Terra AC")
        assert charger_state["firmwareVersion"] == "1.2.3"
        assert states[f"{BASE}/chargers/CP-IDLE/state"].json()["online"] is False
        one = states[f"{BASE}/chargers/CP-M2/connectors/1/state"].json()
        assert (one["connectorId"], one["status"], one["errorCode"]) == (1, "Charging", "NoError")
        assert states[f"{BASE}/chargers/CP-M2/connectors/2/state"].json()["status"] == "Available"
        assert states[f"{BASE}/status"].json()["online"] is True
        await disconnect(early)
        await disconnect(late)


async def test_a_broker_outage_under_charger_traffic_loses_nothing_and_keeps_order(
    uplinked: Appliance, broker: Mosquitto
) -> None:
    """The broker is stopped while the charger keeps sending (the issue's "a minute" is scaled
    down to the time 60 state changes take: nothing here waits on a clock), then started
    again: every event arrives, in order, without a gap; duplicates only with their seq."""
    changes = 60
    with trio.fail_after(TIMEOUT_S * 2):
        fleet = await connect_consumer(
            broker.port, [f"{BASE}/events/#"], client_id="fleet-durable", session=True
        )
        async with uplinked.client() as api:
            await register(api, "CP-M3")
            url = f"{uplinked.endpoints.ocpp_url}/ocpp/CP-M3"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                await status(charger, 1, "Available")
                await fleet.wait_until(
                    lambda: any(m.topic.endswith("status_changed") for m in fleet.received)
                )
                await broker.stop()
                for n in range(changes):
                    # Each one a change of state, so each one is an event.
                    await status(charger, 1, "Preparing" if n % 2 == 0 else "Available")
                head = (await api.get("/api/v1/events", params={"limit": 1})).json()
                newest = head["events"][0]["seq"] if head["events"] else 0
                journal = await api.get("/api/v1/events", params={"limit": 500, "after": 0})
                expected = [e["seq"] for e in journal.json()["events"]]
                await broker.start()

                def all_arrived() -> bool:
                    return set(expected) <= set(seqs(event_messages(fleet)))

                await fleet.wait_until(all_arrived)
        received = seqs(event_messages(fleet))
        first_seen: list[int] = []
        for seq in received:
            if seq not in first_seen:
                first_seen.append(seq)
        assert first_seen[: len(expected)] == expected, "in order, without a gap"
        assert max(expected) >= newest and len(expected) >= changes
        # The durable cursor follows the acknowledgements up to the newest event.
        await uplinked.endpoints.services.uplink.wait_persisted(max(expected))
        with plain_connection(uplinked.database) as conn:
            row = conn.execute("SELECT cursor, active FROM uplink_cursors").fetchone()
        assert row[0] >= max(expected) and row[1] == 1
        await disconnect(fleet)


async def request(
    fleet: Consumer, reply_topic: str, correlation: bytes, payload: dict[str, Any] | str
) -> Received:
    """Send one command request over MQTT 5 and wait for its correlated reply."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    fleet.publish(f"{BASE}/commands", text, response_topic=reply_topic, correlation=correlation)

    def reply() -> Received | None:
        for message in fleet.on(reply_topic):
            if message.correlation == correlation:
                return message
        return None

    found: Received = await fleet.wait_until(reply)
    return found


async def test_a_command_over_mqtt_reaches_the_charger_and_its_answer_comes_back_correlated(
    uplinked: Appliance, broker: Mosquitto
) -> None:
    with trio.fail_after(TIMEOUT_S):
        fleet = await connect_consumer(broker.port, ["fleet/replies/#"], client_id="fleet-cmd")
        async with uplinked.client() as api:
            await register(api, "CP-M4")
            url = f"{uplinked.endpoints.ocpp_url}/ocpp/CP-M4"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                await charger.call("BootNotification", BOOT)
                command = {"command": "reset", "chargeBoxId": "CP-M4", "body": {"type": "Soft"}}
                reply = await request(fleet, "fleet/replies/a", b"req-1", command)
                sent = await charger.next_csms_call("Reset")
                assert sent["payload"] == {"type": "Soft"}
                # A charger's refusal is an answer too, as over REST.
                await charger.respond({"Reset": {"status": "Rejected"}})
                rejected = await request(fleet, "fleet/replies/a", b"req-2", command)
            log = (await api.get("/api/v1/chargers/CP-M4/commands")).json()["commands"]
        assert reply.json() == {
            "success": True,
            "command": "reset",
            "chargeBoxId": "CP-M4",
            "result": {"status": "accepted"},
        }
        assert rejected.json()["result"] == {"status": "rejected"}
        # Audited like a REST command; the key is "mqtt".
        assert [(c["action"], c["apiKeyId"]) for c in log][:2] == [
            ("Reset", "mqtt"),
            ("Reset", "mqtt"),
        ]
        await disconnect(fleet)


async def test_commands_the_settings_do_not_allow_or_that_are_invalid_are_refused(
    uplinked: Appliance, broker: Mosquitto
) -> None:
    """Only `reset` is allowed here: an unlock is refused before anything is sent; bad input
    gets the REST API's VALIDATION_ERROR naming the field; the uplink goes on serving."""
    with trio.fail_after(TIMEOUT_S):
        fleet = await connect_consumer(broker.port, ["fleet/replies/#"], client_id="fleet-no")
        async with uplinked.client() as api:
            await register(api, "CP-M5")
            url = f"{uplinked.endpoints.ocpp_url}/ocpp/CP-M5"
            async with ChargerProcess.start(url) as charger:
                await charger.wait_connected()
                topic = "fleet/replies/b"
                unlock = {"command": "unlock", "chargeBoxId": "CP-M5", "body": {"connectorId": 1}}
                forbidden = (await request(fleet, topic, b"1", unlock)).json()
                bad_type = {"command": "reset", "chargeBoxId": "CP-M5", "body": {"type": "Warm"}}
                invalid = (await request(fleet, topic, b"2", bad_type)).json()
                unknown = {"command": "explode", "chargeBoxId": "CP-M5"}
                no_such = (await request(fleet, topic, b"3", unknown)).json()
                not_json = (await request(fleet, topic, b"4", "{not json")).json()
                elsewhere = {"command": "reset", "chargeBoxId": "CP-NONE", "body": {"type": "Hard"}}
                missing = (await request(fleet, topic, b"5", elsewhere)).json()
                good = {"command": "reset", "chargeBoxId": "CP-M5", "body": {"type": "Hard"}}
                accepted = (await request(fleet, topic, b"6", good)).json()
            log = (await api.get("/api/v1/chargers/CP-M5/commands")).json()["commands"]
        assert forbidden["success"] is False
        assert forbidden["error"]["code"] == "FORBIDDEN"
        assert "mqtt_allowed_commands" in forbidden["error"]["message"]
        assert invalid["error"]["code"] == "VALIDATION_ERROR"
        assert invalid["error"]["message"].startswith("body.type: ")
        assert no_such["error"]["code"] == "VALIDATION_ERROR"
        assert no_such["error"]["message"].startswith("command: unknown command 'explode'")
        assert not_json["error"] == {
            "code": "VALIDATION_ERROR",
            "message": "payload: not valid JSON",
        }
        assert missing["error"] == {"code": "NOT_FOUND", "message": "Charger CP-NONE not found"}
        assert accepted["result"] == {"status": "accepted"}
        # Nothing refused reached the charger: only the allowed Reset is in its command log.
        assert [c["action"] for c in log] == ["Reset"]
        await disconnect(fleet)


async def test_the_last_will_marks_the_site_offline_when_the_box_is_killed(
    tmp_path: Path, broker: Mosquitto
) -> None:
    """The real CLI in a subprocess, killed with SIGKILL: the broker publishes its will."""
    env = {
        **os.environ,
        "CAPACITOR_EDGE_MQTT_URL": broker.url,
        "CAPACITOR_EDGE_SITE_ID": SITE,
        "CAPACITOR_EDGE_MQTT_KEEPALIVE_S": "2",
    }
    with trio.fail_after(TIMEOUT_S):
        fleet = await connect_consumer(broker.port, [f"{BASE}/status"], client_id="fleet-will")
        async with ServerProcess.start(tmp_path / "data", env=env, expect_exit_code=None) as box:

            def site_online() -> bool | None:
                said = fleet.on(f"{BASE}/status")
                return bool(said) and said[-1].json()["online"] is True

            await fleet.wait_until(site_online)
            box.kill()
            await box.process.wait()

            def site_offline() -> bool:
                said = fleet.on(f"{BASE}/status")
                return said[-1].json()["online"] is False

            await fleet.wait_until(site_offline)
        late = await connect_consumer(broker.port, [f"{BASE}/status"], client_id="fleet-late")
        retained = await late.wait_until(lambda: late.on(f"{BASE}/status"))
        assert retained[-1].retain and retained[-1].json()["online"] is False
        await disconnect(fleet)
        await disconnect(late)
