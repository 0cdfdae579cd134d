"""Reading and writing a charger's plain TCP socket with one system call and at most one
scheduler pass per step, where trio's ``SocketStream`` takes more.

Per OCPP round trip trio's stream first tries ``recv`` (which, right after our answer, almost
always fails with EAGAIN and an exception), then waits for readability and reads; its
``send_all`` then yields to the scheduler once more after a send that went through. Here a read
waits for readability first (the one checkpoint of the step) and reads once; a send writes at
once and falls back to the stream only when the socket buffer is full. The savings are one
system call, one exception and one scheduler pass per round trip (docs/PERFORMANCE.md, issue
21). TLS and in-memory streams keep their own methods.
"""

from __future__ import annotations

import errno
import os

import trio


class SocketIO:
    """``receive_some``/``send_all`` of one stream; direct on a plain ``SocketStream``."""

    __slots__ = ("_fd", "_socket", "_stream")

    def __init__(self, stream: trio.abc.Stream) -> None:
        self._stream = stream
        self._socket = stream.socket if isinstance(stream, trio.SocketStream) else None
        self._fd = -1 if self._socket is None else self._socket.fileno()

    def _open_fd(self) -> int:
        """The descriptor while the socket is open. Checked before each use: once its owner
        closed it, the number may already belong to another connection."""
        if self._socket is None or self._socket.fileno() != self._fd:
            raise trio.ClosedResourceError("the socket was closed")
        return self._fd

    async def receive_some(self, max_bytes: int) -> bytes | bytearray:
        """Up to ``max_bytes``; b"" at the end of the stream or once the connection broke."""
        if self._fd < 0:
            try:
                return await self._stream.receive_some(max_bytes)
            except (trio.BrokenResourceError, trio.ClosedResourceError):
                return b""
        while True:
            try:
                await trio.lowlevel.wait_readable(self._open_fd())
                return os.read(self._open_fd(), max_bytes)
            except trio.ClosedResourceError:
                return b""  # closed by its owner (the listener), maybe while we waited
            except BlockingIOError:
                continue  # readable for a moment only
            except OSError:
                return b""  # reset by the peer: as the stream says, the connection broke

    def send_now(self, data: bytes) -> int:
        """As much of ``data`` as the socket takes without waiting (0 for a stream that is not
        a plain socket), or :class:`trio.BrokenResourceError` /
        :class:`trio.ClosedResourceError` as the stream would raise. No checkpoint."""
        if self._fd < 0:
            return 0
        try:
            return os.write(self._open_fd(), data)
        except BlockingIOError:
            return 0
        except OSError as error:
            if error.errno == errno.EBADF:
                raise trio.ClosedResourceError from None
            raise trio.BrokenResourceError from error

    async def send_all(self, data: bytes) -> None:
        """All of ``data``, or :class:`trio.BrokenResourceError` /
        :class:`trio.ClosedResourceError` as the stream would raise."""
        sent = self.send_now(data)
        if sent < len(data):
            # The socket buffer is full (or not a plain socket): trio's stream waits for room.
            await self._stream.send_all(memoryview(data)[sent:] if sent else data)
