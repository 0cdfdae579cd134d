"""Opening the box's listening ports, with a failure that names the address and the setting.

A bare ``[Errno 98] Address already in use`` at start-up leaves an installer guessing which of
the two or three ports is taken and where to change it; :class:`CannotListen` says both.
"""

from __future__ import annotations

import errno

import trio

from capacitor_edge.settings import HostPort

#: What to say for the errors an installer can fix, by errno.
_ADVICE = {
    errno.EADDRINUSE: "address already in use - another program (or another capacitor-edge) "
    "uses that port",
    errno.EACCES: "permission denied - a port below 1024 needs CAP_NET_BIND_SERVICE; use a port "
    "of 1024 or more",
    errno.EADDRNOTAVAIL: "that is not an address of this machine",
}


class CannotListen(OSError):
    """A listener could not be opened; ``str()`` is the whole sentence for the installer.

    An OSError, so start-up's handling of OS errors (one line, no traceback) applies."""

    def __init__(self, setting: str, where: str, error: OSError) -> None:
        super().__init__(error.errno, error.strerror)
        self.setting = setting
        self.where = where
        reason = _ADVICE.get(error.errno or 0) or (error.strerror or str(error)).lower()
        self.sentence = f"cannot listen on {where} (setting '{setting}'): {reason}"

    def __str__(self) -> str:
        return self.sentence


async def open_listeners(setting: str, where: HostPort) -> list[trio.SocketListener]:
    """``trio.open_tcp_listeners`` for the address of ``setting``."""
    try:
        return await trio.open_tcp_listeners(where.port, host=where.host)
    except OSError as error:
        raise CannotListen(setting, str(where), error) from None
