"""Serving chargers: the OCPP listener's ports, its housekeeping tasks, and its shutdown.

Kept apart from :mod:`capacitor_edge.transport.listener`, which holds what happens to one
connection; this module holds what the app starts once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import trio

from capacitor_edge.domain.services import Services
from capacitor_edge.settings import HostPort
from capacitor_edge.transport.accepting import serve_listener
from capacitor_edge.transport.connection import LinkTimings
from capacitor_edge.transport.handshake import HandshakeGate
from capacitor_edge.transport.listener import OcppListener
from capacitor_edge.transport.ports import open_listeners
from capacitor_edge.transport.tls import ocpp_ssl_context_for

log = logging.getLogger("capacitor_edge.ocpp")


def _listen_url(scheme: str, host: str, listeners: list[trio.SocketListener]) -> str:
    port = listeners[0].socket.getsockname()[1]
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


async def serve_ocpp(
    services: Services,
    shutdown: trio.Event,
    max_connections: int | None = None,
    *,
    release_memory: Callable[[], object] | None = None,
    task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED,
) -> None:
    """Listen for chargers until ``shutdown`` is set, then close every session with 1001.

    ``max_connections`` overrides the setting (the app lowers it to what the process's
    open-files limit allows). ``release_memory`` is called after bursts of ended connections
    (see :meth:`OcppListener.release_memory_after_bursts`)."""
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
        handshakes=HandshakeGate(
            timeout_s=settings.handshake_timeout_s, limit=settings.max_pending_handshakes
        ),
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
                for each in listeners:
                    accepting.start_soon(serve_listener, each, handler, sessions)
            sessions.start_soon(listener.prune_traces, settings.message_trace_limit)
            if release_memory is not None:
                sessions.start_soon(listener.release_memory_after_bursts, release_memory)
            await sessions.start(listener.keeper.run)
            task_status.started(url)
            await shutdown.wait()
            accepting.cancel_scope.cancel()  # stop accepting first
        await listener.shutdown_sessions()
        sessions.cancel_scope.cancel()
