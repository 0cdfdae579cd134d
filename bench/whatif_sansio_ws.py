"""What-if (benchmarks only): capacitor-edge with the ``websockets`` sans-IO ``ServerProtocol``
under its transport instead of trio-websocket/wsproto, patched in memory.

    python bench/ocpp_bench.py heartbeat --server-wrapper bench/whatif_sansio_ws.py

Run by the runner in place of ``python -m capacitor_edge`` (same arguments). It replaces
``wrap_server_stream`` in ``capacitor_edge.transport.listener`` by :func:`wrap_server_stream`
below, which returns objects with the slice of trio-websocket's ``WebSocketRequest`` /
``WebSocketConnection`` interface that the listener and ``ChargerConnection`` use (``path``,
``proposed_subprotocols``, ``remote``, ``accept``, ``reject``; ``get_message``,
``send_message``, ``ping``, ``aclose``) and raises trio-websocket's ``ConnectionClosed``, so no
file of the package changes. The listener's own reader task per connection goes away: the
session's receive loop reads the socket itself.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import trio
from trio_websocket import ConnectionClosed
from trio_websocket._impl import CloseReason
from websockets.exceptions import InvalidState
from websockets.frames import Opcode
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

import capacitor_edge.transport.listener as listener_module
from capacitor_edge.app.cli import main

SUBPROTOCOL = Subprotocol("ocpp1.6")


class SansIoWebSocket:
    """One accepted connection: receive in the caller's task, sends serialised by a lock."""

    def __init__(self, stream: trio.SocketStream, protocol: ServerProtocol) -> None:
        self._stream = stream
        self._protocol = protocol
        self._send_lock = trio.Lock()
        self._texts: list[str] = []
        self._pong: trio.Event | None = None
        self._closed: CloseReason | None = None

    def _close_reason(self) -> CloseReason:
        rcvd = self._protocol.close_rcvd
        if rcvd is not None:
            return CloseReason(rcvd.code, rcvd.reason)
        return CloseReason(1006, "connection lost")

    async def _flush(self) -> None:
        data = self._protocol.data_to_send()
        if data:
            async with self._send_lock:
                try:
                    await self._stream.send_all(b"".join(data))
                except (trio.BrokenResourceError, trio.ClosedResourceError):
                    self._closed = self._closed or CloseReason(1006, "connection lost")
                    raise ConnectionClosed(self._closed) from None

    async def get_message(self) -> str:
        protocol = self._protocol
        while not self._texts:
            if self._closed is not None:
                raise ConnectionClosed(self._closed)
            try:
                data = await self._stream.receive_some(65536)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                data = b""
            if data:
                protocol.receive_data(data)
            else:
                protocol.receive_eof()
            for event in protocol.events_received():
                opcode = event.opcode
                if opcode is Opcode.TEXT:
                    self._texts.append(event.data.decode())
                elif opcode is Opcode.BINARY:
                    self._texts.append(event.data.decode("utf-8", errors="replace"))
                elif opcode is Opcode.PONG and self._pong is not None:
                    self._pong.set()
            await self._flush()  # pongs to pings, close replies
            ending = not data or protocol.state is State.CLOSED or protocol.close_expected()
            if ending and not self._texts:
                self._closed = self._close_reason()
                raise ConnectionClosed(self._closed)
        return self._texts.pop(0)

    async def send_message(self, text: str) -> None:
        if self._closed is not None:
            raise ConnectionClosed(self._closed)
        try:
            self._protocol.send_text(text.encode())
        except InvalidState:
            self._closed = self._close_reason()
            raise ConnectionClosed(self._closed) from None
        await self._flush()

    async def ping(self) -> None:
        self._pong = trio.Event()
        try:
            self._protocol.send_ping(b"capacitor")
        except InvalidState:
            raise ConnectionClosed(self._close_reason()) from None
        await self._flush()
        await self._pong.wait()

    async def aclose(self, code: int = 1000, reason: str | None = None) -> None:
        if self._protocol.state is State.OPEN:
            try:
                self._protocol.send_close(code, reason or "")
                await self._flush()
            except ConnectionClosed:
                pass
        self._closed = self._closed or CloseReason(code, reason)


class SansIoRequest:
    def __init__(self, stream: trio.SocketStream, protocol: ServerProtocol, request: Request):
        self._stream = stream
        self._protocol = protocol
        self._request = request
        self.path = request.path
        offered = request.headers.get_all("Sec-WebSocket-Protocol")
        self.proposed_subprotocols = [
            p.strip() for value in offered for p in value.split(",") if p.strip()
        ]
        try:
            host, port = stream.socket.getpeername()[:2]
            self.remote = f"{host}:{port}"
        except OSError:
            self.remote = "?"

    async def accept(self, *, subprotocol: str | None = None) -> SansIoWebSocket:
        self._protocol.send_response(self._protocol.accept(self._request))
        ws = SansIoWebSocket(self._stream, self._protocol)
        await ws._flush()
        return ws

    async def reject(self, status: int, *, body: bytes = b"") -> None:
        self._protocol.send_response(self._protocol.reject(status, body.decode(errors="replace")))
        data = self._protocol.data_to_send()
        with contextlib.suppress(trio.BrokenResourceError, trio.ClosedResourceError):
            await self._stream.send_all(b"".join(data))


async def wrap_server_stream(
    nursery: trio.Nursery, stream: trio.SocketStream, *, max_message_size: int
) -> Any:
    protocol = ServerProtocol(subprotocols=[SUBPROTOCOL], max_size=max_message_size)
    while True:
        data = await stream.receive_some(65536)
        if not data:
            raise ConnectionClosed(CloseReason(1006, "no handshake"))
        protocol.receive_data(data)
        for event in protocol.events_received():
            if isinstance(event, Request):
                return SansIoRequest(stream, protocol, event)
        if protocol.handshake_exc is not None:
            data = protocol.data_to_send()
            await stream.send_all(b"".join(data))
            raise ConnectionClosed(CloseReason(1002, "bad handshake"))


listener_module.wrap_server_stream = wrap_server_stream  # type: ignore[assignment]

if __name__ == "__main__":
    sys.exit(main())
