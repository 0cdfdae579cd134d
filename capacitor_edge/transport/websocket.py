"""RFC 6455 WebSocket over a Trio stream: the ``websockets`` package's sans-IO protocol, driven
by the task that reads the connection.

Why not trio-websocket (DESIGN.md's first choice): measured in ``bench/ws_layer.py`` and inside
the server (``docs/PERFORMANCE.md``), trio-websocket on wsproto costs a reader task and a memory
channel per connection and ~1.6x the CPU per round trip of ``websockets``' ``ServerProtocol``
driven directly; per idle charger it held ~23 KiB against ~16 KiB here. This module keeps the
slice of the interface the listener needs: read the upgrade request, answer it with a refusal
(any status, any headers) or a 101, then messages, pings and the closing handshake.

One task reads (the charger's session task, which also runs its handlers); any task may send.
Sends are serialised by a FIFO lock: an answer, a CSMS call and a keeper ping can be under way at
once, and a Trio stream allows one sender at a time.
"""

from __future__ import annotations

import contextlib
import logging
from typing import cast

import trio
from websockets.exceptions import InvalidState
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

from capacitor_edge.transport import frame_codec
from capacitor_edge.transport.socket_io import SocketIO

#: The ``websockets`` package logs every connection at INFO and every frame at DEBUG (with its
#: payload, which may hold a charger's credentials). Our own log lines say what matters, so its
#: logger is held at WARNING whatever the configured level.
_wire_log = logging.getLogger("capacitor_edge.ocpp.wire")
_wire_log.setLevel(logging.WARNING)

#: Bytes asked of the stream per read: one typical OCPP frame is well under 1 KiB; a storm of
#: pipelined frames is taken in a few reads.
RECEIVE_SIZE = 65536
#: Bytes asked per read of the upgrade request: a charger's is a few hundred bytes, and a
#: socket that trickles one in must not make the server allocate 64 KiB per read for it.
REQUEST_RECEIVE_SIZE = 4096

#: RFC 6455 §7.4.1 close codes used here.
CLOSE_ABNORMAL = 1006
CLOSE_INVALID_DATA = 1007

#: Any byte stream: a TCP socket, TLS over one, or a test's in-memory pair.
Stream = trio.abc.Stream


class ConnectionClosed(Exception):
    """The WebSocket is closed; ``code`` and ``reason`` are the peer's (1006: no close frame)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}".rstrip())
        self.code = code
        self.reason = reason


class HandshakeFailed(Exception):
    """The peer sent no readable upgrade request; whatever answer it was owed has been sent."""


class WebSocket:
    """An open WebSocket connection (after a 101 was sent)."""

    __slots__ = (
        "_closed",
        "_held",
        "_io",
        "_messages",
        "_parts",
        "_pong",
        "_protocol",
        "_send_lock",
        "_stream",
        "_text",
    )

    def __init__(self, stream: Stream, protocol: ServerProtocol) -> None:
        self._stream = stream
        self._io = SocketIO(stream)
        self._protocol = protocol
        self._send_lock = trio.Lock()  # fair: frames go out in the order they were made
        # A list, not a deque: an idle connection's empty deque keeps its 64-slot block (~0.75
        # KiB per idle charger, tracemalloc), an emptied list frees its items; there is rarely
        # more than one message waiting, so pop(0) is cheap.
        self._messages: list[str | bytes] = []
        #: Fragments of a message not yet complete (RFC 6455 §5.4); None between messages.
        self._parts: list[bytes] | None = None
        self._text = True  # whether those fragments make a text message
        self._pong: trio.Event | None = None
        self._closed: ConnectionClosed | None = None
        #: The start of a frame not all read yet (frame_codec's path; b"" almost always).
        self._held: bytes | bytearray = b""

    @property
    def closed(self) -> ConnectionClosed | None:
        return self._closed

    def _closed_now(self) -> ConnectionClosed:
        """A new exception saying how the connection closed, to raise. The one kept in
        ``_closed`` is never raised itself: its traceback would hold the reading task's frames,
        and through them this object, in a cycle only a full collection frees."""
        if self._closed is None:
            # The peer's close frame, else ours if we failed the connection (1007, 1009...).
            close = self._protocol.close_rcvd or self._protocol.close_sent
            if close is not None:
                self._closed = ConnectionClosed(close.code, close.reason)
            else:
                self._closed = ConnectionClosed(CLOSE_ABNORMAL, "connection lost")
        return ConnectionClosed(self._closed.code, self._closed.reason)

    async def _flush(self, frame: bytes = b"") -> None:
        """Send what the protocol has queued, then ``frame``. Safe from any task; order is kept
        because the data is taken and the lock queued for without a checkpoint in between."""
        data = self._protocol.data_to_send()
        if data:
            payload = data[0] if len(data) == 1 else b"".join(data)
            payload += frame
        else:
            payload = frame
        if not payload:
            return  # nothing, or only the end-of-stream marker: the listener closes the stream
        lock = self._send_lock
        if not lock.locked():
            # The common case: no send is waiting for room, and the socket takes it all at once
            # (no checkpoint, so nothing can come in between): no lock to take and give back.
            try:
                sent = self._io.send_now(payload)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                raise self._closed_now() from None
            if sent == len(payload):
                return
            payload = payload[sent:]  # the rest waits for room, holding the lock
        try:
            lock.acquire_nowait()  # free unless a send waits for room: no scheduler round trip
        except trio.WouldBlock:
            await lock.acquire()
        try:
            await self._io.send_all(payload)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            raise self._closed_now() from None
        finally:
            lock.release()

    async def get_message(self) -> str | bytes:
        """The next message: ``str`` from a text frame, ``bytes`` from a binary one (a text
        frame that is not UTF-8 fails the connection with 1007, RFC 6455 §8.1).

        Raises :class:`ConnectionClosed` once the connection is closed and every message that
        arrived before that has been returned."""
        messages = self._messages
        while not messages:
            if self._closed is not None:
                raise self._closed_now()
            # Read here, not in a helper coroutine: an idle connection waits with one frame
            # less (memory per idle charger), and a message costs one coroutine less.
            data = await self._io.receive_some(RECEIVE_SIZE)
            if not self._absorb(data):
                await self._answer(data)
        return messages.pop(0)

    def _absorb(self, data: bytes | bytearray) -> bool:
        """Take in what was read (b"": the end of the stream). True if it held only whole text
        frames (the common read): the protocol saw nothing, so it has nothing to send and its
        state is unchanged."""
        protocol = self._protocol
        if data:
            if self._held:
                data, self._held = self._held + data, b""
            return self._receive(data)
        if self._held:
            protocol.receive_data(self._held)  # a frame cut short: the parser says so
            self._held = b""
        protocol.receive_eof()
        self._take_events()
        return False

    async def _answer(self, data: bytes | bytearray) -> None:
        """Pongs to the peer's pings, the answer to its close frame, or our close after a
        protocol error (1002, 1009, ...); then whether the connection is over."""
        protocol = self._protocol
        with contextlib.suppress(ConnectionClosed):
            await self._flush()
        if not data or protocol.state is State.CLOSED or protocol.close_expected():
            self._closed_now()

    def _receive(self, data: bytes | bytearray) -> bool:
        """Whole masked text frames straight to messages (frame_codec), every other frame to the
        protocol's parser, a frame's incomplete start held for the next read. True if the
        protocol was not involved."""
        protocol = self._protocol
        max_size = protocol.max_message_size
        at, size = 0, len(data)
        simple = True
        while at < size:
            if protocol.state is not State.OPEN:
                # Closing or failed: the protocol decides what still counts (RFC 6455 §7.1.7).
                protocol.receive_data(data[at:])
                self._take_events()
                return False
            kind, value, end = frame_codec.next_frame(data, at, max_size)
            if kind == frame_codec.TEXT and self._parts is None:
                try:
                    self._messages.append(value.decode("utf-8"))
                except UnicodeDecodeError:
                    protocol.fail(CLOSE_INVALID_DATA, "text frame is not UTF-8")  # RFC 6455 §8.1
                    return False
            elif kind == frame_codec.INCOMPLETE:
                self._held = data[at:]
                return simple
            elif kind == frame_codec.OVERSIZE:
                protocol.receive_data(data[at:])  # fails the connection with 1009
                self._take_events()
                return False
            else:  # OTHER, or a text frame inside a fragmented message (the parser's error)
                simple = False
                protocol.receive_data(data[at:end])
                if not self._take_events():
                    return False
            at = end
        return simple

    def _take_events(self) -> bool:
        """Messages, pongs and fragments from the protocol's parser; False once it failed."""
        protocol = self._protocol
        # After the upgrade the protocol yields frames only; their payloads are bytes.
        for frame in cast("list[Frame]", protocol.events_received()):
            opcode = frame.opcode
            if opcode is Opcode.TEXT or opcode is Opcode.BINARY:
                if frame.fin:
                    message = self._message(opcode is Opcode.TEXT, cast(bytes, frame.data))
                else:
                    self._parts = [cast(bytes, frame.data)]
                    self._text = opcode is Opcode.TEXT
                    continue
            elif opcode is Opcode.CONT:
                # The protocol checks the fragment sequence and the size of the whole message.
                if self._parts is None:
                    continue
                self._parts.append(cast(bytes, frame.data))
                if not frame.fin:
                    continue
                parts, self._parts = self._parts, None
                message = self._message(self._text, b"".join(parts))
            else:
                if opcode is Opcode.PONG and self._pong is not None:
                    self._pong.set()
                continue
            if message is None:
                # A text frame that is not UTF-8 (RFC 6455 §8.1); after failing the
                # connection, nothing more from the peer is processed (§7.1.7).
                protocol.fail(CLOSE_INVALID_DATA, "text frame is not UTF-8")
                return False
            self._messages.append(message)
        return True

    @staticmethod
    def _message(text: bool, data: bytes) -> str | bytes | None:
        """A text frame's ``str`` (None if it is not UTF-8), a binary frame's ``bytes``."""
        if not text:
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    async def send_message(self, text: str) -> None:
        """Send one text message; :class:`ConnectionClosed` if the connection is closing."""
        if self._closed is not None or self._protocol.state is not State.OPEN:
            raise self._closed_now()
        # Written here (frame_codec), not by the protocol: what it would write, in a quarter of
        # the time. The protocol keeps no state about data frames it sends unfragmented.
        await self._flush(frame_codec.text_frame(text.encode()))

    async def ping(self) -> None:
        """Send a ping and wait for a pong (any pong: RFC 6455 §5.5.3 lets a peer answer only
        the latest ping). Runs alongside the reading task, which sees the pong."""
        pong = self._pong = trio.Event()
        try:
            self._protocol.send_ping(b"capacitor-edge")
        except InvalidState:
            raise self._closed_now() from None
        await self._flush()
        await pong.wait()

    async def aclose(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake and wait for the peer's close frame (the caller bounds
        the wait). The stream itself is closed by its owner."""
        protocol = self._protocol
        if protocol.state is State.OPEN:
            protocol.send_close(code, reason)
            try:
                await self._flush()
            except ConnectionClosed:
                return
        while protocol.state is State.CLOSING and not protocol.eof_sent:
            data = await self._io.receive_some(RECEIVE_SIZE)
            if not self._absorb(data):
                await self._answer(data)
        self._closed_now()


def release(protocol: ServerProtocol) -> None:
    """Break the reference cycles of a ``ServerProtocol`` whose connection is over.

    Its parser is a generator over the protocol itself, and a failed handshake's exceptions
    hold that generator's frames: without this, every connection's protocol (with its
    buffers and the request's headers) waits for a full cyclic collection, which an idle
    server with ``gc.freeze`` may not run for hours (docs/PERFORMANCE.md, half-open
    sockets). Closing the generator drops its frame and with it the cycle."""
    protocol.parser.close()
    protocol.parser_exc = None
    protocol.handshake_exc = None


class UpgradeRequest:
    """A client's HTTP upgrade request, not answered yet: :meth:`accept` or :meth:`reject`."""

    def __init__(self, stream: Stream, protocol: ServerProtocol, request: Request) -> None:
        self._stream = stream
        self.protocol = protocol
        self._request = request
        self.path = request.path
        #: The first ``Authorization`` header's value, if any (HTTP Basic for profiles 1-2).
        self.authorization = next(iter(request.headers.get_all("Authorization")), None)
        self.proposed_subprotocols = [
            offered.strip()
            for value in request.headers.get_all("Sec-WebSocket-Protocol")
            for offered in value.split(",")
            if offered.strip()
        ]

    async def accept(self, subprotocol: str | None = None) -> WebSocket:
        """Answer 101, with ``subprotocol`` if given (it must be one the client offered).

        Raises :class:`HandshakeFailed` when the request is no valid WebSocket upgrade (no
        ``Upgrade`` header, a bad key or version...); the client has been told why (426/400)."""
        protocol = self.protocol
        protocol.available_subprotocols = [Subprotocol(subprotocol)] if subprotocol else None
        response = protocol.accept(self._request)
        protocol.send_response(response)
        websocket = WebSocket(self._stream, protocol)
        try:
            await websocket._flush()
        except ConnectionClosed as closed:
            raise HandshakeFailed(str(closed)) from None
        if response.status_code != 101:
            raise HandshakeFailed(f"not a WebSocket upgrade: {protocol.handshake_exc}")
        return websocket

    async def reject(
        self, status: int, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        """Answer with a plain HTTP ``status`` and close (the caller closes the stream)."""
        protocol = self.protocol
        response = protocol.reject(status, body.decode("utf-8", "replace"))
        for name, value in headers or ():
            response.headers[name.decode("latin-1")] = value.decode("latin-1")
        protocol.send_response(response)
        data = b"".join(protocol.data_to_send())
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            await self._stream.send_all(data)


async def read_upgrade_request(stream: Stream, *, max_message_bytes: int) -> UpgradeRequest:
    """Read the client's HTTP request (the caller bounds the time).

    Raises :class:`HandshakeFailed` if the peer closes first or sends no readable request (it
    has been sent the 4xx the protocol owes it, if any). Once a request is returned, the
    caller passes ``request.protocol`` to :func:`release` when the connection is over."""
    protocol = ServerProtocol(max_size=max_message_bytes, logger=_wire_log)
    try:
        while True:
            try:
                data = await stream.receive_some(REQUEST_RECEIVE_SIZE)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                data = b""
            if not data:
                raise HandshakeFailed("closed before sending a request")
            protocol.receive_data(data)
            for event in protocol.events_received():
                if isinstance(event, Request):
                    return UpgradeRequest(stream, protocol, event)
            if protocol.handshake_exc is not None:
                answer = b"".join(protocol.data_to_send())
                if answer:
                    with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
                        await stream.send_all(answer)
                raise HandshakeFailed(str(protocol.handshake_exc))
    except BaseException:
        release(protocol)  # failed, timed out or cancelled: nobody else holds it
        raise
