"""Charging sessions over a real OCPP socket (OCPP 1.6 §4.1, §4.3, §4.7, §4.8, §4.10): what the
charger is answered, and what is committed (checked from a second plain sqlite3 connection after
every CALLRESULT)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import pytest
import trio
from trio_websocket import WebSocketConnection

from tests.conftest import (
    Appliance,
    make_settings,
    plain_connection,
    second_org_key,
    start_appliance,
    stop_appliance,
)
from tests.ocpp.helpers import BOOT, call, charger_socket, register

TIMEOUT_S = 15.0
TRANSACTIONS = "/api/v1/transactions"
ID_TAGS = "/api/v1/id-tags"
#: The appliance's FixedClock "now" is 2026-02-06T12:00:00.123Z.
START_TIME = "2026-02-06T11:30:00.000Z"


# -- helpers ---------------------------------------------------------------------------------


def rows(database: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    """What a second, plain connection sees as committed."""
    with closing(plain_connection(database)) as conn:
        return conn.execute(sql, params).fetchall()


def count(database: Path, table: str) -> int:
    return int(rows(database, f"SELECT COUNT(*) FROM {table}")[0][0])


def transaction_row(database: Path, transaction_id: int) -> sqlite3.Row:
    found = rows(database, "SELECT * FROM transactions WHERE transaction_id = ?", (transaction_id,))
    assert len(found) == 1, f"transaction {transaction_id} not committed"
    return found[0]


def result(frame: list[Any]) -> dict[str, Any]:
    """The payload of a CALLRESULT (fails on a CALLERROR)."""
    assert frame[0] == 3, frame
    payload: dict[str, Any] = frame[2]
    return payload


def error_code(frame: list[Any]) -> str:
    assert frame[0] == 4, frame
    code: str = frame[2]
    return code


@asynccontextmanager
async def booted(
    appliance: Appliance, charge_box_id: str = "CP-1", key: str | None = None
) -> AsyncIterator[WebSocketConnection]:
    """A registered charger, connected and accepted by a BootNotification."""
    async with appliance.client(key) as client:
        await register(client, charge_box_id)
    async with charger_socket(appliance, charge_box_id) as ws:
        assert result(await call(ws, "BootNotification", BOOT))["status"] == "Accepted"
        yield ws


def start_payload(
    connector: int = 1,
    id_tag: str = "TAG-1",
    meter_start: int = 1000,
    timestamp: str = START_TIME,
) -> dict[str, Any]:
    return {
        "connectorId": connector,
        "idTag": id_tag,
        "meterStart": meter_start,
        "timestamp": timestamp,
    }


async def start(ws: WebSocketConnection, **kwargs: Any) -> int:
    answer = result(await call(ws, "StartTransaction", start_payload(**kwargs)))
    transaction_id = answer["transactionId"]
    assert isinstance(transaction_id, int) and not isinstance(transaction_id, bool)
    return transaction_id


def register_value(timestamp: str, value: str, unit: str = "Wh", **extra: str) -> dict[str, Any]:
    return {
        "timestamp": timestamp,
        "sampledValue": [
            {"value": value, "measurand": "Energy.Active.Import.Register", "unit": unit, **extra}
        ],
    }


async def meter(
    ws: WebSocketConnection,
    transaction_id: int | None,
    *entries: dict[str, Any],
    connector: int = 1,
) -> list[Any]:
    payload: dict[str, Any] = {"connectorId": connector, "meterValue": list(entries)}
    if transaction_id is not None:
        payload["transactionId"] = transaction_id
    return await call(ws, "MeterValues", payload)


async def api_transaction(appliance: Appliance, transaction_id: int) -> dict[str, Any]:
    async with appliance.client() as client:
        response = await client.get(f"{TRANSACTIONS}/{transaction_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def api_meter_values(appliance: Appliance, transaction_id: int) -> list[dict[str, Any]]:
    async with appliance.client() as client:
        response = await client.get(f"{TRANSACTIONS}/{transaction_id}/meter-values")
    assert response.status_code == 200, response.text
    values: list[dict[str, Any]] = response.json()["meterValues"]
    return values


@asynccontextmanager
async def running(
    nursery: trio.Nursery, tmp_path: Path, **overrides: Any
) -> AsyncIterator[Appliance]:
    """An appliance with non-default settings (``make_settings`` overrides)."""
    appliance = await start_appliance(nursery, make_settings(tmp_path, **overrides))
    try:
        yield appliance
    finally:
        await stop_appliance(appliance)


# -- authorization -----------------------------------------------------------------------------


async def test_open_mode_accepts_any_tag(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            authorize = result(await call(ws, "Authorize", {"idTag": "NEVER-LISTED"}))
            assert authorize == {"idTagInfo": {"status": "Accepted"}}
            answer = result(await call(ws, "StartTransaction", start_payload(id_tag="ANY")))
            assert answer["idTagInfo"] == {"status": "Accepted"}
            assert (
                transaction_row(appliance.database, answer["transactionId"])["authorization_status"]
                == "Accepted"
            )
            stop = await call(
                ws,
                "StopTransaction",
                {
                    "transactionId": answer["transactionId"],
                    "idTag": "ANY",
                    "meterStop": 2000,
                    "timestamp": "2026-02-06T11:45:00Z",
                },
            )
            assert result(stop) == {"idTagInfo": {"status": "Accepted"}}


#: idTag → (body for POST /id-tags or None, expected idTagInfo)
LIST_CASES: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]] = {
    "GOOD": (
        {"expiryDate": "2027-01-01T00:00:00.000Z", "parentIdTag": "FLEET"},
        {"status": "Accepted", "expiryDate": "2027-01-01T00:00:00.000Z", "parentIdTag": "FLEET"},
    ),
    "PLAIN": ({}, {"status": "Accepted"}),
    "JUST-VALID": (
        {"expiryDate": "2026-02-06T12:00:01.000Z"},
        {"status": "Accepted", "expiryDate": "2026-02-06T12:00:01.000Z"},
    ),
    "UNKNOWN": (None, {"status": "Invalid"}),
    "BLOCKED": ({"blocked": True}, {"status": "Blocked"}),
    "EXPIRED": (
        {"expiryDate": "2026-02-06T11:59:59.000Z", "parentIdTag": "FLEET"},
        {"status": "Expired", "expiryDate": "2026-02-06T11:59:59.000Z", "parentIdTag": "FLEET"},
    ),
    "BLOCKED-EXPIRED": (
        {"blocked": True, "expiryDate": "2020-01-01T00:00:00.000Z"},
        {"status": "Blocked", "expiryDate": "2020-01-01T00:00:00.000Z"},
    ),
}


async def test_list_mode_answers_from_the_id_tag_list(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with running(nursery, tmp_path, authorization_mode="list") as appliance:
            async with appliance.client() as client:
                for tag, (body, _) in LIST_CASES.items():
                    if body is not None:
                        created = await client.post(ID_TAGS, json={"idTag": tag, **body})
                        assert created.status_code == 201, created.text
            async with booted(appliance) as ws:
                for connector, (tag, (_, expected)) in enumerate(LIST_CASES.items(), start=1):
                    authorize = result(await call(ws, "Authorize", {"idTag": tag}))
                    assert authorize == {"idTagInfo": expected}, tag

                    # A refused tag still gets a transactionId (OCPP 1.6 §4.8).
                    started = result(
                        await call(
                            ws, "StartTransaction", start_payload(connector=connector, id_tag=tag)
                        )
                    )
                    assert started["idTagInfo"] == expected, tag
                    transaction_id = started["transactionId"]
                    assert isinstance(transaction_id, int)
                    row = transaction_row(appliance.database, transaction_id)
                    assert row["authorization_status"] == expected["status"]
                    shown = await api_transaction(appliance, transaction_id)
                    assert shown["authorizationStatus"] == expected["status"], tag
                    assert shown["idTag"] == tag

                    stopped = result(
                        await call(
                            ws,
                            "StopTransaction",
                            {
                                "transactionId": transaction_id,
                                "idTag": tag,
                                "meterStop": 1000,
                                "timestamp": "2026-02-06T11:31:00.000Z",
                                "reason": "DeAuthorized",
                            },
                        )
                    )
                    assert stopped == {"idTagInfo": expected}, tag
                    assert transaction_row(appliance.database, transaction_id)["status"] == (
                        "completed"
                    )


async def test_list_mode_follows_changes_to_the_list(nursery: trio.Nursery, tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with (
            running(nursery, tmp_path, authorization_mode="list") as appliance,
            appliance.client() as client,
            booted(appliance) as ws,
        ):
            authorize = {"idTag": "LATER"}
            assert result(await call(ws, "Authorize", authorize)) == {
                "idTagInfo": {"status": "Invalid"}
            }
            await client.post(ID_TAGS, json={"idTag": "LATER"})
            assert result(await call(ws, "Authorize", authorize)) == {
                "idTagInfo": {"status": "Accepted"}
            }
            await client.patch(f"{ID_TAGS}/LATER", json={"blocked": True})
            assert result(await call(ws, "Authorize", authorize)) == {
                "idTagInfo": {"status": "Blocked"}
            }
            await client.delete(f"{ID_TAGS}/LATER")
            assert result(await call(ws, "Authorize", authorize)) == {
                "idTagInfo": {"status": "Invalid"}
            }


async def test_list_mode_uses_the_chargers_organisation(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    """A tag on another organisation's list does not authorize on this organisation's charger."""
    with trio.fail_after(TIMEOUT_S):
        async with running(nursery, tmp_path, authorization_mode="list") as appliance:
            other_key = await second_org_key(appliance)
            async with appliance.client(other_key) as theirs:
                assert (await theirs.post(ID_TAGS, json={"idTag": "THEIRS"})).status_code == 201
            async with booted(appliance, "MINE-1") as ws:
                assert result(await call(ws, "Authorize", {"idTag": "THEIRS"})) == {
                    "idTagInfo": {"status": "Invalid"}
                }
            async with booted(appliance, "THEIRS-1", key=other_key) as ws:
                assert result(await call(ws, "Authorize", {"idTag": "THEIRS"})) == {
                    "idTagInfo": {"status": "Accepted"}
                }


# -- StartTransaction ------------------------------------------------------------------------


async def test_start_transaction_ids_are_unique_and_replays_are_recognised(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            first = await start(ws, connector=1)
            row = transaction_row(appliance.database, first)  # committed before the answer
            assert row["status"] == "active"
            assert row["meter_start"] == 1000
            assert row["start_time"] == START_TIME
            assert row["id"].startswith("txn_")

            second = await start(ws, connector=2, id_tag="TAG-2")
            other_meter = await start(ws, connector=1, meter_start=1001)
            assert len({first, second, other_meter}) == 3
            assert count(appliance.database, "transactions") == 3

            # The charger did not get our answer and sends the same message again.
            assert await start(ws, connector=1) == first
            assert await start(ws, connector=2, id_tag="TAG-2") == second
            assert count(appliance.database, "transactions") == 3
            assert transaction_row(appliance.database, first)["id"] == row["id"]


async def test_charger_details_show_the_active_transaction(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client, booted(appliance) as ws:
            for connector in (1, 2):
                status = {"connectorId": connector, "status": "Available", "errorCode": "NoError"}
                result(await call(ws, "StatusNotification", status))
            transaction_id = await start(ws, connector=2)
            details = (await client.get("/api/v1/chargers/CP-1")).json()
            by_connector = {c["connectorId"]: c["transactionId"] for c in details["connectors"]}
            assert by_connector == {1: None, 2: transaction_id}

            result(
                await call(
                    ws,
                    "StopTransaction",
                    {
                        "transactionId": transaction_id,
                        "meterStop": 1500,
                        "timestamp": "2026-02-06T11:50:00.000Z",
                    },
                )
            )
            details = (await client.get("/api/v1/chargers/CP-1")).json()
            assert [c["transactionId"] for c in details["connectors"]] == [None, None]


# -- MeterValues ------------------------------------------------------------------------------

FULL_SAMPLES = [
    {
        "value": "12.345",
        "context": "Sample.Periodic",
        "format": "Raw",
        "measurand": "Energy.Active.Import.Register",
        "location": "Outlet",
        "unit": "kWh",
    },
    {
        "value": "16.1",
        "context": "Sample.Periodic",
        "measurand": "Current.Import",
        "phase": "L1",
        "location": "Outlet",
        "unit": "A",
    },
    {
        "value": "230.5",
        "measurand": "Voltage",
        "phase": "L1-N",
        "location": "Inlet",
        "unit": "V",
    },
]
#: Every optional field left out: the measurand defaults to the energy register (§7.31).
BARE_SAMPLE = {"value": "12350"}


async def test_meter_values_with_a_transaction_are_all_stored(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws, meter_start=12000)
            answer = await meter(
                ws,
                transaction_id,
                {"timestamp": "2026-02-06T11:45:00+01:00", "sampledValue": FULL_SAMPLES},
                {"timestamp": "2026-02-06T11:46:00+01:00", "sampledValue": [BARE_SAMPLE]},
            )
            assert result(answer) == {}
            stored = rows(
                appliance.database,
                "SELECT transaction_id, connector_id, timestamp, measurand, phase, unit, context,"
                " location, format, value, value_wh FROM meter_values ORDER BY id",
            )
            assert [dict(r) for r in stored] == [
                {
                    "transaction_id": transaction_id,
                    "connector_id": 1,
                    "timestamp": "2026-02-06T10:45:00.000Z",
                    "measurand": "Energy.Active.Import.Register",
                    "phase": None,
                    "unit": "kWh",
                    "context": "Sample.Periodic",
                    "location": "Outlet",
                    "format": "Raw",
                    "value": "12.345",
                    "value_wh": 12345.0,
                },
                {
                    "transaction_id": transaction_id,
                    "connector_id": 1,
                    "timestamp": "2026-02-06T10:45:00.000Z",
                    "measurand": "Current.Import",
                    "phase": "L1",
                    "unit": "A",
                    "context": "Sample.Periodic",
                    "location": "Outlet",
                    "format": None,
                    "value": "16.1",
                    "value_wh": None,
                },
                {
                    "transaction_id": transaction_id,
                    "connector_id": 1,
                    "timestamp": "2026-02-06T10:45:00.000Z",
                    "measurand": "Voltage",
                    "phase": "L1-N",
                    "unit": "V",
                    "context": None,
                    "location": "Inlet",
                    "format": None,
                    "value": "230.5",
                    "value_wh": None,
                },
                {
                    "transaction_id": transaction_id,
                    "connector_id": 1,
                    "timestamp": "2026-02-06T10:46:00.000Z",
                    "measurand": "Energy.Active.Import.Register",
                    "phase": None,
                    "unit": None,
                    "context": None,
                    "location": None,
                    "format": None,
                    "value": "12350",
                    "value_wh": 12350.0,
                },
            ]

            shown = await api_meter_values(appliance, transaction_id)
            assert [
                (v["measurand"], v["phase"], v["unit"], v["context"], v["location"], v["value"])
                for v in shown
            ] == [
                (
                    "Energy.Active.Import.Register",
                    None,
                    "kWh",
                    "Sample.Periodic",
                    "Outlet",
                    "12.345",
                ),
                ("Current.Import", "L1", "A", "Sample.Periodic", "Outlet", "16.1"),
                ("Voltage", "L1-N", "V", None, "Inlet", "230.5"),
                ("Energy.Active.Import.Register", None, None, None, None, "12350"),
            ]
            assert [v["valueWh"] for v in shown] == [12345.0, None, None, 12350.0]
            assert [v["timestamp"] for v in shown] == 3 * ["2026-02-06T10:45:00.000Z"] + [
                "2026-02-06T10:46:00.000Z"
            ]
            assert {v["connectorId"] for v in shown} == {1}

            # Energy so far, from the newest register reading (12350 Wh - 12000 Wh).
            assert (await api_transaction(appliance, transaction_id))["energyDelivered"] == 0.35


async def test_meter_values_without_a_transaction_are_stored(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            answer = await meter(
                ws,
                None,
                register_value("2026-02-06T11:00:00Z", "1.5", unit="kWh"),
                {
                    "timestamp": "2026-02-06T11:01:00Z",
                    "sampledValue": [
                        {"value": "7200", "measurand": "Power.Active.Import", "unit": "W"}
                    ],
                },
                connector=2,
            )
            assert result(answer) == {}
            stored = rows(
                appliance.database,
                "SELECT transaction_id, connector_id, timestamp, measurand, unit, value, value_wh"
                " FROM meter_values ORDER BY id",
            )
            assert [tuple(r) for r in stored] == [
                (
                    None,
                    2,
                    "2026-02-06T11:00:00.000Z",
                    "Energy.Active.Import.Register",
                    "kWh",
                    "1.5",
                    1500.0,
                ),
                (None, 2, "2026-02-06T11:01:00.000Z", "Power.Active.Import", "W", "7200", None),
            ]


@pytest.mark.parametrize("bad", ["abc", "", "12,5", "NaN", "Infinity", "1e"])
async def test_non_numeric_value_is_a_property_constraint_violation(
    appliance: Appliance, bad: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws)
            answer = await meter(
                ws,
                transaction_id,
                {
                    "timestamp": "2026-02-06T11:40:00Z",
                    "sampledValue": [
                        {"value": "2000", "unit": "Wh"},
                        {"value": bad, "measurand": "Current.Import", "unit": "A"},
                    ],
                },
            )
            assert error_code(answer) == "PropertyConstraintViolation"
            # Nothing of the rejected message is stored, not even its good value.
            assert count(appliance.database, "meter_values") == 0
            # The session goes on.
            assert (
                result(
                    await meter(ws, transaction_id, register_value("2026-02-06T11:41:00Z", "2500"))
                )
                == {}
            )
            assert count(appliance.database, "meter_values") == 1


async def test_python_only_number_forms_are_not_decimal_numbers(appliance: Appliance) -> None:
    """OCPP 1.6 §7.31: a Raw value is a decimal number. Python's Decimal also reads '1_000'
    (digit grouping) and non-ASCII digits such as Arabic-Indic '١٢'; a charger sending those is
    not sending a decimal number."""
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws)
            answers = {}
            for bad in ("1_000", "\u0661\u0662"):
                answer = await meter(
                    ws, transaction_id, register_value("2026-02-06T11:40:00Z", bad)
                )
                answers[bad] = answer[2] if answer[0] == 4 else "CALLRESULT"
            assert answers == {
                "1_000": "PropertyConstraintViolation",
                "\u0661\u0662": "PropertyConstraintViolation",
            }
            assert count(appliance.database, "meter_values") == 0


async def test_a_number_instead_of_a_string_is_a_type_constraint_violation(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws)
            answer = await call(
                ws,
                "MeterValues",
                {
                    "connectorId": 1,
                    "transactionId": transaction_id,
                    "meterValue": [
                        {"timestamp": "2026-02-06T11:40:00Z", "sampledValue": [{"value": 2000}]}
                    ],
                },
            )
            assert error_code(answer) == "TypeConstraintViolation"
            assert count(appliance.database, "meter_values") == 0
            assert "currentTime" in result(await call(ws, "Heartbeat", {}))
            assert (
                result(
                    await meter(ws, transaction_id, register_value("2026-02-06T11:41:00Z", "2000"))
                )
                == {}
            )
            assert count(appliance.database, "meter_values") == 1


async def test_meter_values_cannot_touch_another_chargers_transaction(
    appliance: Appliance,
) -> None:
    """A charger's MeterValues naming a transactionId that belongs to another charger must not
    be filed under, or change the energy of, that other charger's session."""
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance, "CP-A") as ws_a, booted(appliance, "CP-B") as ws_b:
            theirs = await start(ws_a, meter_start=1000)
            assert (
                result(await meter(ws_a, theirs, register_value("2026-02-06T11:40:00Z", "3000")))
                == {}
            )
            before = await api_transaction(appliance, theirs)
            assert before["energyDelivered"] == 2.0

            # CP-B names CP-A's transaction (a bug in CP-B, or a stale id after a reset).
            answer = await meter(ws_b, theirs, register_value("2026-02-06T11:50:00Z", "999999"))
            assert answer[0] in (3, 4)

            after = await api_transaction(appliance, theirs)
            assert after["energyDelivered"] == 2.0, after
            shown = await api_meter_values(appliance, theirs)
            assert [v["value"] for v in shown] == ["3000"], shown


async def test_meter_values_for_an_unissued_transaction_do_not_join_a_later_one(
    appliance: Appliance,
) -> None:
    """MeterValues naming a transactionId this box has not issued (yet) are stored, but must
    not turn up as meter values of the transaction that later gets that number."""
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            # transactionIds start at 1 on a fresh box: name the next one before it exists.
            stale = await meter(ws, 1, register_value("2026-02-06T09:00:00Z", "999999"))
            assert stale[0] in (3, 4)
            transaction_id = await start(ws, meter_start=1000)
            assert transaction_id == 1
            assert await api_meter_values(appliance, transaction_id) == []
            assert (await api_transaction(appliance, transaction_id))["energyDelivered"] in (
                None,
                0.0,
            )


# -- StopTransaction ------------------------------------------------------------------------


async def test_stop_transaction_is_stored_and_a_second_stop_changes_nothing(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws, meter_start=1000)
            stop = {
                "transactionId": transaction_id,
                "meterStop": 6000,
                "timestamp": "2026-02-06T11:45:30Z",
                "reason": "EVDisconnected",
                "transactionData": [
                    {
                        "timestamp": "2026-02-06T11:30:00Z",
                        "sampledValue": [
                            {"value": "1000", "context": "Transaction.Begin", "unit": "Wh"}
                        ],
                    },
                    {
                        "timestamp": "2026-02-06T11:45:30Z",
                        "sampledValue": [
                            {"value": "6.0", "context": "Transaction.End", "unit": "kWh"},
                            {"value": "0", "measurand": "Current.Import", "unit": "A"},
                        ],
                    },
                ],
            }
            assert result(await call(ws, "StopTransaction", stop)) == {}
            row = transaction_row(appliance.database, transaction_id)
            assert row["status"] == "completed"
            assert row["meter_stop"] == 6000
            assert row["stop_time"] == "2026-02-06T11:45:30.000Z"
            assert row["stop_reason"] == "EVDisconnected"
            data = rows(
                appliance.database,
                "SELECT timestamp, measurand, context, unit, value, value_wh FROM meter_values"
                " WHERE transaction_id = ? ORDER BY id",
                (transaction_id,),
            )
            assert [tuple(r) for r in data] == [
                (
                    "2026-02-06T11:30:00.000Z",
                    "Energy.Active.Import.Register",
                    "Transaction.Begin",
                    "Wh",
                    "1000",
                    1000.0,
                ),
                (
                    "2026-02-06T11:45:30.000Z",
                    "Energy.Active.Import.Register",
                    "Transaction.End",
                    "kWh",
                    "6.0",
                    6000.0,
                ),
                ("2026-02-06T11:45:30.000Z", "Current.Import", None, "A", "0", None),
            ]
            shown = await api_transaction(appliance, transaction_id)
            assert shown["status"] == "completed"
            assert shown["meterStop"] == 6000
            assert shown["stopTime"] == "2026-02-06T11:45:30.000Z"
            assert shown["stopReason"] == "EVDisconnected"
            assert shown["energyDelivered"] == 5.0
            assert shown["durationMinutes"] == 15

            # A second stop (simulators send one) is answered and changes nothing.
            again = {
                **stop,
                "meterStop": 9000,
                "timestamp": "2026-02-06T11:59:00Z",
                "reason": "Local",
                "idTag": "TAG-1",
            }
            assert result(await call(ws, "StopTransaction", again)) == {
                "idTagInfo": {"status": "Accepted"}
            }
            assert dict(transaction_row(appliance.database, transaction_id)) == dict(row)
            assert count(appliance.database, "meter_values") == 3
            assert count(appliance.database, "orphan_stops") == 0


async def test_stop_without_reason_is_local(appliance: Appliance) -> None:
    """OCPP 1.6 §7.42: reason may be omitted when it is Local."""
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws)
            stop = {
                "transactionId": transaction_id,
                "meterStop": 1000,
                "timestamp": "2026-02-06T11:31:00Z",
            }
            assert result(await call(ws, "StopTransaction", stop)) == {}
            assert transaction_row(appliance.database, transaction_id)["stop_reason"] == "Local"


async def test_stop_for_an_unknown_transaction_is_an_orphan(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance, "CP-A") as ws_a, booted(appliance, "CP-B") as ws_b:
            stop = {
                "transactionId": 424242,
                "idTag": "LOST",
                "meterStop": 777,
                "timestamp": "2026-02-06T10:00:00Z",
                "reason": "PowerLoss",
            }
            assert result(await call(ws_a, "StopTransaction", stop)) == {
                "idTagInfo": {"status": "Accepted"}
            }
            orphans = rows(
                appliance.database,
                "SELECT transaction_id, id_tag, meter_stop, timestamp, reason FROM orphan_stops",
            )
            assert [tuple(r) for r in orphans] == [
                (424242, "LOST", 777, "2026-02-06T10:00:00.000Z", "PowerLoss")
            ]
            assert count(appliance.database, "transactions") == 0

            # A stop naming another charger's transaction is an orphan too, and leaves it alone.
            theirs = await start(ws_b)
            before = dict(transaction_row(appliance.database, theirs))
            assert (
                result(
                    await call(
                        ws_a,
                        "StopTransaction",
                        {
                            "transactionId": theirs,
                            "meterStop": 5,
                            "timestamp": "2026-02-06T11:59:00Z",
                        },
                    )
                )
                == {}
            )
            assert dict(transaction_row(appliance.database, theirs)) == before
            assert count(appliance.database, "orphan_stops") == 2


# -- DataTransfer ------------------------------------------------------------------------------


async def test_data_transfer_is_recorded_and_unknown_vendor(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            answer = await call(
                ws, "DataTransfer", {"vendorId": "AcmeCorp", "messageId": "Hello", "data": "x=1"}
            )
            assert result(answer) == {"status": "UnknownVendorId"}
            stored = rows(
                appliance.database, "SELECT vendor_id, message_id, data FROM data_transfers"
            )
            assert [tuple(r) for r in stored] == [("AcmeCorp", "Hello", "x=1")]
            assert result(await call(ws, "DataTransfer", {"vendorId": "Bare"})) == {
                "status": "UnknownVendorId"
            }
            stored = rows(
                appliance.database,
                "SELECT vendor_id, message_id, data FROM data_transfers ORDER BY id",
            )
            assert [tuple(r) for r in stored][1] == ("Bare", None, None)


async def test_data_transfer_from_a_configured_vendor_is_accepted(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with running(nursery, tmp_path, data_transfer_vendors="AcmeCorp, Other") as appliance:
            async with booted(appliance) as ws:
                for vendor, status in (
                    ("AcmeCorp", "Accepted"),
                    ("Other", "Accepted"),
                    ("Stranger", "UnknownVendorId"),
                ):
                    answer = await call(ws, "DataTransfer", {"vendorId": vendor, "data": "{}"})
                    assert result(answer) == {"status": status}, vendor
                    assert (
                        rows(
                            appliance.database,
                            "SELECT vendor_id FROM data_transfers ORDER BY id DESC LIMIT 1",
                        )[0][0]
                        == vendor
                    )
            assert count(appliance.database, "data_transfers") == 3


# -- the reboot rule ---------------------------------------------------------------------------


async def test_boot_closes_active_transactions_and_the_chargers_stop_wins(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance, "CP-A") as ws, booted(appliance, "CP-B") as ws_b:
            transaction_id = await start(ws, meter_start=1000)
            bystander = await start(ws_b, meter_start=50)
            result(await meter(ws, transaction_id, register_value("2026-02-06T11:40:00Z", "4000")))
            # The newest reading is the last register (kWh, normalised), sent in two messages
            # out of order; per-phase and other measurands do not count.
            result(
                await meter(
                    ws, transaction_id, register_value("2026-02-06T11:50:00Z", "5.25", "kWh")
                )
            )
            result(await meter(ws, transaction_id, register_value("2026-02-06T11:45:00Z", "4500")))
            result(
                await meter(
                    ws,
                    transaction_id,
                    register_value("2026-02-06T11:51:00Z", "99999", phase="L1"),
                    {
                        "timestamp": "2026-02-06T11:52:00Z",
                        "sampledValue": [{"value": "88", "measurand": "Current.Import"}],
                    },
                )
            )

            appliance.clock.advance(30)
            # A reboot comes on a new connection (a Boot on the same one is a trigger).
            async with charger_socket(appliance, "CP-A") as rebooted:
                assert (
                    result(await call(rebooted, "BootNotification", BOOT))["status"] == "Accepted"
                )
                row = transaction_row(appliance.database, transaction_id)
                assert row["status"] == "completed"
                assert row["stop_reason"] == "Reboot"
                assert row["meter_stop"] == 5250
                assert row["stop_time"] == "2026-02-06T12:00:30.123Z"
                shown = await api_transaction(appliance, transaction_id)
                assert shown["status"] == "completed"
                assert shown["stopReason"] == "Reboot"
                assert shown["meterStop"] == 5250
                assert shown["energyDelivered"] == 4.25
                # Another charger's session is not touched by this charger's boot.
                assert transaction_row(appliance.database, bystander)["status"] == "active"

                # After the reboot the charger delivers its queued StopTransaction: it wins.
                real_stop = {
                    "transactionId": transaction_id,
                    "meterStop": 5400,
                    "timestamp": "2026-02-06T11:55:00Z",
                    "reason": "PowerLoss",
                }
                assert result(await call(rebooted, "StopTransaction", real_stop)) == {}
                row = transaction_row(appliance.database, transaction_id)
                assert (row["status"], row["meter_stop"], row["stop_time"], row["stop_reason"]) == (
                    "completed",
                    5400,
                    "2026-02-06T11:55:00.000Z",
                    "PowerLoss",
                )
                shown = await api_transaction(appliance, transaction_id)
                assert shown["energyDelivered"] == 4.4
                assert shown["durationMinutes"] == 25

                # And the charger's report is final: a repeat changes nothing.
                assert (
                    result(
                        await call(rebooted, "StopTransaction", {**real_stop, "meterStop": 9999})
                    )
                    == {}
                )
                assert transaction_row(appliance.database, transaction_id)["meter_stop"] == 5400
                # A further boot does not close it again.
                result(await call(rebooted, "BootNotification", BOOT))
                assert transaction_row(appliance.database, transaction_id)["stop_reason"] == (
                    "PowerLoss"
                )


async def test_boot_with_no_meter_values_stops_at_meter_start(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with booted(appliance) as ws:
            transaction_id = await start(ws, meter_start=3210)
        # The reboot: a new connection and its BootNotification.
        async with charger_socket(appliance, "CP-1") as rebooted:
            result(await call(rebooted, "BootNotification", BOOT))
            row = transaction_row(appliance.database, transaction_id)
            assert (row["status"], row["stop_reason"], row["meter_stop"]) == (
                "completed",
                "Reboot",
                3210,
            )
            assert (await api_transaction(appliance, transaction_id))["energyDelivered"] == 0.0


# -- restart mid-session -----------------------------------------------------------------------


async def test_a_session_survives_an_appliance_restart(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(3 * TIMEOUT_S):
        settings = make_settings(tmp_path)
        first = await start_appliance(nursery, settings)
        key = first.api_key
        try:
            async with booted(first) as ws:
                transaction_id = await start(ws, meter_start=1000)
                for minute, value in ((35, "2000"), (40, "3000")):
                    result(
                        await meter(
                            ws, transaction_id, register_value(f"2026-02-06T11:{minute}:00Z", value)
                        )
                    )
        finally:
            await stop_appliance(first)

        second = await start_appliance(nursery, settings)
        assert second.api_key == ""  # an existing data dir announces no key
        second.api_key = key
        try:
            async with charger_socket(second, "CP-1") as ws:
                result(
                    await meter(ws, transaction_id, register_value("2026-02-06T11:45:00Z", "4000"))
                )
                shown = await api_transaction(second, transaction_id)
                assert shown["status"] == "active"
                assert shown["energyDelivered"] == 3.0
                stop = {
                    "transactionId": transaction_id,
                    "meterStop": 4500,
                    "timestamp": "2026-02-06T11:50:00Z",
                    "transactionData": [
                        register_value("2026-02-06T11:50:00Z", "4500", context="Transaction.End")
                    ],
                }
                assert result(await call(ws, "StopTransaction", stop)) == {}
                shown = await api_transaction(second, transaction_id)
                assert (shown["status"], shown["meterStop"], shown["energyDelivered"]) == (
                    "completed",
                    4500,
                    3.5,
                )
                values = await api_meter_values(second, transaction_id)
                assert [v["value"] for v in values] == ["2000", "3000", "4000", "4500"]
                assert count(second.database, "meter_values") == 4

                # The transactionId sequence continues across the restart.
                following = await start(ws, meter_start=4500, timestamp="2026-02-06T11:55:00Z")
                assert following > transaction_id
        finally:
            await stop_appliance(second)
