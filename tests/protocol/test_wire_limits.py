"""Limits the OCPP 1.6 field tables state and the shipped JSON schemas leave out (issue 12):
64-bit integers, connectorId ranges, and date-times without a zone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from capacitor_edge.protocol import CallReceived, ErrorCode, OcppSession, SchemaRegistry
from capacitor_edge.protocol.schemas import INT64_MAX, INT64_MIN
from tests.protocol.helpers import REGISTRY, assert_still_works, only, sent_error

TOO_BIG = INT64_MAX + 1  # 9223372036854775808
TIME = "2026-01-01T12:00:00Z"
START = {"connectorId": 1, "idTag": "TAG", "meterStart": 0, "timestamp": TIME}
STOP = {"transactionId": 1, "meterStop": 10, "timestamp": TIME}
STATUS = {"connectorId": 1, "errorCode": "NoError", "status": "Available"}
METER = {
    "connectorId": 1,
    "transactionId": 1,
    "meterValue": [{"timestamp": TIME, "sampledValue": [{"value": "1"}]}],
}
HANDLED = frozenset(
    {"StartTransaction", "StopTransaction", "StatusNotification", "MeterValues", "Heartbeat"}
)


def session() -> OcppSession:
    return OcppSession(REGISTRY, HANDLED)


def call(action: str, payload: dict[str, Any]) -> str:
    return json.dumps([2, "m-1", action, payload])


def with_field(payload: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    return {**payload, field: value}


@pytest.mark.parametrize(
    ("action", "payload", "field"),
    [
        ("StartTransaction", START, "connectorId"),
        ("StartTransaction", START, "meterStart"),
        ("StartTransaction", START, "reservationId"),
        ("StopTransaction", STOP, "transactionId"),
        ("StopTransaction", STOP, "meterStop"),
        ("StatusNotification", STATUS, "connectorId"),
        ("MeterValues", METER, "connectorId"),
        ("MeterValues", METER, "transactionId"),
    ],
)
@pytest.mark.parametrize("value", [TOO_BIG, INT64_MIN - 1, 10**40])
def test_an_integer_outside_64_bits_is_a_property_constraint_violation(
    action: str, payload: dict[str, Any], field: str, value: int
) -> None:
    if value < 0 and field == "connectorId":
        value = INT64_MIN - 1  # still refused, whatever rule says so first
    ocpp = session()
    unique_id, code, description, _ = sent_error(
        ocpp.receive(call(action, with_field(payload, field, value)))
    )
    assert (unique_id, code) == ("m-1", ErrorCode.PropertyConstraintViolation)
    assert description.startswith(f"{field}: ")
    assert_still_works(ocpp)


def test_every_integer_of_every_schema_is_bounded() -> None:
    """Generic, not a list of names: a nested integer of a Central System request too."""
    profile = {
        "connectorId": 1,
        "csChargingProfiles": {
            "chargingProfileId": TOO_BIG,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Absolute",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}],
            },
        },
    }
    violation = REGISTRY.validate_request("SetChargingProfile", profile)
    assert violation is not None
    assert violation.code == ErrorCode.PropertyConstraintViolation
    assert violation.description.startswith("csChargingProfiles.chargingProfileId: ")
    answer = {"status": "Accepted", "connectorId": TOO_BIG}
    violation = REGISTRY.validate_response("GetCompositeSchedule", answer)
    assert violation is not None and violation.code == ErrorCode.PropertyConstraintViolation


@pytest.mark.parametrize("value", [INT64_MAX, INT64_MIN])
def test_the_64_bit_limits_themselves_are_accepted(value: int) -> None:
    payload = with_field(STOP, "meterStop", value)
    event = only(session().receive(call("StopTransaction", payload)))
    assert event == CallReceived("m-1", "StopTransaction", payload)


@pytest.mark.parametrize("transaction_id", [-1, 0])
def test_stop_transaction_for_no_transaction_is_accepted(transaction_id: int) -> None:
    payload = with_field(STOP, "transactionId", transaction_id)
    event = only(session().receive(call("StopTransaction", payload)))
    assert event == CallReceived("m-1", "StopTransaction", payload)


@pytest.mark.parametrize(
    ("action", "payload", "lowest"),
    [("StatusNotification", STATUS, 0), ("MeterValues", METER, 0), ("StartTransaction", START, 1)],
)
def test_connector_id_below_the_spec_minimum_is_refused(
    action: str, payload: dict[str, Any], lowest: int
) -> None:
    ocpp = session()
    accepted = with_field(payload, "connectorId", lowest)
    assert only(ocpp.receive(call(action, accepted))) == CallReceived("m-1", action, accepted)
    _, code, description, _ = sent_error(
        ocpp.receive(call(action, with_field(payload, "connectorId", lowest - 1)))
    )
    assert code == ErrorCode.PropertyConstraintViolation
    assert description == f"connectorId: {lowest - 1} must be bigger than or equal to {lowest}"
    assert_still_works(ocpp)


@pytest.mark.parametrize(
    "timestamp",
    ["2026-01-01T12:00:00", "2026-01-01T12:00:00.5", "2026-01-01t12:00:00+0100", TIME],
)
def test_a_date_time_without_a_zone_is_accepted(timestamp: str) -> None:
    payload = with_field(START, "timestamp", timestamp)
    event = only(session().receive(call("StartTransaction", payload)))
    assert event == CallReceived("m-1", "StartTransaction", payload)


@pytest.mark.parametrize(
    "timestamp", ["2026-01-01", "2026-13-01T12:00:00", "2026-01-01T25:00:00", "12:00:00Z", "x"]
)
def test_a_date_time_still_needs_a_date_and_a_time(timestamp: str) -> None:
    _, code, _, _ = sent_error(
        session().receive(call("StartTransaction", with_field(START, "timestamp", timestamp)))
    )
    assert code == ErrorCode.PropertyConstraintViolation


def test_a_fresh_registry_compiles_every_tightened_schema() -> None:
    registry = SchemaRegistry(HANDLED)
    registry.compile_all()
    assert registry.validate_request("StatusNotification", STATUS) is None
