"""OCPP-J 1.6 RPC frames: parsing text into frames and encoding frames into text.

A frame is a JSON array whose first element is the MessageTypeId (OCPP-J 1.6 §4.1.3):
2 = CALL `[2, id, action, {payload}]` (§4.2.1), 3 = CALLRESULT `[3, id, {payload}]` (§4.2.2),
4 = CALLERROR `[4, id, errorCode, errorDescription, {errorDetails}]` (§4.2.3).

`parse_frame` is total: every `str` yields a frame or an `Unparseable`, never an exception, because
one charger sending garbage must not take down its session (see DESIGN.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

import orjson

from capacitor_edge.protocol.errors import ErrorCode

CALL: Final = 2
CALLRESULT: Final = 3
CALLERROR: Final = 4

# OCPP-J 1.6 §4.1.4: the message id is a string of at most 36 characters (a UUID fits).
MAX_UNIQUE_ID_LENGTH: Final = 36


@dataclass(frozen=True, slots=True)
class Call:
    unique_id: str
    action: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallResult:
    unique_id: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CallError:
    unique_id: str
    error_code: str  # a charger may send codes outside ErrorCode; keep them verbatim
    description: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Unparseable:
    """A frame that is not a well-formed CALL, CALLRESULT or CALLERROR.

    `error_code` is set when the frame must be answered with a CALLERROR (`unique_id` is then
    set too). It is None when there is nobody to answer: no readable id, or a malformed
    CALLRESULT/CALLERROR, which the spec never answers (a CALLERROR only answers a CALL, §4.2.3).
    `message_type_id` is the MessageTypeId when one could be read.
    """

    reason: str
    unique_id: str | None = None
    error_code: ErrorCode | None = None
    message_type_id: int | None = None


Frame = Call | CallResult | CallError | Unparseable


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259) though Python's json accepts them; they would
    # also make number validation blow up (e.g. `multipleOf` on NaN).
    raise ValueError(f"{name} is not valid JSON")


# The stdlib's decoder and encoder, built once (json.loads/dumps with keyword arguments build a
# new one per call), define what a frame means; orjson only makes the common encoding fast.
# Decoding stays with the stdlib: orjson reads an integer beyond 64 bits as a float (a
# TypeConstraintViolation where the spec's answer is PropertyConstraintViolation), and telling
# those apart cost more than orjson saved (measured: 1.6 us per StatusNotification either way).
_decode = json.JSONDecoder(parse_constant=_reject_constant).decode
_encode_exactly = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode

#: Types orjson would write but the stdlib refuses (a datetime, a dataclass) or writes otherwise
#: (a str or int subclass): left to the stdlib, through ``_refuse``.
_ORJSON_OPTIONS: Final = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is left to the stdlib encoder")


def _encode(value: Any) -> str:
    """orjson (~6x faster on a frame), else the stdlib: for what orjson refuses, and whenever
    its output has a null (orjson writes NaN and Infinity as null where the stdlib refuses
    them; OCPP 1.6 payloads have no nulls, so this costs nothing on the hot path)."""
    try:
        data = orjson.dumps(value, default=_refuse, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError included
        return _encode_exactly(value)
    if b"null" in data:
        return _encode_exactly(value)
    return data.decode()


# For text that is not valid JSON, recover the id of what looks like `[<type>, "<id>", ...` so a
# broken CALL can still be answered with FormationViolation instead of leaving the charger to time
# out. Escapes inside the id are not worth decoding: such an id counts as unreadable.
_BROKEN_FRAME_HEAD = re.compile(r'\s*\[\s*(\d{1,3})\s*,\s*"([^"\\]{0,36})"')


def brief(value: Any, limit: int = 60) -> str:
    """A bounded, ASCII-safe repr for error descriptions (the charger may have sent megabytes)."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def is_sendable(text: str) -> bool:
    """True if `text` can be put on the wire: json may decode lone surrogates (`"\\ud800"`) that
    UTF-8 cannot encode, and echoing one back would make the transport fail, not the charger."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_frame(text: str) -> Frame:
    try:
        message = _decode(text)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, NaN/Infinity and ints beyond the digit limit;
        # RecursionError covers absurdly nested arrays.
        return _parse_broken(text)
    if type(message) is not list:
        return Unparseable("frame is not a JSON array")
    if len(message) < 2:
        return Unparseable("frame has no unique id")
    unique_id = message[1]
    if type(unique_id) is not str or not is_sendable(unique_id):
        return Unparseable("unique id is not a string")
    type_id = message[0]
    if type(type_id) is not int:
        return Unparseable(
            "MessageTypeId is not an integer", unique_id, ErrorCode.ProtocolError, None
        )
    if type_id == CALL:
        return _parse_call(message, unique_id)
    if type_id == CALLRESULT:
        if len(message) == 3 and type(message[2]) is dict:
            return CallResult(unique_id, message[2])
        return Unparseable("malformed CALLRESULT", unique_id, None, CALLRESULT)
    if type_id == CALLERROR:
        return _parse_call_error(message, unique_id)
    # OCPP-J 1.6 §4.1.3 only says the payload of an unknown message type is to be ignored. We
    # still answer with ProtocolError when the id is readable, so the sender does not wait for a
    # timeout; ProtocolError is the closest 1.6 code (2.0.1 added MessageTypeNotSupported).
    return Unparseable(
        f"unknown MessageTypeId {brief(type_id)}", unique_id, ErrorCode.ProtocolError, None
    )


def _parse_call(message: list[Any], unique_id: str) -> Frame:
    if len(unique_id) > MAX_UNIQUE_ID_LENGTH:
        return Unparseable(
            f"unique id longer than {MAX_UNIQUE_ID_LENGTH} characters",
            unique_id,
            ErrorCode.FormationViolation,
            CALL,
        )
    if len(message) != 4:
        return Unparseable(
            f"CALL must have 4 elements, not {len(message)}",
            unique_id,
            ErrorCode.FormationViolation,
            CALL,
        )
    action = message[2]
    if type(action) is not str:
        return Unparseable(
            "CALL action is not a string", unique_id, ErrorCode.FormationViolation, CALL
        )
    payload = message[3]
    if type(payload) is not dict:
        return Unparseable(
            "CALL payload is not a JSON object", unique_id, ErrorCode.FormationViolation, CALL
        )
    return Call(unique_id, action, payload)


def _parse_call_error(message: list[Any], unique_id: str) -> Frame:
    # Lenient on purpose: a CALLERROR already means failure, and dropping one because a charger
    # left out the (mandatory) description or details would turn a clear error into a timeout.
    error_code = message[2] if len(message) > 2 else None
    if type(error_code) is not str or len(message) > 5:
        return Unparseable("malformed CALLERROR", unique_id, None, CALLERROR)
    description = message[3] if len(message) > 3 and type(message[3]) is str else ""
    details = message[4] if len(message) > 4 and type(message[4]) is dict else {}
    return CallError(unique_id, error_code, description, details)


def _parse_broken(text: str) -> Unparseable:
    head = _BROKEN_FRAME_HEAD.match(text)
    if head is None:
        return Unparseable("frame is not valid JSON")
    type_id = int(head.group(1))
    unique_id = head.group(2)
    if not is_sendable(unique_id):
        # A lone surrogate cannot go back on the wire as UTF-8: the id is unreadable.
        return Unparseable("frame is not valid JSON")
    if type_id in (CALLRESULT, CALLERROR):
        return Unparseable("frame is not valid JSON", unique_id, None, type_id)
    # OCPP-J 1.6 §4.2.3: FormationViolation, the payload "is syntactically incorrect".
    return Unparseable("frame is not valid JSON", unique_id, ErrorCode.FormationViolation, type_id)


def encode_call(unique_id: str, action: str, payload: dict[str, Any]) -> str:
    """`[2, id, action, payload]`; raises TypeError/ValueError if payload is not JSON-able."""
    return _encode([CALL, unique_id, action, payload])


def encode_result(unique_id: str, payload: dict[str, Any]) -> str:
    return _encode([CALLRESULT, unique_id, payload])


def encode_error(
    unique_id: str,
    error_code: ErrorCode,
    description: str = "",
    details: dict[str, Any] | None = None,
) -> str:
    # §4.2.3: description is "" and details {} when there is nothing to say.
    return _encode([CALLERROR, unique_id, str(error_code), description, details or {}])
