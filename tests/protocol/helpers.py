"""Shared helpers for the protocol tests (synchronous: the core does no I/O)."""

from __future__ import annotations

import json
from typing import Any

from capacitor_edge.protocol import (
    ALL_ACTIONS,
    CallReceived,
    Event,
    OcppSession,
    SchemaRegistry,
    Send,
)

# Compiling every v16 schema takes a moment; one registry serves all tests, as in production.
REGISTRY = SchemaRegistry(ALL_ACTIONS)

HANDLED = frozenset({"BootNotification", "Heartbeat", "StatusNotification", "MeterValues"})
HEARTBEAT = '[2,"hb-1","Heartbeat",{}]'


def new_session() -> OcppSession:
    counter = iter(range(1_000_000_000))
    return OcppSession(REGISTRY, HANDLED, new_unique_id=lambda: f"csms-{next(counter)}")


def only(events: list[Event]) -> Event:
    assert len(events) == 1, events
    return events[0]


def sent_error(events: list[Event]) -> tuple[str, str, str, Any]:
    """(unique id, error code, description, details) of the one CALLERROR the session sent."""
    event = only(events)
    assert isinstance(event, Send), event
    return error_frame(event.text)


def error_frame(text: str) -> tuple[str, str, str, Any]:
    """(unique id, error code, description, details) of a CALLERROR frame."""
    frame = json.loads(text)
    assert frame[0] == 4 and len(frame) == 5, frame
    return frame[1], frame[2], frame[3], frame[4]


def assert_still_works(session: OcppSession) -> None:
    """After any bad input the session goes on: a valid Heartbeat reaches the handler."""
    event = only(session.receive(HEARTBEAT))
    assert event == CallReceived("hb-1", "Heartbeat", {})
