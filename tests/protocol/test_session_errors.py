"""Each bad CALL gets the CALLERROR OCPP-J 1.6 §4.2.3 names, and the session goes on."""

from __future__ import annotations

import pytest

from capacitor_edge.protocol import CallReceived, Dropped, ErrorCode, OcppSession
from tests.protocol.helpers import assert_still_works, error_frame, only, sent_error

STATUS_OK = '{"connectorId":1,"errorCode":"NoError","status":"Available"}'


@pytest.mark.parametrize(
    ("frame", "code", "needle"),
    [
        # Formation: not JSON (id still readable), wrong arity, payload/action of the wrong kind,
        # a field the PDU does not define.
        ('[2,"id-1","Heartbeat",{', "FormationViolation", "not valid JSON"),
        ('[2,"id-1","Heartbeat"]', "FormationViolation", "4 elements"),
        ('[2,"id-1","Heartbeat",{},{}]', "FormationViolation", "4 elements"),
        ('[2,"id-1","Heartbeat",[]]', "FormationViolation", "not a JSON object"),
        ('[2,"id-1",7,{}]', "FormationViolation", "action is not a string"),
        ('[2,"id-1","Heartbeat",{"extra":1}]', "FormationViolation", "extra: additional"),
        (f'[2,"{"x" * 37}","Heartbeat",{{}}]', "FormationViolation", "longer than 36"),
        # Type: connectorId must be an integer.
        (
            '[2,"id-1","StatusNotification",'
            '{"connectorId":"x","errorCode":"NoError","status":"Available"}]',
            "TypeConstraintViolation",
            "connectorId: 'x' is not of type 'integer'",
        ),
        # Property: enum, maxLength, date-time format.
        (
            '[2,"id-1","StatusNotification",'
            '{"connectorId":1,"errorCode":"NoError","status":"Bogus"}]',
            "PropertyConstraintViolation",
            "status: 'Bogus'",
        ),
        (
            '[2,"id-1","StatusNotification",'
            '{"connectorId":1,"errorCode":"NoError","status":"Available","info":"'
            + "i" * 51
            + '"}]',
            "PropertyConstraintViolation",
            "info:",
        ),
        (
            '[2,"id-1","StatusNotification",{"connectorId":1,"errorCode":"NoError",'
            '"status":"Available","timestamp":"yesterday"}]',
            "PropertyConstraintViolation",
            "timestamp: 'yesterday'",
        ),
        # Occurrence: a required field is missing; a 1..* list is empty.
        (
            '[2,"id-1","StatusNotification",{"errorCode":"NoError","status":"Available"}]',
            "OccurenceConstraintViolation",
            "connectorId: required",
        ),
        (
            '[2,"id-1","MeterValues",{"connectorId":1,"meterValue":[]}]',
            "OccurenceConstraintViolation",
            "meterValue:",
        ),
        # Unknown MessageTypeId with a readable id.
        ('[5,"id-1","Heartbeat",{}]', "ProtocolError", "MessageTypeId"),
        # An action OCPP 1.6 does not define.
        ('[2,"id-1","FooBar",{}]', "NotImplemented", "FooBar"),
        # A 1.6 charger action this Central System has no handler for.
        ('[2,"id-1","Authorize",{"idTag":"abc"}]', "NotImplemented", "Authorize"),
        # A Central System request sent by a charger.
        ('[2,"id-1","Reset",{"type":"Hard"}]', "NotSupported", "Reset"),
    ],
)
def test_bad_call_gets_one_callerror(
    session: OcppSession, frame: str, code: str, needle: str
) -> None:
    unique_id, got_code, description, details = sent_error(session.receive(frame))
    assert unique_id == (frame.split('"')[1])
    assert got_code == code
    assert needle in description
    assert details == {}
    assert_still_works(session)


def test_nested_field_is_named(session: OcppSession) -> None:
    frame = (
        '[2,"m","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z",'
        '"sampledValue":[{"value":"1","measurand":"Nope"}]}]}]'
    )
    _, code, description, _ = sent_error(session.receive(frame))
    assert code == ErrorCode.PropertyConstraintViolation
    assert description.startswith("meterValue[0].sampledValue[0].measurand: 'Nope'")


def test_valid_call_is_passed_on(session: OcppSession) -> None:
    event = only(session.receive(f'[2,"s1","StatusNotification",{STATUS_OK}]'))
    assert event == CallReceived(
        "s1",
        "StatusNotification",
        {"connectorId": 1, "errorCode": "NoError", "status": "Available"},
    )


@pytest.mark.parametrize(
    "frame",
    [
        "",
        "garbage",
        "{}",
        '{"a":1}',
        "[]",
        "[2]",
        '[2,17,"Heartbeat",{}]',
        "null",
        "[" * 100_000,
        '[2,"\\ud800","Heartbeat",{}]',  # a lone surrogate cannot be echoed back as UTF-8
    ],
)
def test_garbage_without_readable_id_is_dropped(session: OcppSession, frame: str) -> None:
    event = only(session.receive(frame))
    assert isinstance(event, Dropped)
    assert event.unique_id is None
    assert_still_works(session)


def test_reply_builds_callresult(session: OcppSession) -> None:
    call = only(session.receive('[2,"b1","Heartbeat",{}]'))
    assert isinstance(call, CallReceived)
    text = session.reply(call, {"currentTime": "2026-11-02T10:00:00.000Z"})
    assert text == '[3,"b1",{"currentTime":"2026-11-02T10:00:00.000Z"}]'


@pytest.mark.parametrize(
    "payload",
    [
        {},  # currentTime missing
        {"currentTime": "not a time"},
        {"currentTime": "2026-11-02T10:00:00Z", "secret": "Traceback (most recent call last)"},
    ],
)
def test_reply_with_invalid_payload_answers_internal_error(
    session: OcppSession, payload: dict[str, object]
) -> None:
    call = only(session.receive('[2,"b2","Heartbeat",{}]'))
    assert isinstance(call, CallReceived)
    text = session.reply(call, payload)
    unique_id, code, description, details = error_frame(text)
    assert (unique_id, code, details) == ("b2", "InternalError", {})
    for leak in ("Traceback", "currentTime", "secret", "File ", "Error:"):
        assert leak not in description
    assert_still_works(session)


def test_reply_with_unencodable_value_answers_internal_error(session: OcppSession) -> None:
    boot = only(
        session.receive(
            '[2,"b5","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]'
        )
    )
    assert isinstance(boot, CallReceived)
    text = session.reply(
        boot,
        {"status": "Accepted", "currentTime": "2026-11-02T10:00:00Z", "interval": float("nan")},
    )
    assert error_frame(text)[:2] == ("b5", "InternalError")


def test_reply_error(session: OcppSession) -> None:
    call = only(session.receive('[2,"e1","Heartbeat",{}]'))
    assert isinstance(call, CallReceived)
    text = session.reply_error(call.unique_id, ErrorCode.GenericError, "busy")
    assert text == '[4,"e1","GenericError","busy",{}]'
