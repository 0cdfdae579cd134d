"""Connections still in their opening handshake: the TLS handshake and the HTTP upgrade
request, under one deadline and one cap.

Measured (bench/half_open.py, docs/PERFORMANCE.md): a socket that never finishes its handshake
costs the server ~8 KiB before TLS and ~60-75 KiB with half a TLS ClientHello (OpenSSL's
record and handshake buffers). Without a cap, 3,000 of them took 175 MiB, and every one of
them counted against ``max_connections``, so a flood of silent sockets could keep chargers out.

So the gate gives each new connection ``handshake_timeout_s`` from its accept to finish both
handshakes, and holds at most ``max_pending_handshakes`` of them: past that the *oldest* is
closed. A live charger's handshake on the site's LAN takes milliseconds, so a flood of silent
sockets is evicted long before a charger that connects in the middle of it; refusing the
newest instead would refuse that charger.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import trio
from websockets.protocol import Protocol
from websockets.server import ServerProtocol
from websockets.streams import StreamReader

from capacitor_edge.transport.tls import client_common_name

log = logging.getLogger("capacitor_edge.ocpp")


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """What the transport knows about a connection before its HTTP request."""

    #: The peer's IP address.
    remote: str = "unknown"
    tls: bool = False
    #: Subject CN of a client certificate that verified against the charger CA.
    client_cn: str | None = None


def forget_request(protocol: ServerProtocol) -> bool:
    """Let the upgrade request go once it is answered. ``websockets``' parser is one generator
    for the connection's life, and its handshake step keeps the parsed request (headers, ~2.6
    KiB) as a local while it goes on to read frames: measured with tracemalloc, the largest
    item an idle charger held (docs/PERFORMANCE.md, issue 21's storm section).

    The generator is swapped for a fresh frame reader only where that is exact: suspended at
    the top of its frame loop, waiting for data with none buffered (a charger that pipelined
    part of a frame behind its request keeps the old one). True if it was swapped."""
    parser = protocol.parser
    frames = getattr(parser, "gi_yieldfrom", None)  # ServerProtocol.parse -> Protocol.parse
    waiting = getattr(frames, "gi_yieldfrom", None)  # -> StreamReader.at_eof
    if (
        getattr(frames, "gi_code", None) is not Protocol.parse.__code__
        or getattr(waiting, "gi_code", None) is not StreamReader.at_eof.__code__
        or protocol.reader.buffer
    ):
        return False
    fresh = Protocol.parse(protocol)
    next(fresh)  # to its first wait for data, as the old one was
    parser.close()
    protocol.parser = fresh
    return True


class TlsFailed(Exception):
    """The TLS handshake failed; the message says why (it is recorded as the attempt's reason)."""


def release_tls(secured: trio.SSLStream[trio.SocketStream]) -> None:
    """Break trio's ``SSLStream`` reference cycle once the connection is over: its
    handshake-once helper holds a bound method of the stream, so the OpenSSL object and its
    buffers (~60 KiB mid-handshake) otherwise wait for a full collection. Measured: 3,000
    half-open TLS sockets kept ~225 MiB in use until one ran (bench/half_open.py). A no-op
    should trio's internals change."""
    vars(secured).pop("_handshook", None)


async def tls_handshake(
    stream: trio.SocketStream, ssl_context: ssl.SSLContext, remote: str
) -> tuple[trio.SSLStream[trio.SocketStream], LinkFacts]:
    """The TLS stream over ``stream`` and what its handshake says about the peer. The caller
    bounds the time; a failed handshake raises :class:`TlsFailed` at once."""
    secured = trio.SSLStream(stream, ssl_context, server_side=True)
    try:
        await secured.do_handshake()
    except trio.BrokenResourceError as error:
        release_tls(secured)
        cause = error.__cause__
        detail = getattr(cause, "reason", None) or str(cause or "connection closed")
        raise TlsFailed(f"TLS handshake failed: {detail}"[:200]) from None
    except BaseException:
        release_tls(secured)  # timed out, closed to make room, or shutting down
        raise
    return secured, LinkFacts(
        remote=remote, tls=True, client_cn=client_common_name(secured.getpeercert())
    )


class Pending:
    """One connection in its handshake: its deadline's cancel scope, and whether the gate
    closed it to make room (rather than its deadline passing)."""

    __slots__ = ("evicted", "scope")

    def __init__(self, scope: trio.CancelScope) -> None:
        self.scope = scope
        self.evicted = False

    @staticmethod
    def reason(timeout_s: float) -> str:
        """Why a handshake that ran out of time did not finish, as recorded for the attempt."""
        return f"no TLS handshake and WebSocket upgrade within {timeout_s:g} s"


class HandshakeGate:
    def __init__(self, *, timeout_s: float, limit: int) -> None:
        self.timeout_s = timeout_s
        self._limit = limit
        #: Insertion order is accept order: the first key is the oldest handshake.
        self._pending: dict[Pending, None] = {}
        #: Connections closed to make room, since start (logged once per flood).
        self.evicted = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    @contextmanager
    def admit(self, crowded: bool = False) -> Iterator[Pending]:
        """Run a connection's handshake inside this block; it is cancelled at the deadline or
        when the gate needs room (then ``Pending.scope.cancelled_caught`` is set). ``crowded``:
        the listener is at its connection limit, so the oldest handshake makes room even
        below this gate's own limit."""
        entry = Pending(trio.CancelScope(deadline=trio.current_time() + self.timeout_s))
        if self._pending and (crowded or len(self._pending) >= self._limit):
            oldest = next(iter(self._pending))
            del self._pending[oldest]
            oldest.evicted = True
            oldest.scope.cancel()
            if self.evicted % self._limit == 0:
                log.warning(
                    "%d connections in handshake (max_pending_handshakes or max_connections): "
                    "closing the oldest; %d closed so far",
                    len(self._pending) + 1,
                    self.evicted,
                )
            self.evicted += 1
        self._pending[entry] = None
        try:
            with entry.scope:
                yield entry
        finally:
            self._pending.pop(entry, None)
