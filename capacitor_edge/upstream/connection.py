"""One upstream WebSocket as a charge point: TCP (and TLS), the OCPP-J upgrade with the
charger's identity, and the OCPP session of the charge point's end (:mod:`protocol.session`,
``CHARGE_POINT`` role) with this end's one outstanding CALL (OCPP-J 1.6 §4.1.1).

The stream is opened here, not by ``trio_websocket.open_websocket_url``, so that it is closed
on every path, including an upgrade the upstream refuses (as in simulator/link.py).
"""

from __future__ import annotations

import base64
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import trio
from trio_websocket import (
    ConnectionClosed,
    ConnectionRejected,
    HandshakeError,
    WebSocketConnection,
    wrap_client_stream,
)

from capacitor_edge.domain.errors import CallRejected
from capacitor_edge.protocol import SchemaRegistry
from capacitor_edge.protocol.actions import CSMS_SENDABLE
from capacitor_edge.protocol.errors import ErrorCode
from capacitor_edge.protocol.session import (
    CHARGE_POINT,
    CallReceived,
    Dropped,
    ErrorReceived,
    OcppSession,
    ResultReceived,
    Send,
)

log = logging.getLogger("capacitor_edge.upstream")
SUBPROTOCOL = "ocpp1.6"
CONNECT_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 1.0

Stream = trio.SocketStream | trio.SSLStream[trio.SocketStream]
Answer = ResultReceived | ErrorReceived
#: What answers an upstream CALL: its CALLRESULT payload, or raises to send a CALLERROR.
Relay = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


class UpstreamLost(Exception):
    """The upstream link failed (could not connect, closed, or an answer timed out)."""


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom one charger's upstream link connects."""

    url: str
    identity: str
    password: str
    tls: ssl.SSLContext | None

    @classmethod
    def of(
        cls, base_url: str, identity: str, password: str, tls: ssl.SSLContext | None
    ) -> Endpoint:
        return cls(f"{base_url.rstrip('/')}/{quote(identity, safe='')}", identity, password, tls)

    def headers(self) -> list[tuple[bytes, bytes]]:
        if not self.password:
            return []
        # OCPP 1.6 security profiles 1 and 2: HTTP Basic, user = the charge point's identity.
        token = base64.b64encode(f"{self.identity}:{self.password}".encode()).decode()
        return [(b"Authorization", f"Basic {token}".encode())]


async def open_stream(endpoint: Endpoint) -> Stream:
    parts = urlsplit(endpoint.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        with trio.fail_after(CONNECT_TIMEOUT_S):
            tcp = await trio.open_tcp_stream(host, port)
    except trio.TooSlowError:
        raise UpstreamLost(f"timeout connecting to {host}:{port}") from None
    except OSError as error:
        raise UpstreamLost(f"cannot connect to {host}:{port}: {error.strerror or error}") from None
    if endpoint.tls is None:
        return tcp
    tls = trio.SSLStream(tcp, endpoint.tls, server_hostname=host, https_compatible=True)
    try:
        with trio.fail_after(CONNECT_TIMEOUT_S):
            await tls.do_handshake()
    except (trio.TooSlowError, trio.BrokenResourceError, OSError) as error:
        await trio.aclose_forcefully(tls)
        cause = error.__cause__ or error
        raise UpstreamLost(f"TLS handshake with {host}:{port} failed: {cause}") from None
    return tls


@dataclass
class _PendingCall:
    unique_id: str
    done: trio.Event = field(default_factory=trio.Event)
    answer: Answer | None = None


class UpstreamConnection:
    """An open upstream link: :meth:`call` sends this end's CALLs; upstream CALLs go to
    ``relay`` and its answer goes back."""

    def __init__(self, ws: WebSocketConnection, schemas: SchemaRegistry, timeout_s: float) -> None:
        self._ws = ws
        self._timeout_s = timeout_s
        self._next_id = ""
        self._session = OcppSession(
            schemas, CSMS_SENDABLE, lambda: self._next_id, role=CHARGE_POINT
        )
        self._waiter: _PendingCall | None = None
        self._lost = trio.Event()
        self.lost_reason = ""

    @classmethod
    async def open(
        cls,
        nursery: trio.Nursery,
        endpoint: Endpoint,
        schemas: SchemaRegistry,
        timeout_s: float,
    ) -> UpstreamConnection:
        stream = await open_stream(endpoint)
        parts = urlsplit(endpoint.url)
        try:
            with trio.fail_after(CONNECT_TIMEOUT_S):
                ws = await wrap_client_stream(
                    nursery,
                    stream,
                    parts.netloc.rpartition("@")[2],
                    parts.path or "/",
                    subprotocols=[SUBPROTOCOL],
                    extra_headers=endpoint.headers(),
                )
        except trio.TooSlowError:
            await trio.aclose_forcefully(stream)
            raise UpstreamLost("timeout in the WebSocket upgrade") from None
        except ConnectionRejected as rejected:
            await trio.aclose_forcefully(stream)
            raise UpstreamLost(f"upgrade refused: HTTP {rejected.status_code}") from None
        except (HandshakeError, ConnectionClosed, trio.BrokenResourceError, OSError) as error:
            await trio.aclose_forcefully(stream)
            raise UpstreamLost(f"WebSocket upgrade failed: {type(error).__name__}") from None
        if ws.subprotocol != SUBPROTOCOL:
            with trio.move_on_after(CLOSE_TIMEOUT_S):
                await ws.aclose(1002, "subprotocol ocpp1.6 required")
            raise UpstreamLost("the upstream does not speak ocpp1.6")
        return cls(ws, schemas, timeout_s)

    async def serve(self, relay: Relay) -> None:
        """Read frames until the link closes; upstream CALLs are answered concurrently."""
        async with trio.open_nursery() as nursery:
            try:
                while True:
                    text = await self._ws.get_message()
                    if isinstance(text, bytes):
                        text = text.decode("utf-8", "replace")
                    for event in self._session.receive(text):
                        await self._on_event(event, relay, nursery)
            except (ConnectionClosed, trio.BrokenResourceError, trio.ClosedResourceError):
                self._close("the upstream closed the connection")
            nursery.cancel_scope.cancel()

    async def _on_event(self, event: object, relay: Relay, nursery: trio.Nursery) -> None:
        if isinstance(event, CallReceived):
            nursery.start_soon(self._answer, event, relay)
        elif isinstance(event, ResultReceived | ErrorReceived):
            waiter = self._waiter
            if waiter is not None and waiter.unique_id == event.unique_id:
                waiter.answer = event
                waiter.done.set()
        elif isinstance(event, Send):
            await self._send(event.text)
        elif isinstance(event, Dropped):
            log.info("upstream frame ignored (%s)", event.reason)

    async def _answer(self, request: CallReceived, relay: Relay) -> None:
        try:
            payload = await relay(request.action, request.payload)
            text = self._session.reply(request, payload)
        except CallRejected as rejected:
            code = ErrorCode(rejected.ocpp_code)
            text = self._session.reply_error(request.unique_id, code, rejected.message)
        except Exception:
            log.exception("relaying upstream %s failed", request.action)
            text = self._session.reply_error(
                request.unique_id, ErrorCode.InternalError, "internal error"
            )
        await self._send(text)

    async def _send(self, text: str) -> None:
        try:
            await self._ws.send_message(text)
        except (ConnectionClosed, trio.BrokenResourceError, trio.ClosedResourceError):
            self._close("the upstream connection broke")

    def _close(self, reason: str) -> None:
        if not self._lost.is_set():
            self.lost_reason = reason
            self._lost.set()
        if self._waiter is not None:
            self._waiter.done.set()

    async def call(self, action: str, payload: dict[str, Any], unique_id: str) -> Answer:
        """Send this end's CALL and wait for its answer; UpstreamLost if the link fails or
        the upstream does not answer within the timeout (the message is then sent again on
        the next link, with the same unique id)."""
        if self._lost.is_set():
            raise UpstreamLost(self.lost_reason)
        self._next_id = unique_id
        sent_id, text = self._session.start_call(action, payload)
        waiter = self._waiter = _PendingCall(sent_id)
        try:
            await self._send(text)
            with trio.move_on_after(self._timeout_s):
                await waiter.done.wait()
        finally:
            self._waiter = None
        if waiter.answer is not None:
            return waiter.answer
        self._session.cancel_call(sent_id)
        if self._lost.is_set():
            raise UpstreamLost(self.lost_reason)
        raise UpstreamLost(f"no answer to {action} within {self._timeout_s:g} s")

    async def close(self) -> None:
        with trio.move_on_after(CLOSE_TIMEOUT_S):
            await self._ws.aclose()
