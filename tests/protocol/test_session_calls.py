"""At most one outstanding CSMS-initiated CALL per charger (OCPP-J 1.6 §4.1.1)."""

from __future__ import annotations

import json

import pytest

from capacitor_edge.protocol import (
    CallInProgress,
    Dropped,
    ErrorCode,
    ErrorReceived,
    OcppSession,
    ResultReceived,
    SchemaMissing,
    SchemaRegistry,
    Violation,
)
from tests.protocol.helpers import REGISTRY, assert_still_works, only

RESET = {"type": "Soft"}


def test_start_call_encodes_and_marks_outstanding(session: OcppSession) -> None:
    assert session.outstanding is None
    unique_id, text = session.start_call("Reset", RESET)
    assert json.loads(text) == [2, unique_id, "Reset", RESET]
    assert text == f'[2,"{unique_id}","Reset",{{"type":"Soft"}}]'
    assert session.outstanding == unique_id


def test_second_call_while_outstanding_raises(session: OcppSession) -> None:
    session.start_call("Reset", RESET)
    with pytest.raises(CallInProgress):
        session.start_call("ClearCache", {})


def test_matching_result_frees_slot(session: OcppSession) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    event = only(session.receive(f'[3,"{unique_id}",{{"status":"Accepted"}}]'))
    assert event == ResultReceived(unique_id, "Reset", {"status": "Accepted"}, None)
    assert session.outstanding is None
    session.start_call("ClearCache", {})


def test_matching_error_frees_slot(session: OcppSession) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    event = only(session.receive(f'[4,"{unique_id}","NotSupported","no resets",{{"a":1}}]'))
    assert event == ErrorReceived(unique_id, "Reset", "NotSupported", "no resets", {"a": 1})
    assert session.outstanding is None


def test_callerror_missing_description_and_details_is_accepted(session: OcppSession) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    event = only(session.receive(f'[4,"{unique_id}","GenericError"]'))
    assert event == ErrorReceived(unique_id, "Reset", "GenericError", "", {})


@pytest.mark.parametrize(
    "frame", ['[3,"nobody",{"status":"Accepted"}]', '[4,"nobody","GenericError","",{}]']
)
def test_answer_with_unknown_id_is_dropped(session: OcppSession, frame: str) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    event = only(session.receive(frame))
    assert isinstance(event, Dropped)
    assert event.unique_id == "nobody"
    assert session.outstanding == unique_id  # still waiting for the real answer
    assert_still_works(session)


def test_cancel_then_late_answer_is_dropped(session: OcppSession) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    session.cancel_call(unique_id)
    assert session.outstanding is None
    event = only(session.receive(f'[3,"{unique_id}",{{"status":"Accepted"}}]'))
    assert isinstance(event, Dropped)
    assert event.reason.startswith("late answer")
    assert event.unique_id == unique_id
    next_id, _ = session.start_call("ClearCache", {})
    assert next_id != unique_id


def test_cancel_of_another_id_is_a_no_op(session: OcppSession) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    session.cancel_call("something-else")
    assert session.outstanding == unique_id


def test_response_schema_violation_is_reported(session: OcppSession) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    event = only(session.receive(f'[3,"{unique_id}",{{"status":"Maybe"}}]'))
    assert isinstance(event, ResultReceived)
    assert event.payload == {"status": "Maybe"}
    assert event.violation is not None
    assert event.violation.code == ErrorCode.PropertyConstraintViolation
    assert event.violation.description.startswith("status: 'Maybe'")
    assert session.outstanding is None


def test_malformed_answer_to_outstanding_call_ends_it(session: OcppSession) -> None:
    unique_id, _ = session.start_call("Reset", RESET)
    event = only(session.receive(f'[3,"{unique_id}","Accepted"]'))
    assert event == ResultReceived(
        unique_id, "Reset", {}, Violation(ErrorCode.FormationViolation, "malformed CALLRESULT")
    )
    assert session.outstanding is None


def test_malformed_answer_is_never_answered(session: OcppSession) -> None:
    # A CALLERROR only ever answers a CALL (OCPP-J 1.6 §4.2.3).
    for frame in ('[3,"x"]', '[4,"x",5]', '[3,"x",{'):
        assert isinstance(only(session.receive(frame)), Dropped)


def test_start_call_rejects_bad_payload(session: OcppSession) -> None:
    with pytest.raises(ValueError, match="type: 'Sometimes'"):
        session.start_call("Reset", {"type": "Sometimes"})
    assert session.outstanding is None


def test_start_call_rejects_charger_actions(session: OcppSession) -> None:
    with pytest.raises(ValueError, match="Central System request"):
        session.start_call("Heartbeat", {})


def test_csms_may_send_data_transfer(session: OcppSession) -> None:
    unique_id, _ = session.start_call("DataTransfer", {"vendorId": "acme"})
    event = only(session.receive(f'[3,"{unique_id}",{{"status":"Accepted"}}]'))
    assert isinstance(event, ResultReceived)
    assert event.violation is None


def test_set_charging_profile_decimal_limits(session: OcppSession) -> None:
    # multipleOf 0.1 on a binary float: 21.4 is fine, 21.45 is not (see schemas.py).
    def profile(limit: float) -> dict[str, object]:
        return {
            "connectorId": 1,
            "csChargingProfiles": {
                "chargingProfileId": 1,
                "stackLevel": 0,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Absolute",
                "chargingSchedule": {
                    "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}],
                },
            },
        }

    unique_id, _ = session.start_call("SetChargingProfile", profile(21.4))
    session.cancel_call(unique_id)
    with pytest.raises(ValueError, match="limit"):
        session.start_call("SetChargingProfile", profile(21.45))


def test_session_rejects_unusable_handled_actions() -> None:
    with pytest.raises(ValueError, match="Reset"):
        OcppSession(REGISTRY, frozenset({"Reset"}))
    small = SchemaRegistry({"Heartbeat"})
    with pytest.raises(SchemaMissing):
        OcppSession(small, frozenset({"Heartbeat", "Authorize"}))
