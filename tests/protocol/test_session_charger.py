"""The same session in its Charge Point role: it answers the Central System's requests and
starts its own (OCPP 1.6 §4 and §5), one CALL outstanding at a time (OCPP-J 1.6 §4.1.1)."""

from __future__ import annotations

import json

import pytest

from capacitor_edge.protocol import (
    CHARGE_POINT,
    CSMS_SENDABLE,
    CallInProgress,
    CallReceived,
    Dropped,
    ErrorCode,
    ErrorReceived,
    OcppSession,
    ResultReceived,
)
from tests.protocol.helpers import REGISTRY, error_frame, only, sent_error

BOOT = {"chargePointVendor": "Capacitor", "chargePointModel": "Simulator"}
BOOT_ANSWER = {"status": "Accepted", "currentTime": "2026-02-06T12:00:00.000Z", "interval": 300}


@pytest.fixture
def charger() -> OcppSession:
    counter = iter(range(1_000_000_000))
    return OcppSession(
        REGISTRY, CSMS_SENDABLE, new_unique_id=lambda: f"cp-{next(counter)}", role=CHARGE_POINT
    )


def still_answers_reset(session: OcppSession) -> None:
    """After any bad input the session goes on: a valid Reset reaches the behaviour."""
    event = only(session.receive('[2,"r-1","Reset",{"type":"Soft"}]'))
    assert event == CallReceived("r-1", "Reset", {"type": "Soft"})


def test_a_call_it_sends_is_matched_to_its_result(charger: OcppSession) -> None:
    unique_id, text = charger.start_call("BootNotification", BOOT)
    assert json.loads(text) == [2, unique_id, "BootNotification", BOOT]
    assert charger.outstanding == unique_id
    with pytest.raises(CallInProgress):
        charger.start_call("Heartbeat", {})
    event = only(charger.receive(json.dumps([3, unique_id, BOOT_ANSWER])))
    assert event == ResultReceived(unique_id, "BootNotification", BOOT_ANSWER, None)
    assert charger.outstanding is None
    assert charger.start_call("Heartbeat", {})[0] != unique_id


def test_a_result_breaking_the_response_schema_is_reported(charger: OcppSession) -> None:
    unique_id, _ = charger.start_call("Heartbeat", {})
    event = only(charger.receive(f'[3,"{unique_id}",{{}}]'))
    assert isinstance(event, ResultReceived)
    assert event.violation is not None
    assert event.violation.code == ErrorCode.OccurenceConstraintViolation
    assert event.violation.description == "currentTime: required property is missing"


def test_a_callerror_is_matched_to_its_call(charger: OcppSession) -> None:
    sample = {"timestamp": "2026-02-06T12:00:00Z", "sampledValue": [{"value": "abc"}]}
    unique_id, _ = charger.start_call("MeterValues", {"connectorId": 1, "meterValue": [sample]})
    frame = f'[4,"{unique_id}","PropertyConstraintViolation","value: not a number",{{}}]'
    event = only(charger.receive(frame))
    assert event == ErrorReceived(
        unique_id, "MeterValues", "PropertyConstraintViolation", "value: not a number", {}
    )
    assert charger.outstanding is None


def test_a_late_answer_is_dropped_as_a_stray(charger: OcppSession) -> None:
    # The driver gave up on the call (its timeout) and freed the slot.
    unique_id, _ = charger.start_call("Heartbeat", {})
    charger.cancel_call(unique_id)
    event = only(charger.receive(f'[3,"{unique_id}",{{"currentTime":"2026-02-06T12:00:00Z"}}]'))
    assert isinstance(event, Dropped)
    assert event.stray_answer and event.reason.startswith("late answer")
    still_answers_reset(charger)


@pytest.mark.parametrize("frame", ['[3,"nobody",{}]', '[4,"nobody","GenericError","",{}]'])
def test_an_unknown_answer_is_dropped_as_a_stray(charger: OcppSession, frame: str) -> None:
    unique_id, _ = charger.start_call("Heartbeat", {})
    event = only(charger.receive(frame))
    assert isinstance(event, Dropped) and event.stray_answer
    assert charger.outstanding == unique_id  # still waiting for the real answer


def test_a_malformed_frame_is_not_a_stray(charger: OcppSession) -> None:
    event = only(charger.receive('[3,"x"]'))
    assert isinstance(event, Dropped) and not event.stray_answer


def test_a_valid_csms_call_reaches_the_behaviour(charger: OcppSession) -> None:
    payload = {"connectorId": 1, "idTag": "T1"}
    event = only(charger.receive(json.dumps([2, "c-1", "RemoteStartTransaction", payload])))
    assert event == CallReceived("c-1", "RemoteStartTransaction", payload)
    assert isinstance(event, CallReceived)
    assert json.loads(charger.reply(event, {"status": "Accepted"})) == [
        3,
        "c-1",
        {"status": "Accepted"},
    ]


@pytest.mark.parametrize(
    ("frame", "code", "description"),
    [
        (
            '[2,"c-2","Reset",{"type":"Warm"}]',
            "PropertyConstraintViolation",
            "type: 'Warm' must be one of ['Hard', 'Soft']",
        ),
        ('[2,"c-2","Reset",{}]', "OccurenceConstraintViolation", "type: required property"),
        (
            '[2,"c-2","UnlockConnector",{"connectorId":"1"}]',
            "TypeConstraintViolation",
            "connectorId: '1' is not of type 'integer'",
        ),
        (
            '[2,"c-2","ClearCache",{"all":true}]',
            "FormationViolation",
            "all: additional property is not allowed",
        ),
    ],
)
def test_a_csms_call_with_a_bad_payload_gets_the_callerror_the_spec_names(
    charger: OcppSession, frame: str, code: str, description: str
) -> None:
    unique_id, error_code, text, _ = sent_error(charger.receive(frame))
    assert (unique_id, error_code) == ("c-2", code)
    assert text.startswith(description)
    still_answers_reset(charger)


def test_a_charger_request_sent_to_the_charger_is_not_supported(charger: OcppSession) -> None:
    _, code, description, _ = sent_error(charger.receive('[2,"c-3","Heartbeat",{}]'))
    assert code == "NotSupported"
    assert description == "Heartbeat is sent by a Charge Point, not by a Central System"


def test_an_unknown_action_is_not_implemented(charger: OcppSession) -> None:
    _, code, description, _ = sent_error(charger.receive('[2,"c-4","MakeCoffee",{}]'))
    assert (code, description) == ("NotImplemented", "unknown action 'MakeCoffee'")


def test_data_transfer_goes_both_ways(charger: OcppSession) -> None:
    data = {"vendorId": "Capacitor"}
    assert only(charger.receive(json.dumps([2, "c-5", "DataTransfer", data]))) == (
        CallReceived("c-5", "DataTransfer", data)
    )
    unique_id, _ = charger.start_call("DataTransfer", data)
    assert charger.outstanding == unique_id


def test_it_starts_only_charger_requests(charger: OcppSession) -> None:
    with pytest.raises(ValueError, match=r"not an OCPP 1\.6 Charge Point request"):
        charger.start_call("Reset", {"type": "Soft"})
    with pytest.raises(ValueError, match="invalid Heartbeat payload"):
        charger.start_call("Heartbeat", {"extra": 1})
    assert charger.outstanding is None


def test_it_handles_only_central_system_requests() -> None:
    with pytest.raises(ValueError, match="Central System requests"):
        OcppSession(REGISTRY, frozenset({"Heartbeat"}), role=CHARGE_POINT)


def test_an_invalid_answer_of_ours_becomes_internal_error(charger: OcppSession) -> None:
    event = only(charger.receive('[2,"c-6","Reset",{"type":"Hard"}]'))
    assert isinstance(event, CallReceived)
    unique_id, code, description, _ = error_frame(charger.reply(event, {"status": "Maybe"}))
    assert (unique_id, code) == ("c-6", ErrorCode.InternalError)
    assert description == "The Charge Point could not produce a valid response"
