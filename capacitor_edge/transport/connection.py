"""One charger's live OCPP-J session: the I/O driver around the sans-IO ``OcppSession``.

One task per charger: the receive loop, which also runs the charger's CALL handlers one at a
time (OCPP-J's synchronicity rule means a charger waits for each answer). Silence and pings are
watched for all chargers at once by the listener's ``LinkKeeper``: a task per charger for each
costs ~3 KB of memory per connection. CSMS-initiated CALLs go out one at a time behind a FIFO
lock (OCPP-J 1.6 §4.1.1: at most one outstanding CALL).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import trio
from trio_websocket import ConnectionClosed, WebSocketConnection

from capacitor_edge.domain.charger_messages import ChargerIdentity, ChargerMessages
from capacitor_edge.domain.errors import CallRejected
from capacitor_edge.domain.live import ChargerCallError, ChargerCallTimeout, ChargerNotConnected
from capacitor_edge.protocol import (
    CallReceived,
    Dropped,
    ErrorCode,
    ErrorReceived,
    OcppSession,
    ResultReceived,
    Send,
)

log = logging.getLogger("capacitor_edge.ocpp")

#: How long a closing handshake may take before the socket is simply dropped.
CLOSE_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class LinkTimings:
    call_timeout_s: float
    stale_after_s: float
    ping_interval_s: float


@dataclass
class _CallWaiter:
    unique_id: str
    done: trio.Event = field(default_factory=trio.Event)
    outcome: ResultReceived | ErrorReceived | None = None


class ChargerConnection:
    """A live session; implements the domain's ``ChargerLink``."""

    def __init__(
        self,
        ws: WebSocketConnection,
        charger: ChargerIdentity,
        session: OcppSession,
        messages: ChargerMessages,
        timings: LinkTimings,
    ) -> None:
        self.charge_box_id = charger.charge_box_id
        self._ws = ws
        self._charger = charger
        self._session = session
        self._messages = messages
        self._timings = timings
        #: trio time of the last frame (or answered ping) from the charger.
        self.last_activity = trio.current_time()
        self._scope: trio.CancelScope | None = None
        self._close_code = 1000
        self._close_reason = "closing"
        self._closed = False
        self._call_lock = trio.Lock()  # fair: queued CSMS calls go out in arrival order
        self._waiter: _CallWaiter | None = None

    # -- ChargerLink -----------------------------------------------------------------------

    def close(self, code: int, reason: str) -> None:
        if self._closed:
            return
        self._close_code, self._close_reason = code, reason
        if self._scope is not None:
            self._scope.cancel()

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if self._closed:
            raise ChargerNotConnected(self.charge_box_id)
        async with self._call_lock:
            if self._closed:
                raise ChargerNotConnected(self.charge_box_id)
            unique_id, text = self._session.start_call(action, payload)
            waiter = _CallWaiter(unique_id)
            self._waiter = waiter
            started = trio.current_time()
            try:
                try:
                    await self._send(text)
                except ConnectionClosed:
                    raise ChargerNotConnected(self.charge_box_id) from None
                with trio.move_on_after(self._timings.call_timeout_s):
                    await waiter.done.wait()
            finally:
                self._waiter = None
                if not waiter.done.is_set():
                    # Timed out or cancelled: free the slot; a late answer is logged and dropped.
                    self._session.cancel_call(unique_id)
            outcome = waiter.outcome
            if not waiter.done.is_set():
                log.warning(
                    "[%s] %s %s: no answer in %.1f s",
                    self.charge_box_id,
                    action,
                    unique_id,
                    trio.current_time() - started,
                )
                raise ChargerCallTimeout(f"{self.charge_box_id} did not answer {action}")
            if outcome is None:
                raise ChargerNotConnected(self.charge_box_id)
            if isinstance(outcome, ErrorReceived):
                raise ChargerCallError(outcome.error_code, outcome.description)
            if outcome.violation is not None:
                raise ChargerCallError(outcome.violation.code, outcome.violation.description)
            return outcome.payload

    # -- the session -----------------------------------------------------------------------

    async def run(self) -> None:
        """Serve the charger until it disconnects or :meth:`close` is called."""
        try:
            with trio.CancelScope() as scope:
                self._scope = scope
                await self._receive_loop()
        finally:
            self._closed = True
            waiter = self._waiter
            if waiter is not None and not waiter.done.is_set():
                waiter.done.set()  # outcome None: the charger went away
            with trio.CancelScope(shield=True), trio.move_on_after(CLOSE_TIMEOUT_S):
                await self._ws.aclose(self._close_code, self._close_reason)

    async def _receive_loop(self) -> None:
        ws, session = self._ws, self._session
        while True:
            try:
                message = await ws.get_message()
            except ConnectionClosed as closed:
                log.info("[%s] disconnected: %s", self.charge_box_id, closed.reason)
                return
            self.last_activity = trio.current_time()
            if isinstance(message, bytes):
                # OCPP-J uses text frames only (§3); be lenient with chargers that send UTF-8
                # JSON in binary frames.
                try:
                    message = message.decode("utf-8")
                except UnicodeDecodeError:
                    log.info("[%s] dropped a binary frame that is not UTF-8", self.charge_box_id)
                    continue
            self._messages.trace(self._charger, "in", message)
            try:
                for event in session.receive(message):
                    await self._dispatch(event)
            except ConnectionClosed:
                return

    async def _dispatch(
        self, event: CallReceived | Send | ResultReceived | ErrorReceived | Dropped
    ) -> None:
        if isinstance(event, CallReceived):
            await self._send(await self._answer(event))
        elif isinstance(event, Send):
            log.info("[%s] answered a bad frame: %s", self.charge_box_id, event.text[:200])
            await self._send(event.text)
        elif isinstance(event, ResultReceived | ErrorReceived):
            waiter = self._waiter
            if waiter is not None and waiter.unique_id == event.unique_id:
                waiter.outcome = event
                waiter.done.set()
        else:
            log.info(
                "[%s] ignored a frame (%s), unique id %r",
                self.charge_box_id,
                event.reason,
                event.unique_id,
            )

    async def _answer(self, call: CallReceived) -> str:
        handler = self._messages.handlers[call.action]
        try:
            payload = await handler(self._charger, call.payload)
        except CallRejected as rejected:
            return self._session.reply_error(
                call.unique_id, ErrorCode(rejected.ocpp_code), rejected.message
            )
        except Exception:
            # Contained here: one bad message must not end this session, let alone another
            # charger's. The charger gets InternalError without our internals.
            log.exception("[%s] handler for %s failed", self.charge_box_id, call.action)
            return self._session.reply_error(
                call.unique_id, ErrorCode.InternalError, "internal error"
            )
        return self._session.reply(call, payload)

    async def _send(self, text: str) -> None:
        await self._ws.send_message(text)
        self._messages.trace(self._charger, "out", text)

    async def ping(self, wait_s: float) -> None:
        """One WebSocket ping; an answer within ``wait_s`` counts as activity."""
        with trio.move_on_after(wait_s):
            try:
                await self._ws.ping()
            except ConnectionClosed:
                return
            self.last_activity = trio.current_time()
