from __future__ import annotations

from datetime import UTC, datetime

import pytest

from capacitor_edge.protocol import (
    Call,
    CallError,
    CallResult,
    ErrorCode,
    Unparseable,
    encode_call,
    encode_error,
    encode_result,
    parse_frame,
)


def test_error_codes_use_ocpp_j_16_spelling() -> None:
    assert [str(code) for code in ErrorCode] == [
        "NotImplemented",
        "NotSupported",
        "InternalError",
        "ProtocolError",
        "SecurityError",
        "FormationViolation",
        "PropertyConstraintViolation",
        "OccurenceConstraintViolation",
        "TypeConstraintViolation",
        "GenericError",
    ]


def test_parse_the_three_frame_kinds() -> None:
    assert parse_frame('[2,"1","Heartbeat",{}]') == Call("1", "Heartbeat", {})
    assert parse_frame(' [3, "1", {"a": 1}] ') == CallResult("1", {"a": 1})
    assert parse_frame('[4,"1","NotSupported","d",{"x":2}]') == CallError(
        "1", "NotSupported", "d", {"x": 2}
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", Unparseable("frame is not valid JSON")),
        (
            '[2,"abc",',
            Unparseable("frame is not valid JSON", "abc", ErrorCode.FormationViolation, 2),
        ),
        ('[3,"abc",', Unparseable("frame is not valid JSON", "abc", None, 3)),
        ('{"a":1}', Unparseable("frame is not a JSON array")),
        (
            '[2,"a","Heartbeat",NaN]',
            Unparseable("frame is not valid JSON", "a", ErrorCode.FormationViolation, 2),
        ),
        (
            '["2","a","Heartbeat",{}]',
            Unparseable("MessageTypeId is not an integer", "a", ErrorCode.ProtocolError),
        ),
        ('[7,"a"]', Unparseable("unknown MessageTypeId 7", "a", ErrorCode.ProtocolError)),
    ],
)
def test_unparseable(text: str, expected: Unparseable) -> None:
    assert parse_frame(text) == expected


def test_encoding_is_compact_and_keeps_unicode() -> None:
    assert (
        encode_call("u", "DataTransfer", {"vendorId": "é"})
        == '[2,"u","DataTransfer",{"vendorId":"é"}]'
    )
    assert encode_result("u", {}) == '[3,"u",{}]'
    assert encode_error("u", ErrorCode.GenericError) == '[4,"u","GenericError","",{}]'


def test_encoding_refuses_nan() -> None:
    with pytest.raises(ValueError):
        encode_result("u", {"x": float("nan")})


def test_encoding_refuses_what_the_stdlib_refuses() -> None:
    # orjson would write these (null, an RFC 3339 string); a frame must not carry them.
    with pytest.raises(ValueError):
        encode_result("u", {"x": [1, {"y": float("inf")}]})
    with pytest.raises(TypeError):
        encode_result("u", {"at": datetime(2026, 1, 1, tzinfo=UTC)})


def test_encoding_keeps_nulls_and_int_keys_as_the_stdlib_writes_them() -> None:
    assert encode_result("u", {"a": None, "1": [None]}) == '[3,"u",{"a":null,"1":[null]}]'
    assert encode_call("u", "DataTransfer", {"data": {1: "x"}}) == (
        '[2,"u","DataTransfer",{"data":{"1":"x"}}]'
    )
