"""One simulated charger's WebSocket connection: TCP (and TLS), the OCPP-J handshake, text frames.

The TCP/TLS stream is opened here, not by ``trio_websocket.open_websocket_url``, so that it is
closed on every path, including a handshake the Central System refuses (trio-websocket leaves
the socket open then). trio-websocket's reader task runs in the caller's nursery.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from urllib.parse import urlsplit

import trio
from trio_websocket import (
    ConnectionClosed,
    ConnectionRejected,
    HandshakeError,
    WebSocketConnection,
    wrap_client_stream,
)

from capacitor_edge.simulator.options import SUBPROTOCOL
from capacitor_edge.simulator.report import Stats

#: How long our closing handshake may take before the socket is simply dropped.
CLOSE_TIMEOUT_S = 1.0

Stream = trio.SocketStream | trio.SSLStream[trio.SocketStream]


class ConnectFailed(Exception):
    """The charger could not get an OCPP session; ``kind`` is a short label for the summary."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


class LinkClosed(Exception):
    """The connection is gone (closed by either side or broken)."""


def _tls_failure(error: BaseException) -> ConnectFailed | None:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return ConnectFailed("tls-certificate", cause.verify_message or str(cause))
        if isinstance(cause, ssl.SSLError):
            return ConnectFailed("tls", cause.reason or str(cause))
        cause = cause.__cause__ or cause.__context__
    return None


async def open_stream(url: str, context: ssl.SSLContext | None, timeout_s: float) -> Stream:
    """TCP, then TLS for ``wss://`` (server certificate and host name verified)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        with trio.fail_after(timeout_s):
            tcp = await trio.open_tcp_stream(host, port)
    except trio.TooSlowError:
        raise ConnectFailed("timeout", f"TCP connect to {host}:{port}") from None
    except OSError as error:
        raise ConnectFailed(_os_kind(error), str(error)) from None
    if context is None:
        return tcp
    tls = trio.SSLStream(tcp, context, server_hostname=host, https_compatible=True)
    try:
        with trio.fail_after(timeout_s):
            await tls.do_handshake()
    except BaseException as error:
        await trio.aclose_forcefully(tls)
        if isinstance(error, trio.TooSlowError):
            raise ConnectFailed("timeout", "TLS handshake") from None
        failure = _tls_failure(error)
        if failure is not None:
            raise failure from None
        if isinstance(error, trio.BrokenResourceError | OSError):
            raise ConnectFailed("tls", str(error) or type(error).__name__) from None
        raise
    return tls


def _os_kind(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    return type(error).__name__


#: What trio-websocket raises when the Central System refuses the upgrade.
HANDSHAKE_ERRORS = (HandshakeError,)


def handshake_failure(group: BaseExceptionGroup[HandshakeError]) -> ConnectFailed:
    """The ConnectFailed for a refused upgrade (e.g. HTTP 401 or 404) raised in a nursery."""
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    if isinstance(error, ConnectionRejected):
        return ConnectFailed(f"http-{error.status_code}")
    return ConnectFailed("handshake", type(error).__name__)


class Link:
    """An open OCPP-J WebSocket, counting the frames each way into ``stats``."""

    def __init__(self, ws: WebSocketConnection, stats: Stats) -> None:
        self._ws = ws
        self._stats = stats

    @property
    def close_code(self) -> int | None:
        reason = self._ws.closed
        return None if reason is None else reason.code

    @classmethod
    async def handshake(
        cls,
        nursery: trio.Nursery,
        stream: Stream,
        url: str,
        extra_headers: Sequence[tuple[bytes, bytes]],
        timeout_s: float,
        stats: Stats,
    ) -> Link:
        """The HTTP upgrade offering ``ocpp1.6`` (OCPP-J 1.6 §3.1.2)."""
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]  # the Host header: host[:port] as in the URL
        resource = parts.path or "/"
        try:
            with trio.fail_after(timeout_s):
                ws = await wrap_client_stream(
                    nursery,
                    stream,
                    host,
                    resource,
                    subprotocols=[SUBPROTOCOL],
                    extra_headers=list(extra_headers),
                )
        except trio.TooSlowError:
            raise ConnectFailed("timeout", "WebSocket handshake") from None
        except ConnectionRejected as rejected:
            raise ConnectFailed(f"http-{rejected.status_code}") from None
        except (HandshakeError, ConnectionClosed) as error:
            raise ConnectFailed("handshake", type(error).__name__) from None
        except (trio.BrokenResourceError, OSError) as error:
            failure = _tls_failure(error) or ConnectFailed("handshake", str(error))
            raise failure from None
        if ws.subprotocol != SUBPROTOCOL:
            # A Central System that does not echo ocpp1.6 does not speak it (OCPP-J 1.6 §3.1.2).
            with trio.move_on_after(CLOSE_TIMEOUT_S):
                await ws.aclose(1002, "subprotocol ocpp1.6 required")
            raise ConnectFailed("no-subprotocol")
        return cls(ws, stats)

    async def send(self, text: str) -> None:
        try:
            await self._ws.send_message(text)
        except (ConnectionClosed, trio.BrokenResourceError, trio.ClosedResourceError):
            raise LinkClosed from None
        self._stats.messages_sent += 1

    async def receive(self) -> str:
        try:
            message = await self._ws.get_message()
        except (ConnectionClosed, trio.BrokenResourceError, trio.ClosedResourceError):
            raise LinkClosed from None
        self._stats.messages_received += 1
        if isinstance(message, bytes):
            return message.decode("utf-8", "replace")
        return message

    async def close(self, code: int = 1000, reason: str = "") -> None:
        with trio.move_on_after(CLOSE_TIMEOUT_S):
            await self._ws.aclose(code, reason)
