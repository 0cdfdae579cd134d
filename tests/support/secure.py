"""Certificates and secure charger sockets for the TLS and charger-authentication tests.

Certificates are made by the appliance's own installer kit (``capacitor_edge.app.certs``), the
same code ``capacitor-edge certs init`` / ``certs charger`` run, so the tests check that what
the kit makes works with the listener.

- :func:`make_site` — a site CA, a server certificate for 127.0.0.1/localhost and charger
  client certificates, in ``tmp_path``.
- :func:`tls_settings` — flag-style settings that turn TLS on with a site's files.
- :func:`open_charger` — a WebSocket to the listener over ws:// or wss:// with optional Basic
  auth, client certificate and source address; a refusal raises ``ConnectionRejected``.
"""

from __future__ import annotations

import base64
import ssl
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import trio
from trio_websocket import WebSocketConnection, wrap_client_stream

from capacitor_edge.app.certs import ChargerFiles, SiteFiles, init_site, issue_charger
from tests.ocpp.helpers import _unwrapped


@dataclass(frozen=True)
class Site:
    data_dir: Path
    files: SiteFiles

    def charger(self, charge_box_id: str, *, p12: bool = False) -> ChargerFiles:
        """A client certificate for ``charge_box_id`` signed by this site's CA."""
        return issue_charger(self.data_dir, charge_box_id, now=datetime.now(UTC), p12=p12)


def make_site(directory: Path, *, days: int = 825) -> Site:
    """A site CA and a server certificate for 127.0.0.1 and localhost, under ``directory``."""
    result = init_site(directory, ["localhost"], ["127.0.0.1"], now=datetime.now(UTC), days=days)
    return Site(directory, result.files)


def tls_settings(site: Site, *, client_ca: bool = True, **extra: str) -> dict[str, str]:
    values = {
        "tls_cert_file": str(site.files.server_cert),
        "tls_key_file": str(site.files.server_key),
    }
    if client_ca:
        values["tls_client_ca_file"] = str(site.files.ca_cert)
    values.update(extra)
    return values


def client_context(
    site: Site, certificate: ChargerFiles | None = None, *, tls_max: ssl.TLSVersion | None = None
) -> ssl.SSLContext:
    """What a charger of this site has: the site CA as its root, maybe a client certificate."""
    context = ssl.create_default_context(cafile=str(site.files.ca_cert))
    if certificate is not None:
        context.load_cert_chain(str(certificate.cert), str(certificate.key))
    if tls_max is not None:
        context.maximum_version = tls_max
    return context


def basic_header(user: str, password: str) -> tuple[bytes, bytes]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return (b"Authorization", f"Basic {token}".encode())


@asynccontextmanager
async def open_charger(
    url: str,
    charge_box_id: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    basic: tuple[str, str] | None = None,
    local_address: str | None = None,
    subprotocols: Sequence[str] = ("ocpp1.6",),
) -> AsyncIterator[WebSocketConnection]:
    """A charger's WebSocket to ``url`` (``ws://`` or ``wss://`` HOST:PORT) for
    ``charge_box_id``. Built on our own TCP stream so a refused handshake closes it."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    tcp = await trio.open_tcp_stream(parts.hostname, parts.port, local_address=local_address)
    stream: trio.SocketStream | trio.SSLStream[trio.SocketStream] = tcp
    if parts.scheme == "wss":
        assert ssl_context is not None, "wss:// needs an ssl_context"
        stream = trio.SSLStream(tcp, ssl_context, server_hostname=parts.hostname)
    headers = [basic_header(*basic)] if basic is not None else []
    try:
        async with _unwrapped(), trio.open_nursery() as nursery:
            ws = await wrap_client_stream(
                nursery,
                stream,
                parts.hostname,
                f"/ocpp/{charge_box_id}",
                subprotocols=list(subprotocols),
                extra_headers=headers,
            )
            try:
                yield ws
            finally:
                with trio.move_on_after(2):
                    await ws.aclose()
                nursery.cancel_scope.cancel()
    finally:
        with trio.CancelScope(shield=True), trio.move_on_after(2):
            await stream.aclose()
        await tcp.aclose()
