"""The OCPP listener: chargers connect at ``ws://HOST:PORT/ocpp/{chargeBoxId}``.

The TCP accept loop and the WebSocket handshake are our own code around trio-websocket's
``wrap_server_stream`` (not ``serve_websocket``) so that each connection's failures stay inside
that connection: an exception escaping a handler under ``serve_websocket`` tears down the whole
listener and every other charger's session (DESIGN.md). Refusals happen before the upgrade with
a plain HTTP status, and each one is recorded as a connection attempt.
"""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import unquote, urlsplit

import trio
from trio_websocket import WebSocketConnection, WebSocketRequest, wrap_server_stream

from capacitor_edge.domain.charger_messages import ChargerIdentity, ChargerMessages
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.services import Services
from capacitor_edge.protocol import OcppSession, SchemaRegistry
from capacitor_edge.transport.connection import ChargerConnection, LinkTimings
from capacitor_edge.transport.keeper import LinkKeeper

log = logging.getLogger("capacitor_edge.ocpp")

SUBPROTOCOL = "ocpp1.6"
PATH_PREFIX = "/ocpp/"
#: A client that has not finished its HTTP upgrade request by then is dropped.
HANDSHAKE_TIMEOUT_S = 10.0
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


def _remote(request: WebSocketRequest) -> str:
    remote = request.remote
    return str(getattr(remote, "address", remote))


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
    ) -> None:
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
        """One TCP connection, start to end. Never raises: failures are this connection's."""
        self.open_connections += 1
        self._all_closed = trio.Event() if self.open_connections == 1 else self._all_closed
        try:
            async with trio.open_nursery() as nursery:
                request: WebSocketRequest | None = None
                with trio.move_on_after(HANDSHAKE_TIMEOUT_S):
                    request = await wrap_server_stream(
                        nursery, stream, max_message_size=self._max_message_bytes
                    )
                if request is None:
                    log.info("dropped a connection that sent no WebSocket handshake in time")
                else:
                    await self._serve_request(request)
                nursery.cancel_scope.cancel()  # the library's reader task, if still running
        except Exception:
            log.exception("a charger connection failed")
        finally:
            with trio.CancelScope(shield=True):
                await stream.aclose()
            self.open_connections -= 1
            if self.open_connections == 0:
                self._all_closed.set()

    async def _serve_request(self, request: WebSocketRequest) -> None:
        remote = _remote(request)
        charge_box_id = charge_box_id_from_path(request.path)
        if charge_box_id is None:
            await self._refuse(request, 404, "", None, remote, f"no such path {request.path[:80]}")
            return
        if self.open_connections > self._max_connections:
            log.warning(
                "refused %s from %s: %d connections open (max_connections)",
                charge_box_id,
                remote,
                self.open_connections - 1,
            )
            await request.reject(503, body=b"too many connections")
            return
        charger = await self._messages.identify(charge_box_id)
        if charger is None:
            await self._refuse(request, 404, charge_box_id, None, remote, "unknown chargeBoxId")
            return
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
            return
        if not offered:
            # OCPP-J 1.6 §3.1.2: a connection without the subprotocol is accepted and then
            # closed as a protocol error, so the charger's log says why.
            await self._messages.refused(
                charge_box_id, charger.org_id, remote, "no subprotocol offered"
            )
            ws = await request.accept()
            await ws.aclose(CLOSE_PROTOCOL_ERROR, "subprotocol ocpp1.6 required")
            return
        ws = await request.accept(subprotocol=SUBPROTOCOL)
        await self._run_session(ws, charger, remote)

    async def _refuse(
        self,
        request: WebSocketRequest,
        status: int,
        charge_box_id: str,
        org_id: str | None,
        remote: str,
        reason: str,
    ) -> None:
        log.info("refused %r from %s: %s", charge_box_id, remote, reason)
        # Recorded before the charger hears the answer, so the record is there when it looks.
        await self._messages.refused(charge_box_id, org_id, remote, reason)
        await request.reject(status, body=reason.encode())

    async def _run_session(
        self, ws: WebSocketConnection, charger: ChargerIdentity, remote: str
    ) -> None:
        session = OcppSession(self._schemas, self._handled)
        connection = ChargerConnection(ws, charger, session, self._messages, self._timings)
        previous = self._live.attach(connection)
        if previous is not None:
            # The newest connection wins: a charger that reconnects after a network hiccup
            # must not be locked out by its own half-open ghost.
            log.info(
                "[%s] new connection from %s replaces the old one", charger.charge_box_id, remote
            )
            previous.close(1000, "replaced by a new connection")
        log.info("[%s] connected from %s", charger.charge_box_id, remote)
        self.keeper.add(connection)
        try:
            await self._messages.connected(charger)
            await connection.run()
        finally:
            self.keeper.discard(connection)
            if self._live.detach(connection):
                with trio.CancelScope(shield=True):
                    await self._messages.disconnected(charger)

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


async def serve_ocpp(
    services: Services,
    shutdown: trio.Event,
    *,
    task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Listen for chargers until ``shutdown`` is set, then close every session with 1001."""
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
        max_connections=settings.max_connections,
    )
    listeners = await trio.open_tcp_listeners(settings.ocpp.port, host=settings.ocpp.host)
    port = listeners[0].socket.getsockname()[1]
    host = settings.ocpp.host
    url = f"ws://[{host}]:{port}" if ":" in host else f"ws://{host}:{port}"
    async with trio.open_nursery() as sessions:
        async with trio.open_nursery() as accepting:
            accepting.start_soon(
                partial(
                    trio.serve_listeners,
                    listener.handle_stream,
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
