"""The addresses chargers are given, and the start-up warning when they are only a guess.

Without ``public_url`` the ``connectionUrl`` shown for every charger is built from the listen
address, or, when the box listens on every interface, from this machine's host name - which
chargers on a car-park LAN usually cannot resolve (no local DNS). Nothing failed, so nobody
noticed until a charger would not connect; the box now says so when it starts, and names the
address chargers can use.
"""

from __future__ import annotations

import dataclasses
import socket
from urllib.parse import urlsplit

from capacitor_edge.settings import HostPort, Settings

_WILDCARDS = frozenset({"0.0.0.0", "::", ""})
#: Any address reached through the default route (TEST-NET-2, RFC 5737: never a real host). A
#: UDP ``connect`` to it only looks the route up; nothing is sent.
_ROUTE_PROBE = ("198.51.100.1", 9)


def lan_address(listen_host: str) -> str | None:
    """The address chargers on the LAN can reach the box at: the listen address if it is a
    specific one, else the address of the interface with the default route (None if there is
    no such route, e.g. a box with loopback only)."""
    if listen_host not in _WILDCARDS:
        return listen_host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(_ROUTE_PROBE)
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


def _url(scheme: str, host: str, port: int) -> str:
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def _advice(setting: str, given: str, listen_host: str, scheme: str, port: int) -> str:
    address = lan_address(listen_host)
    if listen_host not in _WILDCARDS:
        return (
            f"'{setting}' is not set: chargers are given {given}, the listen address; set "
            f"'{setting}' if they reach this box by another address or name"
        )
    suggestion = (
        f"set '{setting}', e.g. {setting} = \"{_url(scheme, address, port)}\" (this box's LAN "
        "address)"
        if address is not None
        else f"set '{setting}' to an address or name chargers can reach"
    )
    return (
        f"'{setting}' is not set: chargers are given {given}, built from this machine's host "
        f"name {socket.gethostname()!r}, which chargers on a car-park LAN usually cannot "
        f"resolve; {suggestion}"
    )


def address_warnings(settings: Settings, http_url: str, ocpp_url: str) -> list[str]:
    """What to warn about at start-up; ``http_url``/``ocpp_url`` are where the box really
    listens (so a port 0 asked for is shown as the port it got)."""
    ocpp, http = urlsplit(ocpp_url), urlsplit(http_url)
    bound = dataclasses.replace(
        settings,
        ocpp=HostPort(settings.ocpp.host, ocpp.port or settings.ocpp.port),
        http=HostPort(settings.http.host, http.port or settings.http.port),
    )
    warnings: list[str] = []
    if not settings.public_url:
        given = f"{bound.charger_base_url()}/ocpp/{{chargeBoxId}} as their connectionUrl"
        warnings.append(_advice("public_url", given, bound.ocpp.host, ocpp.scheme, bound.ocpp.port))
    if not settings.public_http_url:
        # Only firmware and diagnostics files use it, but a charger told an unresolvable name
        # fails those silently, hours later.
        given = f"{bound.file_base_url()}/... for firmware and diagnostics files"
        warnings.append(
            _advice("public_http_url", given, bound.http.host, http.scheme, bound.http.port)
        )
    return warnings
