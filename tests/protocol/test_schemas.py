from __future__ import annotations

from pathlib import Path

import pytest

from capacitor_edge.protocol import (
    ALL_ACTIONS,
    CHARGER_INITIATED,
    CSMS_INITIATED,
    ErrorCode,
    SchemaMissing,
    SchemaRegistry,
    Violation,
)
from capacitor_edge.protocol.schemas import DEFAULT_SCHEMA_DIR
from tests.protocol.helpers import REGISTRY


def test_every_action_has_both_schemas() -> None:
    assert not CHARGER_INITIATED & CSMS_INITIATED
    registry = SchemaRegistry(CHARGER_INITIATED | CSMS_INITIATED)
    assert registry.actions == ALL_ACTIONS
    registry.compile_all()  # every shipped schema compiles
    shipped = {p.stem for p in DEFAULT_SCHEMA_DIR.glob("*.json") if not p.stem.endswith("Response")}
    assert shipped == ALL_ACTIONS


def test_missing_schema_fails_at_construction() -> None:
    with pytest.raises(SchemaMissing, match="FooBar"):
        SchemaRegistry({"Heartbeat", "FooBar"})


def test_missing_response_schema_fails_at_construction(tmp_path: Path) -> None:
    (tmp_path / "Ping.json").write_text('{"type": "object"}')
    with pytest.raises(SchemaMissing, match="PingResponse"):
        SchemaRegistry({"Ping"}, schema_dir=tmp_path)


def test_validating_an_unloaded_action_raises() -> None:
    registry = SchemaRegistry({"Heartbeat"})
    with pytest.raises(SchemaMissing):
        registry.validate_request("Reset", {})
    with pytest.raises(SchemaMissing):
        registry.validate_response("Reset", {})


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"connectorId": 1, "errorCode": "NoError", "status": "Available"}, None),
        (
            {"connectorId": True, "errorCode": "NoError", "status": "Available"},
            Violation(
                ErrorCode.TypeConstraintViolation, "connectorId: True is not of type 'integer'"
            ),
        ),
        (
            {"connectorId": 1, "status": "Available"},
            Violation(
                ErrorCode.OccurenceConstraintViolation, "errorCode: required property is missing"
            ),
        ),
        (
            {"connectorId": 1, "errorCode": "NoError", "status": "Available", "zz": 1},
            Violation(ErrorCode.FormationViolation, "zz: additional property is not allowed"),
        ),
    ],
)
def test_violation_codes(payload: dict[str, object], expected: Violation | None) -> None:
    assert REGISTRY.validate_request("StatusNotification", payload) == expected


def test_validation_never_writes_defaults() -> None:
    payload: dict[str, object] = {
        "connectorId": 1,
        "meterValue": [{"timestamp": "2026-01-01T00:00:00Z", "sampledValue": [{"value": "1"}]}],
    }
    before = repr(payload)
    assert REGISTRY.validate_request("MeterValues", payload) is None
    assert repr(payload) == before


def test_infinite_number_is_a_property_violation() -> None:
    profile = {
        "connectorId": 1,
        "csChargingProfiles": {
            "chargingProfileId": 1,
            "stackLevel": 0,
            "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Absolute",
            "chargingSchedule": {
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": float("inf")}],
            },
        },
    }
    violation = REGISTRY.validate_request("SetChargingProfile", profile)
    assert violation is not None
    assert violation.code == ErrorCode.PropertyConstraintViolation


def test_long_values_are_not_echoed_in_full() -> None:
    payload = {"connectorId": 1, "errorCode": "NoError", "status": "Available", "info": "x" * 5000}
    violation = REGISTRY.validate_request("StatusNotification", payload)
    assert violation is not None
    assert violation.code == ErrorCode.PropertyConstraintViolation
    assert len(violation.description) < 200
