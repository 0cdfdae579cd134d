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
from datetime import datetime
from typing import Any

import trio

from capacitor_edge import metrics
from capacitor_edge.domain.charger_messages import ChargerIdentity, ChargerMessages
from capacitor_edge.domain.errors import (
    CallRejected,
    ChargerConnectionLost,
    ChargerFailed,
    ChargerTimeout,
    ChargerUnavailable,
)
from capacitor_edge.protocol import (
    ALL_ACTIONS,
    CallReceived,
    Dropped,
    ErrorCode,
    ErrorReceived,
    OcppSession,
    ResultReceived,
    Send,
)
from capacitor_edge.transport.websocket import ConnectionClosed, WebSocket

log = logging.getLogger("capacitor_edge.ocpp")

#: How long a closing handshake may take before the socket is simply dropped.
CLOSE_TIMEOUT_S = 1.0

#: CALLERROR codes a charger may send that become metric labels as they are; any other string
#: is counted as ``other`` (a label value per made-up code would be a new time series each).
_KNOWN_ERROR_CODES = frozenset(ErrorCode)


def _count_error_sent(action: str, code: ErrorCode) -> None:
    metrics.MESSAGES_SENT.count(action, metrics.CALLERROR)
    metrics.CALL_ERRORS.labels("sent", code).inc()


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
    """A live session; implements the domain's ``ChargerLink``.

    Slotted, with the CSMS-call lock made on first use: memory per idle charger is a target
    (docs/PERFORMANCE.md), and most chargers are never sent a command."""

    __slots__ = (
        "_call_lock",
        "_charger",
        "_close_code",
        "_close_reason",
        "_closed",
        "_messages",
        "_scope",
        "_session",
        "_timings",
        "_waiter",
        "_ws",
        "charge_box_id",
        "last_activity",
    )

    def __init__(
        self,
        ws: WebSocket,
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
        self._call_lock: trio.Lock | None = None
        self._waiter: _CallWaiter | None = None

    @property
    def log_extra(self) -> dict[str, str]:
        """``extra`` of every log record about this charger: a structured field in JSON logs."""
        return {"chargeBoxId": self.charge_box_id}

    # -- ChargerLink -----------------------------------------------------------------------

    @property
    def last_seen(self) -> datetime | None:
        return self._charger.connection.last_seen

    @property
    def identity(self) -> ChargerIdentity:
        return self._charger

    @property
    def ended(self) -> tuple[int, str]:
        """The close code and reason the session ended with: the charger's close frame (1006
        for none), else the ones this side closed with."""
        peer = self._ws.closed
        if peer is not None:
            return peer.code, peer.reason
        return self._close_code, self._close_reason

    def close(self, code: int, reason: str) -> None:
        if self._closed:
            return
        self._close_code, self._close_reason = code, reason
        if self._scope is not None:
            self._scope.cancel()

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if self._closed:
            raise ChargerUnavailable(self.charge_box_id)
        if self._call_lock is None:
            self._call_lock = trio.Lock()  # fair: queued CSMS calls go out in arrival order
        async with self._call_lock:
            if self._closed:
                raise ChargerUnavailable(self.charge_box_id)
            unique_id, text = self._session.start_call(action, payload)
            waiter = _CallWaiter(unique_id)
            self._waiter = waiter
            started = trio.current_time()
            try:
                try:
                    await self._send(text)
                except ConnectionClosed:
                    raise ChargerUnavailable(self.charge_box_id) from None
                metrics.MESSAGES_SENT.count(action, metrics.CALL)
                with trio.move_on_after(self._timings.call_timeout_s):
                    await waiter.done.wait()
            finally:
                self._waiter = None
                if not waiter.done.is_set():
                    # Timed out or cancelled: free the slot; a late answer is logged and dropped.
                    self._session.cancel_call(unique_id)
            outcome = waiter.outcome
            if not waiter.done.is_set():
                metrics.CSMS_CALL_TIMEOUTS.labels(action).inc()
                log.warning(
                    "%s %s: no answer in %.1f s",
                    action,
                    unique_id,
                    trio.current_time() - started,
                    extra=self.log_extra,
                )
                raise ChargerTimeout(self.charge_box_id, action, self._timings.call_timeout_s)
            if outcome is None:
                # The CALL is on the wire and the session ended unanswered: the charger may
                # have acted on it (a Reset before its Reset.conf), unlike "not connected".
                raise ChargerConnectionLost(self.charge_box_id, action)
            metrics.CSMS_CALL_SECONDS.labels(action).observe(trio.current_time() - started)
            if isinstance(outcome, ErrorReceived):
                raise ChargerFailed(
                    self.charge_box_id, action, outcome.error_code, outcome.description
                )
            if outcome.violation is not None:
                violation = outcome.violation
                raise ChargerFailed(
                    self.charge_box_id, action, violation.code, violation.description
                )
            return outcome.payload

    # -- the session -----------------------------------------------------------------------

    async def run(self) -> None:
        """Serve the charger until it disconnects or :meth:`close` is called."""
        ws, session = self._ws, self._session
        message: str | bytes | None
        event: CallReceived | Send | ResultReceived | ErrorReceived | Dropped | None
        # The receive loop is here, not in a coroutine of its own: an idle charger's task
        # waits with one frame less (memory per idle charger, docs/PERFORMANCE.md).
        try:
            with trio.CancelScope() as self._scope:
                while True:
                    # The last message and its decoded event are not held while the charger
                    # is idle (~0.5-0.8 KiB per idle charger, tracemalloc).
                    message = event = None
                    try:
                        message = await ws.get_message()
                    except ConnectionClosed as closed:
                        log.info(
                            "disconnected: %d %s", closed.code, closed.reason, extra=self.log_extra
                        )
                        return
                    self.last_activity = trio.current_time()
                    self._messages.seen(self._charger)
                    if isinstance(message, bytes):
                        # OCPP-J uses text frames only (§3); be lenient with chargers that send
                        # UTF-8 JSON in binary frames.
                        try:
                            message = message.decode("utf-8")
                        except UnicodeDecodeError:
                            metrics.MESSAGES_RECEIVED.count(metrics.UNKNOWN_ACTION, metrics.DROPPED)
                            log.info(
                                "dropped a binary frame that is not UTF-8", extra=self.log_extra
                            )
                            continue
                    self._messages.trace(
                        self._charger, "in", message, self._charger.connection.last_seen
                    )
                    try:
                        for event in session.receive(message):
                            await self._dispatch(event)
                    except ConnectionClosed:
                        # The charger closed while we answered. Frames it sent before closing
                        # are still queued - e.g. its answer to a Reset it then acted on - so
                        # keep reading until get_message reports the end; there is just no one
                        # left to answer.
                        continue
        finally:
            self._closed = True
            waiter = self._waiter
            if waiter is not None and not waiter.done.is_set():
                waiter.done.set()  # outcome None: the charger went away
            with trio.CancelScope(shield=True), trio.move_on_after(CLOSE_TIMEOUT_S):
                await self._ws.aclose(self._close_code, self._close_reason)

    async def _dispatch(
        self, event: CallReceived | Send | ResultReceived | ErrorReceived | Dropped
    ) -> None:
        if isinstance(event, CallReceived):
            action = event.action
            metrics.MESSAGES_RECEIVED.count(action, metrics.CALL)
            text, error = await self._answer(event)
            await self._send(text)
            if error is None:
                metrics.MESSAGES_SENT.count(action, metrics.CALLRESULT)
            else:
                _count_error_sent(action, error)
        elif isinstance(event, Send):
            if event.action is None:
                action, kind = metrics.UNKNOWN_ACTION, metrics.INVALID
            else:
                action = event.action if event.action in ALL_ACTIONS else metrics.UNKNOWN_ACTION
                kind = metrics.CALL
            metrics.MESSAGES_RECEIVED.count(action, kind)
            log.info("answered a bad frame: %s", event.text[:200], extra=self.log_extra)
            await self._send(event.text)
            _count_error_sent(action, event.code)
        elif isinstance(event, ResultReceived):
            metrics.MESSAGES_RECEIVED.count(event.action, metrics.CALLRESULT)
            self._complete_call(event)
        elif isinstance(event, ErrorReceived):
            metrics.MESSAGES_RECEIVED.count(event.action, metrics.CALLERROR)
            code = event.error_code if event.error_code in _KNOWN_ERROR_CODES else "other"
            metrics.CALL_ERRORS.labels("received", code).inc()
            self._complete_call(event)
        else:
            metrics.MESSAGES_RECEIVED.count(metrics.UNKNOWN_ACTION, metrics.DROPPED)
            log.info(
                "ignored a frame (%s), unique id %r",
                event.reason,
                event.unique_id,
                extra=self.log_extra,
            )

    def _complete_call(self, event: ResultReceived | ErrorReceived) -> None:
        waiter = self._waiter
        if waiter is not None and waiter.unique_id == event.unique_id:
            waiter.outcome = event
            waiter.done.set()

    async def _answer(self, call: CallReceived) -> tuple[str, ErrorCode | None]:
        """The frame answering ``call``, and its error code if it is a CALLERROR."""
        handler = self._messages.handlers[call.action]
        try:
            payload = await handler(self._charger, call.payload)
        except CallRejected as rejected:
            code = ErrorCode(rejected.ocpp_code)
            return self._session.reply_error(call.unique_id, code, rejected.message), code
        except Exception:
            # Contained here: one bad message must not end this session, let alone another
            # charger's. The charger gets InternalError without our internals.
            log.exception("handler for %s failed", call.action, extra=self.log_extra)
            code = ErrorCode.InternalError
            return self._session.reply_error(call.unique_id, code, "internal error"), code
        text = self._session.reply(call, payload)
        # ``reply`` swaps an answer that breaks the response schema for an InternalError
        # CALLERROR; the frame's MessageTypeId (its second character, `[3,` or `[4,`) says which.
        return text, (None if text[1] == "3" else ErrorCode.InternalError)

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
