"""Talking to systemd: the ``sd_notify`` datagram protocol, spoken with the standard library.

Under ``Type=notify`` systemd passes ``NOTIFY_SOCKET`` (a path, or ``@name`` for the Linux
abstract namespace) and waits for ``READY=1`` before it counts the service as started; under
``WatchdogSec=`` it also passes ``WATCHDOG_USEC`` (and ``WATCHDOG_PID``) and restarts the service
if no ``WATCHDOG=1`` arrives within that time. The messages are newline-separated
``KEY=VALUE`` lines in one datagram (sd_notify(3)). Outside systemd there is no socket and every
call does nothing, so the same code runs in tests, in a terminal and under the unit.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Callable, Mapping

import trio

log = logging.getLogger("capacitor_edge.systemd")


def _address(name: str) -> str:
    # "@name" is the abstract namespace: the kernel wants a leading NUL byte instead of "@".
    return "\0" + name[1:] if name.startswith("@") else name


class Notifier:
    """The ``NOTIFY_SOCKET`` of this process, or nothing when systemd did not give one."""

    def __init__(self, socket_name: str | None, *, watchdog_usec: int | None = None) -> None:
        self.socket_name = socket_name or None
        self.watchdog_usec = watchdog_usec
        self._socket: socket.socket | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Notifier:
        env = os.environ if environ is None else environ
        usec: int | None = None
        raw = env.get("WATCHDOG_USEC", "")
        # WATCHDOG_PID names the process the watchdog is meant for; a child that inherited the
        # variables must not ping on its parent's behalf. The one exception is the onefile
        # executable: systemd's main process is PyInstaller's bootloader, which runs the app as
        # its only child (the unit therefore says NotifyAccess=all).
        pid = env.get("WATCHDOG_PID", "")
        ours = {str(os.getpid())}
        if getattr(sys, "frozen", False):
            ours.add(str(os.getppid()))
        if raw.isdigit() and int(raw) > 0 and (not pid or pid in ours):
            usec = int(raw)
        return cls(env.get("NOTIFY_SOCKET"), watchdog_usec=usec)

    @property
    def enabled(self) -> bool:
        return self.socket_name is not None

    @property
    def watchdog_interval_s(self) -> float | None:
        """How often to ping: half the watchdog timeout, as sd_watchdog_enabled(3) advises."""
        if self.socket_name is None or self.watchdog_usec is None:
            return None
        return self.watchdog_usec / 2 / 1_000_000

    def notify(self, *lines: str) -> bool:
        """Send ``lines`` as one datagram; False (and a log line) if it could not be sent.

        A failure is never fatal: the appliance serving chargers matters more than systemd
        hearing about it (systemd then applies its own timeouts).
        """
        if self.socket_name is None:
            return False
        try:
            if self._socket is None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                try:
                    sock.connect(_address(self.socket_name))
                except OSError:
                    sock.close()
                    raise
                self._socket = sock
            # A datagram to a local socket does not block for long; the call is a few µs.
            self._socket.send("\n".join(lines).encode())
        except OSError as error:
            log.warning("cannot notify systemd at %s: %s", self.socket_name, error)
            return False
        return True

    def ready(self, status: str) -> bool:
        return self.notify("READY=1", f"STATUS={status}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1", "STATUS=shutting down")

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    async def keep_watchdog_fed(self, feed: Callable[[], bool] = lambda: True) -> None:
        """Ping ``WATCHDOG=1`` every half watchdog period while ``feed()`` says so, forever
        (cancel it to stop).

        It runs as a task of the event loop on purpose: if the loop hangs, the pings stop and
        systemd restarts the service. Returns at once when there is no watchdog.
        """
        interval = self.watchdog_interval_s
        if interval is None:
            return
        while True:
            if feed():
                self.notify("WATCHDOG=1")
            await trio.sleep(interval)
