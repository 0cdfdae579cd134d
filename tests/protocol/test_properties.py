"""Property tests: `receive` is total, and every readable CALL gets exactly one answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capacitor_edge.protocol import (
    ALL_ACTIONS,
    CallReceived,
    Dropped,
    ErrorCode,
    ErrorReceived,
    Event,
    ResultReceived,
    Send,
    encode_result,
)
from tests.protocol.helpers import new_session

BOUNDED = settings(max_examples=300, deadline=None)

# Ids a session might know about (its own outstanding call is "csms-0"), plus odd ones.
ids = st.one_of(
    st.sampled_from(["csms-0", "hb-1", "", "\ud800", "x" * 37]),
    st.text(max_size=40),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=10), children, max_size=5),
    ),
    max_leaves=20,
)
actions = st.one_of(st.sampled_from(sorted(ALL_ACTIONS | {"FooBar"})), json_values)
frames = st.one_of(
    json_values,
    st.tuples(st.sampled_from([2, 3, 4, 5, 2.0, "2"]), ids, actions, json_values).map(list),
    st.tuples(st.sampled_from([3, 4]), ids, json_values).map(list),
    st.tuples(st.just(4), ids, st.sampled_from(list(ErrorCode)), st.text(), json_values).map(list),
)


def _check_sendable(events: list[Event]) -> None:
    for event in events:
        if isinstance(event, Send):
            event.text.encode("utf-8")  # the transport must be able to put it on the wire
            frame = json.loads(event.text)
            assert frame[0] == 4 and isinstance(frame[1], str) and frame[2] in set(ErrorCode)


@BOUNDED
@given(text=st.text())
def test_receive_never_raises_on_text(text: str) -> None:
    session = new_session()
    _check_sendable(session.receive(text))


@BOUNDED
@given(
    value=frames,
    ascii_only=st.booleans(),
    cut=st.none() | st.integers(min_value=0, max_value=200),
    outstanding=st.booleans(),
)
def test_receive_never_raises_on_json(
    value: Any, ascii_only: bool, cut: int | None, outstanding: bool
) -> None:
    session = new_session()
    if outstanding:
        assert session.start_call("Reset", {"type": "Soft"})[0] == "csms-0"
    text = json.dumps(value, ensure_ascii=ascii_only)
    if cut is not None:
        text = text[:cut]  # broken JSON, often with a readable head
    events = session.receive(text)
    assert len(events) == 1
    _check_sendable(events)
    if isinstance(events[0], ResultReceived | ErrorReceived):
        assert outstanding and session.outstanding is None


@BOUNDED
@given(
    unique_id=st.text(max_size=36),
    action=actions,
    payload=st.one_of(
        json_values,
        st.sampled_from(
            [
                {},
                {"connectorId": 1, "errorCode": "NoError", "status": "Available"},
                {"chargePointVendor": "V", "chargePointModel": "M"},
            ]
        ),
    ),
    answer_with_error=st.booleans(),
)
def test_every_readable_call_gets_exactly_one_answer(
    unique_id: str, action: Any, payload: Any, answer_with_error: bool
) -> None:
    session = new_session()
    events = session.receive(json.dumps([2, unique_id, action, payload]))
    assert len(events) == 1
    event = events[0]
    assert not isinstance(event, Dropped | ResultReceived | ErrorReceived), event
    if isinstance(event, CallReceived):
        assert event.unique_id == unique_id
        if answer_with_error:
            answer = session.reply_error(event.unique_id, ErrorCode.InternalError)
        else:
            answer = session.reply(event, {})  # may be invalid: then it is an InternalError
    else:
        assert isinstance(event, Send)
        answer = event.text
    frame = json.loads(answer)
    assert frame[0] in (3, 4)
    assert frame[1] == unique_id


@BOUNDED
@given(ids, json_values)
def test_encoding_means_what_the_stdlib_encoding_means(unique_id: str, payload: Any) -> None:
    # orjson writes the common frames; whatever it writes must read back as the stdlib's own
    # encoding does, and what the stdlib refuses (lone surrogates aside) stays refused.
    try:
        expected = json.dumps([3, unique_id, payload], ensure_ascii=False, allow_nan=False)
    except ValueError:
        with pytest.raises(ValueError):
            encode_result(unique_id, payload)
        return
    assert json.loads(encode_result(unique_id, payload)) == json.loads(expected)
