"""The OCPP listener: chargers connect at ``ws[s]://HOST:PORT/ocpp/{chargeBoxId}``.

The TCP accept loop, the TLS handshake and the WebSocket upgrade are our own code (WebSockets
themselves in :mod:`capacitor_edge.transport.websocket`), so each connection's failures stay
inside that connection: an exception escaping a handler under trio-websocket's
``serve_websocket`` tears down the whole listener and every other charger's session, and it
holds failed TLS handshakes open. Refusals happen before the upgrade with a plain HTTP status,
and each one is recorded as a connection attempt.

With TLS, a failed handshake is dropped at once, and the verified client certificate is read for
security profile 3. Who may connect is decided by the domain
(:mod:`capacitor_edge.domain.charger_auth`); this module only gathers the facts and answers.
"""

from __future__ import annotations

import logging
import math
import ssl
from dataclasses import dataclass
from functools import partial
from urllib.parse import unquote, urlsplit

import trio

from capacitor_edge.domain.charger_auth import ChargerAuth, LinkCredentials, RefusalKind
from capacitor_edge.domain.charger_messages import ChargerIdentity, ChargerMessages
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.services import Services
from capacitor_edge.protocol import OcppSession, SchemaRegistry
from capacitor_edge.settings import HostPort
from capacitor_edge.transport.connection import ChargerConnection, LinkTimings
from capacitor_edge.transport.keeper import LinkKeeper
from capacitor_edge.transport.ports import open_listeners
from capacitor_edge.transport.tls import (
    basic_credentials,
    client_common_name,
    ocpp_ssl_context_for,
)
from capacitor_edge.transport.websocket import (
    HandshakeFailed,
    UpgradeRequest,
    WebSocket,
    read_upgrade_request,
)

log = logging.getLogger("capacitor_edge.ocpp")

SUBPROTOCOL = "ocpp1.6"
PATH_PREFIX = "/ocpp/"
#: A client that has not finished its HTTP upgrade request by then is dropped.
HANDSHAKE_TIMEOUT_S = 10.0
#: A client that has not finished its TLS handshake by then is dropped (a failed one at once).
TLS_HANDSHAKE_TIMEOUT_S = 5.0
#: How long closing a TLS connection may wait for its close_notify to go out.
TLS_CLOSE_S = 1.0
#: The realm of the Basic challenge sent with a 401 (RFC 7617).
BASIC_REALM = b'Basic realm="capacitor-edge", charset="UTF-8"'
#: How often each charger's message trace is cut back to ``message_trace_limit``.
TRACE_PRUNE_INTERVAL_S = 60.0
#: On shutdown, how long sessions get to finish their closing handshake.
SHUTDOWN_CLOSE_S = 1.0
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


def _peer_address(stream: trio.SocketStream) -> str:
    try:
        return str(stream.socket.getpeername()[0])
    except OSError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class LinkFacts:
    """What the transport knows about a connection before its HTTP request."""

    #: The peer's IP address.
    remote: str = "unknown"
    tls: bool = False
    #: Subject CN of a client certificate that verified against the charger CA.
    client_cn: str | None = None


_REFUSAL_STATUS = {
    RefusalKind.UNAUTHORIZED: 401,
    RefusalKind.FORBIDDEN: 403,
    RefusalKind.RATE_LIMITED: 429,
}


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
        self.open_connections = 0
        self._all_closed = trio.Event()
        self._all_closed.set()

    async def handle_stream(self, stream: trio.SocketStream) -> None:
        """One plain TCP connection (``ws://``), start to end. Never raises."""
        await self._handle(stream, None)

    async def handle_tls_stream(self, stream: trio.SocketStream) -> None:
        """One TCP connection on the TLS port (``wss://``), start to end. Never raises."""
        if self._ssl_context is None:
            raise RuntimeError("handle_tls_stream needs an ssl_context")
        await self._handle(stream, self._ssl_context)

    async def _handle(self, stream: trio.SocketStream, ssl_context: ssl.SSLContext | None) -> None:
        """Failures here are this connection's: an exception escaping would take down the
        listener and every other charger's session (DESIGN.md)."""
        self.open_connections += 1
        self._all_closed = trio.Event() if self.open_connections == 1 else self._all_closed
        transport: trio.SocketStream | trio.SSLStream[trio.SocketStream] = stream
        try:
            facts = LinkFacts(remote=_peer_address(stream))
            if ssl_context is not None:
                secured = await self._tls_handshake(stream, ssl_context, facts.remote)
                if secured is None:
                    return
                transport, facts = secured
            request: UpgradeRequest | None = None
            with trio.move_on_after(HANDSHAKE_TIMEOUT_S):
                try:
                    request = await read_upgrade_request(
                        transport, max_message_bytes=self._max_message_bytes
                    )
                except HandshakeFailed as failed:
                    log.info("dropped a connection from %s: %s", facts.remote, failed)
                    return
            if request is None:
                log.info("dropped a connection that sent no WebSocket handshake in time")
                return
            opened = await self._upgrade(request, facts)
            # The request (its headers) is not kept for the session's lifetime: memory per idle
            # charger is a target (README, docs/PERFORMANCE.md).
            request = None
            if opened is not None:
                await self._run_session(*opened, facts.remote)
        except Exception:
            log.exception("a charger connection failed")
        finally:
            with trio.CancelScope(shield=True):
                if transport is not stream:
                    with trio.move_on_after(TLS_CLOSE_S):
                        await transport.aclose()
                await stream.aclose()
            self.open_connections -= 1
            if self.open_connections == 0:
                self._all_closed.set()

    async def _tls_handshake(
        self, stream: trio.SocketStream, ssl_context: ssl.SSLContext, remote: str
    ) -> tuple[trio.SSLStream[trio.SocketStream], LinkFacts] | None:
        """The TLS stream and what it says about the peer; None (logged and recorded) if the
        handshake failed or took too long. The caller closes the TCP stream."""
        secured = trio.SSLStream(stream, ssl_context, server_side=True)
        reason: str | None = None
        try:
            with trio.fail_after(TLS_HANDSHAKE_TIMEOUT_S):
                await secured.do_handshake()
        except trio.TooSlowError:
            reason = "TLS handshake timed out"
        except trio.BrokenResourceError as error:
            cause = error.__cause__
            detail = getattr(cause, "reason", None) or str(cause or "connection closed")
            reason = f"TLS handshake failed: {detail}"[:200]
        if reason is not None:
            log.info("dropped a connection from %s: %s", remote, reason)
            await self._messages.refused("", None, remote, reason)
            return None
        certificate = secured.getpeercert()
        return secured, LinkFacts(
            remote=remote, tls=True, client_cn=client_common_name(certificate)
        )

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
        if self.open_connections > self._max_connections:
            log.warning(
                "refused %s from %s: %d connections open (max_connections)",
                charge_box_id,
                remote,
                self.open_connections - 1,
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
            return await request.accept(subprotocol)
        except HandshakeFailed as failed:
            await self._record_refusal(
                charger.charge_box_id, charger.org_id, remote, str(failed)[:200]
            )
            return None

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

    async def _run_session(self, ws: WebSocket, charger: ChargerIdentity, remote: str) -> None:
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
        log.info("connected from %s", remote, extra=connection.log_extra)
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

    async def prune_traces(self, keep: int) -> None:
        while True:
            await trio.sleep(TRACE_PRUNE_INTERVAL_S)
            await self._messages.prune_traces(keep)


def _listen_url(scheme: str, host: str, listeners: list[trio.SocketListener]) -> str:
    port = listeners[0].socket.getsockname()[1]
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


async def serve_ocpp(
    services: Services,
    shutdown: trio.Event,
    max_connections: int | None = None,
    *,
    task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Listen for chargers until ``shutdown`` is set, then close every session with 1001.

    ``max_connections`` overrides the setting (the app lowers it to what the process's
    open-files limit allows)."""
    settings = services.settings
    listener = OcppListener(
        services.charger_messages,
        services.live,
        services.schemas,
        LinkTimings(
            call_timeout_s=settings.call_timeout_s,
            stale_after_s=settings.heartbeat_interval_s * 2 + settings.heartbeat_grace_s,
            ping_interval_s=settings.ws_ping_interval_s,
        ),
        max_message_bytes=settings.max_message_bytes,
        max_connections=max_connections or settings.max_connections,
        auth=services.charger_auth,
        ssl_context=ocpp_ssl_context_for(settings),
    )
    tls = settings.ocpp_tls()
    # (listeners, handler) pairs: the main port (wss:// when TLS is configured), and with TLS
    # an extra plain ws:// port only if ``ocpp_plain`` asks for one.
    ports = [(settings.ocpp, listener.handle_tls_stream if tls else listener.handle_stream)]
    if tls and settings.ocpp_plain:
        ports.append((HostPort.parse(settings.ocpp_plain), listener.handle_stream))
    opened = [
        (await open_listeners("ocpp" if i == 0 else "ocpp_plain", where), handler)
        for i, (where, handler) in enumerate(ports)
    ]
    urls = [
        _listen_url("wss" if handler == listener.handle_tls_stream else "ws", where.host, found)
        for (where, handler), (found, _) in zip(ports, opened, strict=True)
    ]
    if len(urls) > 1:
        log.info("plain ws:// listener for security profiles 0 and 1 on %s", urls[1])
    url = urls[0]
    async with trio.open_nursery() as sessions:
        async with trio.open_nursery() as accepting:
            for listeners, handler in opened:
                accepting.start_soon(
                    partial(
                        trio.serve_listeners,
                        handler,
                        listeners,
                        handler_nursery=sessions,
                    )
                )
            sessions.start_soon(listener.prune_traces, settings.message_trace_limit)
            await sessions.start(listener.keeper.run)
            task_status.started(url)
            await shutdown.wait()
            accepting.cancel_scope.cancel()  # stop accepting first
        await listener.shutdown_sessions()
        sessions.cancel_scope.cancel()
