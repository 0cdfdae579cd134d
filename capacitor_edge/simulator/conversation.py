"""One connection's OCPP-J exchange, seen from the charger: the sans-IO session of `protocol/`
in its Charge Point role, driven from Trio.

The session matches answers to calls, validates both ways and answers bad frames; this module
adds what needs time and I/O: one CALL at a time behind a FIFO lock (OCPP-J 1.6 §4.1.1), the
wait for its answer with the call timeout, and the run's counters. A new connection gets a new
conversation; unique ids keep counting across them (the charger's ``new_unique_id``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import trio

from capacitor_edge.protocol import (
    CHARGE_POINT,
    CSMS_SENDABLE,
    CallReceived,
    Dropped,
    ErrorReceived,
    OcppSession,
    ResultReceived,
    SchemaRegistry,
)
from capacitor_edge.simulator.link import LinkClosed
from capacitor_edge.simulator.report import Stats

log = logging.getLogger("capacitor_edge.simulator")


class CallFailed(Exception):
    """A CALL of ours got no usable answer. ``lost``: the connection went away meanwhile."""

    def __init__(self, reason: str, *, lost: bool = False) -> None:
        super().__init__(reason)
        self.lost = lost


@dataclass
class _Waiter:
    unique_id: str
    done: trio.Event = field(default_factory=trio.Event)
    answer: ResultReceived | ErrorReceived | None = None


class Conversation:
    """Build one per connection with the link's ``send``; run :meth:`serve` with its
    ``receive``; make CALLs with :meth:`call` from any task."""

    def __init__(
        self,
        name: str,
        schemas: SchemaRegistry,
        send: Callable[[str], Awaitable[None]],
        stats: Stats,
        call_timeout_s: float,
        new_unique_id: Callable[[], str],
    ) -> None:
        self.name = name
        # Every Central System request reaches the charger's answers once it is valid, so a bad
        # payload gets its schema CALLERROR even for a command outside SupportedFeatureProfiles
        # (which the answers then refuse with NotSupported).
        self.session = OcppSession(schemas, CSMS_SENDABLE, new_unique_id, role=CHARGE_POINT)
        self._send = send
        self._stats = stats
        self._call_timeout_s = call_timeout_s
        self._lock = trio.Lock()  # fair: our CALLs go out in the order they were asked for
        self._waiter: _Waiter | None = None
        self.lost = False
        self._closing = False

    # -- frames in ---------------------------------------------------------------------------

    async def serve(
        self, receive: Callable[[], Awaitable[str]], on_call: Callable[[CallReceived], None]
    ) -> None:
        """Read frames until the connection goes; ``on_call`` gets each valid Central System
        CALL and must answer it in its own task (an answer may first need a CALL of ours)."""
        session = self.session
        try:
            while True:
                for event in session.receive(await receive()):
                    if isinstance(event, CallReceived):
                        on_call(event)
                    elif isinstance(event, ResultReceived | ErrorReceived):
                        waiter = self._waiter
                        # The session matched the id: it is the waiter's unless that gave up.
                        if waiter is not None and waiter.unique_id == event.unique_id:
                            waiter.answer = event
                            waiter.done.set()
                    elif isinstance(event, Dropped):
                        label = "unexpected-answer" if event.stray_answer else "unparseable-frame"
                        self._stats.errors[label] += 1
                    else:  # Send: the session's own CALLERROR for a bad frame
                        if event.action is None:
                            self._stats.errors["unparseable-frame"] += 1
                        await self._send(event.text)
        except LinkClosed:
            pass
        finally:
            self.lost = True
            waiter = self._waiter
            if waiter is not None:
                waiter.done.set()

    async def answer(self, text: str) -> bool:
        """Send an answer frame; False if the connection is gone."""
        try:
            await self._send(text)
        except LinkClosed:
            return False
        return True

    # -- CALLs out ---------------------------------------------------------------------------

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CALL and return the CALLRESULT payload; raises CallFailed otherwise (counted
        in the run's statistics, except a lost connection, which is counted once)."""
        async with self._lock:
            if self.lost or self._closing:
                raise CallFailed("offline", lost=True)
            try:
                unique_id, text = self.session.start_call(action, payload)
            except ValueError as invalid:  # a bug of the simulator: count it, never send it
                self._stats.errors[f"invalid-request:{action}"] += 1
                raise CallFailed(str(invalid)) from None
            waiter = self._waiter = _Waiter(unique_id)
            started = trio.current_time()
            try:
                try:
                    await self._send(text)
                except LinkClosed:
                    raise CallFailed("offline", lost=True) from None
                with trio.move_on_after(self._call_timeout_s):
                    await waiter.done.wait()
            finally:
                self._waiter = None
                if waiter.answer is None:
                    # Timed out, lost or cancelled: free the slot; a late answer is dropped.
                    self.session.cancel_call(unique_id)
            return self._outcome(action, waiter, trio.current_time() - started)

    def _outcome(self, action: str, waiter: _Waiter, elapsed: float) -> dict[str, Any]:
        answer = waiter.answer
        if answer is None:
            if self.lost:
                raise CallFailed("connection lost", lost=True)
            self._stats.errors[f"timeout:{action}"] += 1
            raise CallFailed(f"no answer to {action}")
        self._stats.round_trip(elapsed)
        if isinstance(answer, ErrorReceived):
            self._stats.call_errors[f"{action}:{answer.error_code}"] += 1
            log.warning(
                "%s: %s answered with CALLERROR %s %s",
                self.name,
                action,
                answer.error_code,
                answer.description,
            )
            raise CallFailed(f"CALLERROR {answer.error_code}")
        if answer.violation is not None:
            self._stats.errors[f"invalid-answer:{action}"] += 1
            raise CallFailed(f"invalid {action} answer: {answer.violation.description}")
        return answer.payload

    async def close_after_current_call(self) -> None:
        """No more CALLs on this connection, once a CALL in flight has had its answer (or its
        timeout): the Central System may still be working on it."""
        with trio.move_on_after(self._call_timeout_s):
            async with self._lock:
                self._closing = True
        self._closing = True
