"""What real chargers send that the schemas or the box did not cope with (issue 12, "wire"):
out-of-range integers, negative connector ids, timestamps without a zone or from an unset
clock, orphan stops and meter values, re-stamped StartTransaction replays, and the charger's
last sign of life. Over a real OCPP socket; what is committed is read from a second, plain
sqlite3 connection after each answer."""

from __future__ import annotations

from typing import Any

import trio
from trio_websocket import WebSocketConnection

from capacitor_edge import metrics
from tests.conftest import Appliance
from tests.ocpp.helpers import call, charger_socket, register
from tests.ocpp.test_charging_sessions import (
    TIMEOUT_S,
    api_transaction,
    booted,
    count,
    error_code,
    result,
    rows,
    start,
    start_payload,
)
from tests.ocpp.test_listener import wait_online

TOO_BIG = 2**63  # one past SQLite's INTEGER
CHARGERS = "/api/v1/chargers"
AN_HOUR_AGO = "2026-02-06T11:00:00Z"


def sample(timestamp: str, value: str = "1500") -> dict[str, Any]:
    return {"timestamp": timestamp, "sampledValue": [{"value": value}]}


async def details(appliance: Appliance, charge_box_id: str = "CP-1") -> dict[str, Any]:
    async with appliance.client() as client:
        response = await client.get(f"{CHARGERS}/{charge_box_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def counter(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


# -- 1 and 2: integers outside 64 bits, connector ids below the spec's minimum ----------------

OUT_OF_RANGE: list[tuple[str, dict[str, Any]]] = [
    ("StartTransaction", start_payload() | {"connectorId": TOO_BIG}),
    ("StartTransaction", start_payload() | {"meterStart": TOO_BIG}),
    ("StartTransaction", start_payload() | {"reservationId": TOO_BIG}),
    (
        "StopTransaction",
        {"transactionId": TOO_BIG, "meterStop": 1, "timestamp": AN_HOUR_AGO},
    ),
    (
        "StopTransaction",
        {"transactionId": 1, "meterStop": TOO_BIG, "timestamp": AN_HOUR_AGO},
    ),
    (
        "StatusNotification",
        {"connectorId": TOO_BIG, "errorCode": "NoError", "status": "Available"},
    ),
    (
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": TOO_BIG,
            "meterValue": [sample(AN_HOUR_AGO)],
        },
    ),
    ("MeterValues", {"connectorId": -TOO_BIG - 1, "meterValue": [sample(AN_HOUR_AGO)]}),
]


async def test_out_of_range_integers_are_refused_and_other_chargers_go_on(
    appliance: Appliance,
) -> None:
    """Refused at validation with PropertyConstraintViolation (not InternalError from inside the
    group commit): nothing of them is stored, and another charger's writes, interleaved with
    them in the same batches, all commit."""
    answers: list[str] = []
    statuses = 30

    async def bad_charger(ws: WebSocketConnection) -> None:
        for _ in range(3):
            for action, payload in OUT_OF_RANGE:
                answers.append(error_code(await call(ws, action, payload)))

    async def good_charger(ws: WebSocketConnection) -> None:
        for n in range(statuses):
            status = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
            stamp = f"2026-02-06T11:00:{n:02d}Z"
            answer = await call(ws, "StatusNotification", status | {"timestamp": stamp})
            assert result(answer) == {}

    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance, "CP-BAD") as bad, booted(appliance, "CP-GOOD") as good:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(bad_charger, bad)
                nursery.start_soon(good_charger, good)
            assert answers == ["PropertyConstraintViolation"] * (3 * len(OUT_OF_RANGE))
            assert result(await call(bad, "Heartbeat", {})) == {"currentTime": result_time()}
    for table in ("transactions", "meter_values", "orphan_stops"):
        assert count(appliance.database, table) == 0, table
    assert count(appliance.database, "status_notifications") == statuses


def result_time() -> str:
    return "2026-02-06T12:00:00.123Z"  # the appliance's FixedClock


async def test_a_negative_connector_id_is_refused_and_never_stored(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            status = {"connectorId": -1, "errorCode": "NoError", "status": "Available"}
            assert error_code(await call(ws, "StatusNotification", status)) == (
                "PropertyConstraintViolation"
            )
            meter = {"connectorId": -2, "meterValue": [sample(AN_HOUR_AGO)]}
            assert error_code(await call(ws, "MeterValues", meter)) == (
                "PropertyConstraintViolation"
            )
            # StartTransaction.req: "connectorId > 0" (OCPP 1.6 §6.45).
            assert error_code(await call(ws, "StartTransaction", start_payload(connector=0))) == (
                "PropertyConstraintViolation"
            )
            assert result(await call(ws, "StatusNotification", status | {"connectorId": 0})) == {}
            body = await details(appliance)
    assert body["connectors"] == []
    assert body["chargePointStatus"]["status"] == "Available"
    assert count(appliance.database, "status_notifications") == 1
    assert count(appliance.database, "meter_values") == 0


# -- 3: timestamps without a zone ------------------------------------------------------------


async def test_timestamps_without_a_zone_are_read_as_utc_and_counted(
    appliance: Appliance,
) -> None:
    before = counter("capacitor_edge_ocpp_zoneless_timestamps_total")
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws, timestamp="2026-02-06T11:30:00")
            status = {"connectorId": 1, "errorCode": "NoError", "status": "Charging"}
            stamp = "2026-02-06T11:31:00.5"
            answer = await call(ws, "StatusNotification", status | {"timestamp": stamp})
            assert result(answer) == {}
            entries = [sample("2026-02-06T11:40:00"), sample("2026-02-06T11:41:00Z", "1600")]
            meter = {"connectorId": 1, "transactionId": transaction_id, "meterValue": entries}
            assert result(await call(ws, "MeterValues", meter)) == {}
            body = await details(appliance)
            shown = await api_transaction(appliance, transaction_id)
    assert shown["startTime"] == "2026-02-06T11:30:00.000Z"
    assert body["connectors"][0]["lastUpdated"] == "2026-02-06T11:31:00.500Z"
    assert body["quirks"]["zonelessTimestamps"] == 3
    assert body["quirks"]["lastZonelessAt"] == result_time()
    stored = rows(appliance.database, "SELECT timestamp FROM meter_values ORDER BY id")
    assert [r[0] for r in stored] == ["2026-02-06T11:40:00.000Z", "2026-02-06T11:41:00.000Z"]
    assert counter("capacitor_edge_ocpp_zoneless_timestamps_total") - before == 3


# -- 4: a charger clock not set yet ----------------------------------------------------------


async def test_an_unset_charger_clock_does_not_make_the_duration(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            epoch = await start(ws, timestamp="1970-01-01T00:00:00Z")
            active = await api_transaction(appliance, epoch)
            assert (active["clockSuspect"], active["durationMinutes"]) == (True, 0)
            appliance.clock.advance(45 * 60)
            stop = {"transactionId": epoch, "meterStop": 5000, "timestamp": "1970-01-01T00:07:00Z"}
            assert result(await call(ws, "StopTransaction", stop)) == {}
            stopped = await api_transaction(appliance, epoch)

            # Started with a good clock, stopped with one two years ahead.
            ahead = await start(ws, connector=2, timestamp="2026-02-06T12:40:00Z")
            appliance.clock.advance(10 * 60)
            stop = {"transactionId": ahead, "meterStop": 2000, "timestamp": "2028-01-01T00:00:00Z"}
            assert result(await call(ws, "StopTransaction", stop)) == {}
            late = await api_transaction(appliance, ahead)
            normal = await start(ws, connector=3, timestamp="2026-02-06T12:50:00Z")
            fine = await api_transaction(appliance, normal)
    # What the charger sent is kept; the duration is the box's 45 minutes, not 7 (or 56 years).
    assert (stopped["startTime"], stopped["stopTime"]) == (
        "1970-01-01T00:00:00.000Z",
        "1970-01-01T00:07:00.000Z",
    )
    assert (stopped["clockSuspect"], stopped["durationMinutes"]) == (True, 45)
    assert (late["stopTime"], late["clockSuspect"], late["durationMinutes"]) == (
        "2028-01-01T00:00:00.000Z",
        True,
        10,
    )
    assert (fine["clockSuspect"], fine["durationMinutes"]) == (False, 5)


async def test_an_unset_charger_clock_does_not_pin_the_connector_status(
    appliance: Appliance,
) -> None:
    """A charger that once sent a time two years ahead, then had its clock set, must still move
    its connector on; so must one whose clock fell back to 1970. The history keeps what it sent."""
    before = counter("capacitor_edge_ocpp_clock_suspect_timestamps_total")
    status = {"connectorId": 1, "errorCode": "NoError"}
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            ahead = status | {"status": "Preparing", "timestamp": "2028-01-01T00:00:00Z"}
            assert result(await call(ws, "StatusNotification", ahead)) == {}
            appliance.clock.advance(60)
            fixed = status | {"status": "Charging", "timestamp": "2026-02-06T12:01:00Z"}
            assert result(await call(ws, "StatusNotification", fixed)) == {}
            charging = (await details(appliance))["connectors"][0]
            appliance.clock.advance(60)
            epoch = status | {"status": "Finishing", "timestamp": "1970-01-01T00:00:00Z"}
            assert result(await call(ws, "StatusNotification", epoch)) == {}
            finishing = (await details(appliance))["connectors"][0]
    assert charging["status"] == "Charging"
    assert finishing["status"] == "Finishing"
    stored = rows(
        appliance.database, "SELECT status, timestamp FROM status_notifications ORDER BY id"
    )
    assert [tuple(r) for r in stored][-3:] == [
        ("Preparing", "2028-01-01T00:00:00.000Z"),
        ("Charging", "2026-02-06T12:01:00.000Z"),
        ("Finishing", "1970-01-01T00:00:00.000Z"),
    ]
    assert counter("capacitor_edge_ocpp_clock_suspect_timestamps_total") - before == 2


# -- 5: orphan stops and meter values ---------------------------------------------------------


async def test_stops_and_meter_values_for_no_known_transaction_are_answered_and_kept(
    appliance: Appliance,
) -> None:
    orphans_before = counter("capacitor_edge_ocpp_orphan_messages_total", action="MeterValues")
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            for transaction_id in (-1, 0):
                stop = {
                    "transactionId": transaction_id,
                    "idTag": "UNLISTED",
                    "meterStop": 900,
                    "timestamp": AN_HOUR_AGO,
                    "transactionData": [sample("2026-02-06T10:59:00Z", "850")],
                }
                answer = result(await call(ws, "StopTransaction", stop))
                assert answer == {"idTagInfo": {"status": "Accepted"}}
            meter = {
                "connectorId": 2,
                "transactionId": 999,
                "meterValue": [sample(AN_HOUR_AGO)],
            }
            assert result(await call(ws, "MeterValues", meter)) == {}
            body = await details(appliance)
    stops = rows(appliance.database, "SELECT transaction_id, meter_stop FROM orphan_stops")
    assert [tuple(r) for r in stops] == [(-1, 900), (0, 900)]
    kept = rows(
        appliance.database,
        "SELECT transaction_id, claimed_transaction_id, connector_id, value FROM meter_values"
        " ORDER BY id",
    )
    assert [tuple(r) for r in kept] == [
        (None, -1, 0, "850"),
        (None, 0, 0, "850"),
        (None, 999, 2, "1500"),
    ]
    assert body["quirks"]["orphanStops"] == 2
    assert body["quirks"]["orphanMeterValues"] == 1
    after = counter("capacitor_edge_ocpp_orphan_messages_total", action="MeterValues")
    assert after - orphans_before == 1


# -- 6: a StartTransaction replayed with a new timestamp ---------------------------------------


async def test_a_restamped_start_replay_gets_the_same_transaction(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            first = await start(ws, meter_start=1234, timestamp="2026-02-06T11:30:00Z")
        # The charger reconnects (no reboot) and sends the start again, re-stamped.
        async with charger_socket(appliance, "CP-1") as ws:
            again = await start(ws, meter_start=1234, timestamp="2026-02-06T11:58:00Z")
            assert again == first
            # Another reading, or another tag, is another session.
            assert await start(ws, meter_start=1300, timestamp="2026-02-06T11:59:00Z") != first
            assert await start(ws, connector=2, meter_start=1234) != first
    assert count(appliance.database, "transactions") == 3
    shown = await api_transaction(appliance, first)
    assert shown["startTime"] == "2026-02-06T11:30:00.000Z"


# -- 7: the last sign of life ----------------------------------------------------------------


async def test_every_message_is_a_sign_of_life_seen_at_once(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            await register(client, "CP-1")
        async with charger_socket(appliance, "CP-1") as ws:
            boot = {"chargePointVendor": "Vendor", "chargePointModel": "Model"}
            assert result(await call(ws, "BootNotification", boot))["status"] == "Accepted"
            assert (await details(appliance))["lastHeartbeat"] == result_time()
            appliance.clock.advance(60)
            assert result(await call(ws, "Authorize", {"idTag": "ANY"}))["idTagInfo"]
            assert (await details(appliance))["lastHeartbeat"] == "2026-02-06T12:01:00.123Z"
            appliance.clock.advance(60)
            assert result(await call(ws, "Heartbeat", {})) == {
                "currentTime": "2026-02-06T12:02:00.123Z"
            }
            async with appliance.client() as client:
                listed = (await client.get(CHARGERS)).json()["chargers"]
            assert listed[0]["lastHeartbeat"] == "2026-02-06T12:02:00.123Z"
            appliance.clock.advance(60)
            assert result(await call(ws, "Authorize", {"idTag": "ANY"}))["idTagInfo"]
        # Gone: what is stored is the last message's time, not the earlier heartbeat's.
        async with appliance.client() as client:
            await wait_online(client, "CP-1", False)
        stored = rows(appliance.database, "SELECT last_heartbeat FROM chargers")
        assert stored[0][0] == "2026-02-06T12:03:00.123Z"
        assert (await details(appliance))["lastHeartbeat"] == "2026-02-06T12:03:00.123Z"
