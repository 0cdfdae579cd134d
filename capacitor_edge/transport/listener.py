"""The OCPP listener: chargers connect at ``ws[s]://HOST:PORT/ocpp/{chargeBoxId}``.

The TCP accept loop, the TLS handshake and the WebSocket upgrade are our own code (WebSockets
themselves in :mod:`capacitor_edge.transport.websocket`), so each connection's failures stay
inside that connection: an exception escaping a handler under trio-websocket's
``serve_websocket`` tears down the whole listener and every other charger's session, and it
holds failed TLS handshakes open. Refusals happen before the upgrade with a plain HTTP status,
and each one is recorded as a connection attempt.

With TLS, a failed handshake is dropped at once, and the verified client certificate is read for
security profile 3. Who may connect is decided by the domain
(:mod:`capacitor_edge.domain.charger_credentials`); this module only gathers the facts and answers.
"""

from __future__ import annotations

import logging
import math
import ssl
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote, urlsplit

import trio

from capacitor_edge.domain.charger_credentials import ChargerAuth, LinkCredentials, RefusalKind
from capacitor_edge.domain.charger_messages import ChargerIdentity, ChargerMessages
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.protocol import OcppSession, SchemaRegistry
from capacitor_edge.transport.connection import ChargerConnection, LinkTimings
from capacitor_edge.transport.handshake import (
    HandshakeGate,
    LinkFacts,
    Pending,
    TlsFailed,
    forget_request,
    release_tls,
    tls_handshake,
)
from capacitor_edge.transport.keeper import LinkKeeper
from capacitor_edge.transport.tls import basic_credentials
from capacitor_edge.transport.websocket import (
    HandshakeFailed,
    UpgradeRequest,
    WebSocket,
    read_upgrade_request,
    release,
)

log = logging.getLogger("capacitor_edge.ocpp")

SUBPROTOCOL = "ocpp1.6"
PATH_PREFIX = "/ocpp/"
#: How long closing a TLS connection may wait for its close_notify to go out.
TLS_CLOSE_S = 1.0
#: The realm of the Basic challenge sent with a 401 (RFC 7617).
BASIC_REALM = b'Basic realm="capacitor-edge", charset="UTF-8"'
#: How often each charger's message trace is cut back to ``message_trace_limit``.
TRACE_PRUNE_INTERVAL_S = 60.0
#: On shutdown, how long sessions get to finish their closing handshake.
SHUTDOWN_CLOSE_S = 1.0
#: How often to look whether a burst of connections has ended, and how many make one: the
#: full collection after one costs tens of ms at 10,000 live chargers, so not for a few.
BURST_CHECK_S = 10.0
BURST_CONNECTIONS = 256
#: RFC 6455 §7.4.1: 1002 protocol error (no subprotocol offered, OCPP-J 1.6 §3.1.2).
CLOSE_PROTOCOL_ERROR = 1002


def charge_box_id_from_path(path: str) -> str | None:
    """``/ocpp/CP%2D1?x=y`` → ``CP-1``; None for any other path."""
    resource = urlsplit(path).path
    if not resource.startswith(PATH_PREFIX):
        return None
    raw = resource[len(PATH_PREFIX) :]
    if not raw or "/" in raw:
        return None
    return unquote(raw)


_REFUSAL_STATUS = {
    RefusalKind.UNAUTHORIZED: 401,
    RefusalKind.FORBIDDEN: 403,
    RefusalKind.RATE_LIMITED: 429,
}


async def _close(
    transport: trio.SocketStream | trio.SSLStream[trio.SocketStream], stream: trio.SocketStream
) -> None:
    """Close a connection (again is harmless): TLS with a bounded close_notify, then TCP."""
    with trio.CancelScope(shield=True):
        if isinstance(transport, trio.SSLStream):
            with trio.move_on_after(TLS_CLOSE_S):
                await transport.aclose()
            release_tls(transport)
        await stream.aclose()


def _log_connected(connection: ChargerConnection, remote: str) -> None:
    """Logged from here, not from the session's own coroutine: ``logging`` looks up its
    caller's frame, and a frame object made for a coroutine lives as long as the coroutine
    (the whole session: ~0.25 KiB per idle charger, tracemalloc); this one ends here."""
    log.info("connected from %s", remote, extra=connection.log_extra)


class OcppListener:
    def __init__(
        self,
        messages: ChargerMessages,
        live: LiveChargers,
        schemas: SchemaRegistry,
        timings: LinkTimings,
        *,
        max_message_bytes: int,
        max_connections: int,
        handshakes: HandshakeGate,
        auth: ChargerAuth | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._auth = auth
        self._ssl_context = ssl_context
        self._messages = messages
        self._live = live
        self._schemas = schemas
        self._timings = timings
        self._max_message_bytes = max_message_bytes
        self._max_connections = max_connections
        self._handled = frozenset(messages.handlers)
        self.keeper = LinkKeeper(timings)
        self.handshakes = handshakes
        #: Every open connection, in its handshake or past it (what the file descriptors hold).
        self.open_connections = 0
        #: Connections past their handshake: what ``max_connections`` counts.
        self._upgraded = 0
        #: Connections ended since start (for giving memory back after a burst).
        self.closed_connections = 0
        self._all_closed = trio.Event()
        self._all_closed.set()

    # The two entry points return ``_handle``'s coroutine rather than awaiting it: one
    # coroutine frame less held for each connection's whole life (memory per idle charger).

    def handle_stream(self, stream: trio.SocketStream, remote: str) -> Coroutine[Any, Any, None]:
        """One plain TCP connection (``ws://``) from ``remote``, start to end. Never raises."""
        return self._handle(stream, remote, None)

    def handle_tls_stream(
        self, stream: trio.SocketStream, remote: str
    ) -> Coroutine[Any, Any, None]:
        """One TCP connection on the TLS port (``wss://``), start to end. Never raises."""
        if self._ssl_context is None:
            raise RuntimeError("handle_tls_stream needs an ssl_context")
        return self._handle(stream, remote, self._ssl_context)

    async def _handle(
        self, stream: trio.SocketStream, remote: str, ssl_context: ssl.SSLContext | None
    ) -> None:
        """Failures here are this connection's: an exception escaping would take down the
        listener and every other charger's session (DESIGN.md)."""
        self.open_connections += 1
        self._all_closed = trio.Event() if self.open_connections == 1 else self._all_closed
        transport: trio.SocketStream | trio.SSLStream[trio.SocketStream] = stream
        request: UpgradeRequest | None = None
        try:
            facts = LinkFacts(remote=remote)
            failure: str | None = None
            record = False
            # Past max_connections, a connection still in its handshake makes room for this one
            # (silent sockets must not hold the slots chargers need).
            crowded = self.open_connections > self._max_connections
            with self.handshakes.admit(crowded) as pending:
                try:
                    if ssl_context is not None:
                        transport, facts = await tls_handshake(stream, ssl_context, facts.remote)
                    request = await read_upgrade_request(
                        transport, max_message_bytes=self._max_message_bytes
                    )
                except (TlsFailed, HandshakeFailed) as failed:
                    failure, record = str(failed), isinstance(failed, TlsFailed)
            evicted, timed_out = pending.evicted, pending.scope.cancelled_caught
            # Not kept in this frame for the session's life (with its cancel scope: ~0.2 KiB
            # per idle charger, tracemalloc).
            del pending
            if request is None:
                if evicted:
                    # A flood: the gate logs it once per max_pending_handshakes closed; a log
                    # line and a database row each would only amplify it.
                    return
                if timed_out:
                    failure, record = Pending.reason(self.handshakes.timeout_s), True
                log.info("dropped a connection from %s: %s", facts.remote, failure)
                if record:
                    # Closed first: nobody awaits an answer, and the socket need not wait for
                    # the record's commit.
                    await _close(transport, stream)
                    await self._messages.refused("", None, facts.remote, failure or "")
                return
            self._upgraded += 1
            try:
                opened = await self._upgrade(request, facts)
                # The request (its headers) is not kept for the session's lifetime: memory per
                # idle charger is a target (README, docs/PERFORMANCE.md).
                protocol, request = request.protocol, None
                try:
                    if opened is not None:
                        await self._run_session(*opened, facts)
                finally:
                    release(protocol)
            finally:
                self._upgraded -= 1
        except Exception:
            log.exception("a charger connection failed")
        finally:
            if request is not None:
                release(request.protocol)
            await _close(transport, stream)
            self.open_connections -= 1
            self.closed_connections += 1
            if self.open_connections == 0:
                self._all_closed.set()

    async def _upgrade(
        self, request: UpgradeRequest, facts: LinkFacts
    ) -> tuple[WebSocket, ChargerIdentity] | None:
        """Answer the upgrade request: the open WebSocket and its charger, or None if the
        request was refused (answered and recorded) or the session is already over."""
        remote = facts.remote
        charge_box_id = charge_box_id_from_path(request.path)
        if charge_box_id is None:
            await self._refuse(request, 404, "", None, remote, f"no such path {request.path[:80]}")
            return None
        if self._upgraded > self._max_connections:
            log.warning(
                "refused %s from %s: %d connections open (max_connections)",
                charge_box_id,
                remote,
                self._upgraded - 1,
                extra={"chargeBoxId": charge_box_id},
            )
            await request.reject(503, b"too many connections")
            return None
        charger = await self._messages.identify(charge_box_id)
        if charger is None:
            await self._refuse(request, 404, charge_box_id, None, remote, "unknown chargeBoxId")
            return None
        if self._auth is not None:
            refusal = await self._auth.admit(
                charger,
                LinkCredentials(
                    remote=remote,
                    tls=facts.tls,
                    client_cn=facts.client_cn,
                    basic=basic_credentials(request.authorization),
                ),
            )
            if refusal is not None:
                headers: list[tuple[bytes, bytes]] = []
                if refusal.kind is RefusalKind.UNAUTHORIZED:
                    headers.append((b"WWW-Authenticate", BASIC_REALM))
                if refusal.retry_after_s is not None:
                    retry = str(max(1, math.ceil(refusal.retry_after_s))).encode()
                    headers.append((b"Retry-After", retry))
                await self._refuse(
                    request,
                    _REFUSAL_STATUS[refusal.kind],
                    charge_box_id,
                    charger.org_id,
                    remote,
                    refusal.reason,
                    headers,
                )
                return None
        offered = request.proposed_subprotocols
        if offered and SUBPROTOCOL not in offered:
            await self._refuse(
                request,
                400,
                charge_box_id,
                charger.org_id,
                remote,
                f"unsupported subprotocols {', '.join(offered)[:80]}",
            )
            return None
        if not offered:
            # OCPP-J 1.6 §3.1.2: a connection without the subprotocol is accepted and then
            # closed as a protocol error, so the charger's log says why.
            await self._record_refusal(
                charge_box_id, charger.org_id, remote, "no subprotocol offered"
            )
            ws = await self._accept(request, None, charger, remote)
            if ws is not None:
                with trio.move_on_after(SHUTDOWN_CLOSE_S):
                    await ws.aclose(CLOSE_PROTOCOL_ERROR, "subprotocol ocpp1.6 required")
            return None
        ws = await self._accept(request, SUBPROTOCOL, charger, remote)
        return None if ws is None else (ws, charger)

    async def _accept(
        self,
        request: UpgradeRequest,
        subprotocol: str | None,
        charger: ChargerIdentity,
        remote: str,
    ) -> WebSocket | None:
        """The open WebSocket, or None if the request was no valid upgrade (the client has been
        answered 400/426 and the attempt is recorded)."""
        try:
            ws = await request.accept(subprotocol)
        except HandshakeFailed as failed:
            await self._record_refusal(
                charger.charge_box_id, charger.org_id, remote, str(failed)[:200]
            )
            return None
        forget_request(request.protocol)
        return ws

    async def _refuse(
        self,
        request: UpgradeRequest,
        status: int,
        charge_box_id: str,
        org_id: str | None,
        remote: str,
        reason: str,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        # Recorded before the charger hears the answer, so the record is there when it looks.
        await self._record_refusal(charge_box_id, org_id, remote, reason)
        await request.reject(status, reason.encode(), headers)

    async def _record_refusal(
        self, charge_box_id: str, org_id: str | None, remote: str, reason: str
    ) -> None:
        """Log a refused (or refused-after-accepting) connection and record the attempt."""
        log.info(
            "refused %r from %s: %s",
            charge_box_id,
            remote,
            reason,
            extra={"chargeBoxId": charge_box_id} if charge_box_id else None,
        )
        await self._messages.refused(charge_box_id, org_id, remote, reason)

    async def _run_session(self, ws: WebSocket, charger: ChargerIdentity, facts: LinkFacts) -> None:
        remote = facts.remote
        # For the charger's connection block (GET /api/v1/chargers/{id}/connection).
        charger.connection.remote_address, charger.connection.tls = remote, facts.tls
        session = OcppSession(self._schemas, self._handled)
        connection = ChargerConnection(ws, charger, session, self._messages, self._timings)
        previous = self._live.attach(connection)
        if previous is not None:
            # The newest connection wins: a charger that reconnects after a network hiccup
            # must not be locked out by its own half-open ghost.
            log.info(
                "new connection from %s replaces the old one", remote, extra=connection.log_extra
            )
            previous.close(1000, "replaced by a new connection")
        _log_connected(connection, remote)
        self.keeper.add(connection)
        try:
            await self._messages.connected(charger)
            await connection.run()
        finally:
            self.keeper.discard(connection)
            if self._live.detach(connection):
                with trio.CancelScope(shield=True):
                    await self._messages.disconnected(charger, *connection.ended)

    async def shutdown_sessions(self) -> None:
        """Ask every session to close with 1001 (going away) and give them a moment."""
        for link in self._live.links():
            link.close(1001, "central system shutting down")
        with trio.move_on_after(SHUTDOWN_CLOSE_S):
            await self._all_closed.wait()

    async def release_memory_after_bursts(self, release: Callable[[], object]) -> None:
        """Call ``release`` when at least ``BURST_CONNECTIONS`` connections have ended since
        the last call: their memory sits in reference cycles (trio's SSLStream) and in free
        glibc heap, neither of which an idle server gives back on its own (bench/half_open.py,
        docs/PERFORMANCE.md)."""
        seen = self.closed_connections
        while True:
            await trio.sleep(BURST_CHECK_S)
            if self.closed_connections - seen >= BURST_CONNECTIONS:
                seen = self.closed_connections
                release()

    async def prune_traces(self, keep: int) -> None:
        while True:
            await trio.sleep(TRACE_PRUNE_INTERVAL_S)
            await self._messages.prune_traces(keep)
