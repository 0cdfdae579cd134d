"""One keep-alive HTTP/1.1 connection to a webhook receiver: h11 (the sans-IO HTTP/1.1 library
hypercorn and httpx are built on) over a Trio TCP or TLS stream.

Not httpx: on the box's one core every delivery competes with chargers, and an httpx POST cost
~770 us of server CPU against ~0.1 ms here (bench/events_bench.py, docs/PERFORMANCE.md). A
webhook needs one thing of HTTP: POST a small body, read the status, keep the connection.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

import h11
import trio

#: Bytes of a response body read (and dropped) before the connection is given up.
MAX_RESPONSE_BODY = 64 * 1024


class ReceiverError(Exception):
    """The exchange failed: no connection, TLS refused, or not an HTTP answer."""


class Connection:
    def __init__(self, url: str, ssl_context: ssl.SSLContext, user_agent: str) -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None  # checked when the webhook was made
        self._tls = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._tls else 80)
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._authority = parts.netloc.rpartition("@")[2]
        self._context = ssl_context
        self._user_agent = user_agent
        self._stream: trio.abc.Stream | None = None
        self._http = h11.Connection(h11.CLIENT)

    async def aclose(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with trio.CancelScope(shield=True), trio.move_on_after(1):
                await stream.aclose()

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        """POST ``body``; the response's status. A kept-alive connection the receiver closed
        meanwhile is replaced once (nothing was answered on it, so nothing was delivered)."""
        reused = self._stream is not None
        try:
            return await self._exchange(body, headers)
        except ReceiverError:
            await self.aclose()
            if not reused:
                raise
        return await self._exchange(body, headers)

    async def _connect(self) -> trio.abc.Stream:
        try:
            tcp = await trio.open_tcp_stream(self._host, self._port)
        except OSError as error:
            raise ReceiverError(f"cannot connect to {self._host}:{self._port}: {error}") from None
        if not self._tls:
            return tcp
        stream = trio.SSLStream(tcp, self._context, server_hostname=self._host)
        try:
            await stream.do_handshake()
        except trio.BrokenResourceError as error:
            await tcp.aclose()
            raise ReceiverError(f"TLS: {error.__cause__ or error}") from None
        return stream

    async def _exchange(self, body: bytes, headers: dict[str, str]) -> int:
        if self._stream is None:
            self._stream = await self._connect()
            self._http = h11.Connection(h11.CLIENT)
        stream, http = self._stream, self._http
        request = h11.Request(
            method="POST",
            target=self._target,
            headers=[
                ("host", self._authority),
                ("user-agent", self._user_agent),
                ("content-length", str(len(body))),
                *headers.items(),
            ],
        )
        try:
            # One write for the whole request: one system call and one trip through trio.
            message = http.send(request) + http.send(h11.Data(data=body))
            await stream.send_all(message + http.send(h11.EndOfMessage()))
            status = 0
            received = 0
            while True:
                event = http.next_event()
                if event is h11.NEED_DATA:
                    data = await stream.receive_some(65536)
                    http.receive_data(bytes(data))
                    continue
                if isinstance(event, h11.Response):
                    status = event.status_code
                elif isinstance(event, h11.Data):
                    received += len(event.data)
                    if received > MAX_RESPONSE_BODY:
                        raise ReceiverError("response body too large")
                elif isinstance(event, h11.EndOfMessage):
                    break
                elif isinstance(event, h11.ConnectionClosed):
                    raise ReceiverError("connection closed before an answer")
        except (trio.BrokenResourceError, trio.ClosedResourceError, h11.ProtocolError) as error:
            raise ReceiverError(f"{type(error).__name__}: {error}") from None
        if http.our_state is h11.DONE and http.their_state is h11.DONE:
            http.start_next_cycle()  # kept alive for the next event
        else:
            await self.aclose()
        return status
