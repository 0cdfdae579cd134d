"""The accept loop of the OCPP ports, in place of ``trio.serve_listeners``.

Why our own (docs/PERFORMANCE.md, issue 21's second storm round): in a boot storm trio's loop
takes one connection per scheduler pass (a checkpoint per ``accept``), throws away the peer's
address that ``accept()`` returns (so each connection asked the kernel again with
``getpeername``), and runs each handler under a wrapper task whose frame every idle charger then
held. Here, once the listening socket is readable, connections are taken while the kernel has
them, up to ``ACCEPT_BATCH``, each started at once as its own task with the address ``accept()``
gave. The errors are handled as trio's loop handles them: the routine ones (a connection reset
before it was taken) are skipped, running out of descriptors or memory is logged and waited out.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
from collections.abc import Callable, Coroutine
from typing import Any

import trio

log = logging.getLogger("capacitor_edge.ocpp")

#: Connections taken per wake-up at most, so a storm cannot keep the loop from the sessions.
ACCEPT_BATCH = 64
#: How long to wait after ``accept`` ran out of descriptors or memory (trio waits 100 ms).
CAPACITY_SLEEP_S = 0.1

#: What ``accept`` may fail with when a connection went away before it was taken (trio's list).
_IGNORABLE = frozenset(
    {errno.ECONNABORTED, errno.EPERM, errno.EPROTO, errno.ENETDOWN, errno.ENOPROTOOPT}
    | {errno.EHOSTDOWN, errno.ENONET, errno.EHOSTUNREACH, errno.EOPNOTSUPP, errno.ENETUNREACH}
)
#: The server is out of resources for the moment: wait, then go on (trio's list).
_CAPACITY = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS})

#: ``handler(stream, remote)``: the coroutine that owns the connection (and closes the stream).
Handler = Callable[[trio.SocketStream, str], Coroutine[Any, Any, None]]


def _address(address: Any) -> str:
    """The peer's host from ``accept()``'s address (IPv4 or IPv6 tuple)."""
    if isinstance(address, tuple) and address:
        return str(address[0])
    return "unknown"


async def serve_listener(
    listener: trio.SocketListener, handler: Handler, sessions: trio.Nursery
) -> None:
    """Accept connections on ``listener`` until cancelled, each in its own task in
    ``sessions``; the listener is closed on the way out."""
    trio_socket = listener.socket
    # A stdlib view of the same descriptor (detached, not closed, at the end): its ``accept``
    # is one system call with no checkpoint, where trio's socket yields after each.
    raw = socket.socket(fileno=trio_socket.fileno())
    raw.setblocking(False)
    try:
        while True:
            await trio.lowlevel.wait_readable(trio_socket)
            for _ in range(ACCEPT_BATCH):
                try:
                    accepted, address = raw.accept()
                except BlockingIOError:
                    break
                except OSError as exc:
                    if exc.errno in _IGNORABLE:
                        continue
                    if exc.errno in _CAPACITY:
                        log.error(
                            "accept returned %s (%s); retrying in %s seconds",
                            errno.errorcode[exc.errno],
                            os.strerror(exc.errno),
                            CAPACITY_SLEEP_S,
                        )
                        await trio.sleep(CAPACITY_SLEEP_S)
                        break
                    raise
                stream = trio.SocketStream(trio.socket.from_stdlib_socket(accepted))
                sessions.start_soon(handler, stream, _address(address))
    finally:
        raw.detach()
        await listener.aclose()
