"""The simulated charger's side of a connection, on trio's MockClock: its CALLs matched to their
answers through the shared session, its timeouts, and the run's counters.

The WebSocket is replaced by two in-memory channels (frames to the charger, frames from it):
what is under test is the driver around the sans-IO session, and virtual time needs no sockets.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import trio
import trio.testing

from capacitor_edge.protocol import CallReceived
from capacitor_edge.simulator.charger import schemas
from capacitor_edge.simulator.conversation import CallFailed, Conversation
from capacitor_edge.simulator.link import LinkClosed
from capacitor_edge.simulator.report import Stats

CALL_TIMEOUT_S = 30.0
NOW = "2026-02-06T12:00:00Z"


@dataclass
class Wire:
    conversation: Conversation
    stats: Stats
    to_charger: trio.MemorySendChannel[str]
    from_charger: trio.MemoryReceiveChannel[str]
    calls: list[CallReceived] = field(default_factory=list)

    async def sent(self) -> list[Any]:
        frame: list[Any] = json.loads(await self.from_charger.receive())
        return frame


@asynccontextmanager
async def wire() -> AsyncIterator[Wire]:
    to_charger, charger_in = trio.open_memory_channel[str](10)
    charger_out, from_charger = trio.open_memory_channel[str](10)
    ids = iter(range(1, 1_000))

    async def receive() -> str:
        try:
            return await charger_in.receive()
        except trio.EndOfChannel:
            raise LinkClosed from None

    async def send(text: str) -> None:
        await charger_out.send(text)

    stats = Stats(1)
    conversation = Conversation(
        "CP-1", schemas(), send, stats, CALL_TIMEOUT_S, lambda: str(next(ids))
    )
    result = Wire(conversation, stats, to_charger, from_charger)
    async with trio.open_nursery() as nursery:
        nursery.start_soon(conversation.serve, receive, result.calls.append)
        yield result
        nursery.cancel_scope.cancel()


async def call_in_background(
    nursery: trio.Nursery, conversation: Conversation, action: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Start ``conversation.call`` in a task; the dict gets ``answer`` or ``failed``."""
    outcome: dict[str, Any] = {}
    done = trio.Event()

    async def run() -> None:
        try:
            outcome["answer"] = await conversation.call(action, payload)
        except CallFailed as failed:
            outcome["failed"] = failed
        finally:
            done.set()

    nursery.start_soon(run)
    outcome["done"] = done
    return outcome


async def test_a_call_without_answer_times_out_and_its_late_answer_is_dropped(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(CALL_TIMEOUT_S * 3):
        async with wire() as w, trio.open_nursery() as nursery:
            started = trio.current_time()
            outcome = await call_in_background(nursery, w.conversation, "Heartbeat", {})
            late = await w.sent()
            assert late[:3] == [2, "1", "Heartbeat"]
            await outcome["done"].wait()
            assert str(outcome["failed"]) == "no answer to Heartbeat"
            assert not outcome["failed"].lost
            assert trio.current_time() - started == pytest.approx(CALL_TIMEOUT_S)
            assert w.conversation.session.outstanding is None
            assert w.stats.errors == {"timeout:Heartbeat": 1}

            # The late answer is dropped (and counted); the next call gets its own answer.
            await w.to_charger.send(json.dumps([3, "1", {"currentTime": NOW}]))
            outcome = await call_in_background(nursery, w.conversation, "Heartbeat", {})
            assert (await w.sent())[1] == "2"
            await w.to_charger.send(json.dumps([3, "2", {"currentTime": NOW}]))
            await outcome["done"].wait()
            assert outcome["answer"] == {"currentTime": NOW}
            assert w.stats.errors == {"timeout:Heartbeat": 1, "unexpected-answer": 1}
            assert w.stats.round_trips == 1


async def test_a_callerror_fails_its_call_and_is_counted(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(10):
        async with wire() as w, trio.open_nursery() as nursery:
            outcome = await call_in_background(nursery, w.conversation, "Heartbeat", {})
            unique_id = (await w.sent())[1]
            await w.to_charger.send(
                json.dumps([4, unique_id, "NotImplemented", "no heartbeats here", {}])
            )
            await outcome["done"].wait()
            assert str(outcome["failed"]) == "CALLERROR NotImplemented"
            assert w.stats.call_errors == {"Heartbeat:NotImplemented": 1}
            assert w.stats.round_trips == 1


async def test_a_malformed_answer_ends_its_call_at_once(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(10):
        async with wire() as w, trio.open_nursery() as nursery:
            started = trio.current_time()
            outcome = await call_in_background(nursery, w.conversation, "Heartbeat", {})
            unique_id = (await w.sent())[1]
            await w.to_charger.send(f'[3,"{unique_id}","Accepted"]')
            await outcome["done"].wait()
            assert str(outcome["failed"]).startswith("invalid Heartbeat answer")
            assert trio.current_time() == started  # no wait for the timeout
            assert w.stats.errors == {"invalid-answer:Heartbeat": 1}


async def test_a_lost_connection_fails_the_call_without_counting_it(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(10):
        async with wire() as w, trio.open_nursery() as nursery:
            outcome = await call_in_background(nursery, w.conversation, "Heartbeat", {})
            await w.sent()
            await w.to_charger.aclose()
            await outcome["done"].wait()
            assert outcome["failed"].lost
            assert w.conversation.lost
            assert w.stats.errors == {}
            with pytest.raises(CallFailed, match="offline"):
                await w.conversation.call("Heartbeat", {})


async def test_an_invalid_request_of_ours_is_never_sent(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(10):
        async with wire() as w:
            with pytest.raises(CallFailed, match="invalid Heartbeat payload"):
                await w.conversation.call("Heartbeat", {"extra": 1})
            assert w.stats.errors == {"invalid-request:Heartbeat": 1}
            assert w.conversation.session.outstanding is None


async def test_csms_calls_reach_the_answers_only_when_valid(
    autojump_clock: trio.testing.MockClock,
) -> None:
    with trio.fail_after(10):
        async with wire() as w:
            await w.to_charger.send('[2,"c-1","Reset",{"type":"Warm"}]')
            assert (await w.sent())[:3] == [4, "c-1", "PropertyConstraintViolation"]
            await w.to_charger.send('[2,"c-2","Reset",{"type"')
            assert (await w.sent())[:3] == [4, "c-2", "FormationViolation"]
            await w.to_charger.send('[2,"c-3","Reset",{"type":"Soft"}]')
            await w.to_charger.send('[2,"c-4","BootNotification",{}]')
            assert (await w.sent())[:3] == [4, "c-4", "NotSupported"]
            assert w.calls == [CallReceived("c-3", "Reset", {"type": "Soft"})]
            # Only the frame that could not be parsed counts as an error of the Central System.
            assert w.stats.errors == {"unparseable-frame": 1}
