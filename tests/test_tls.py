"""WSS for chargers and HTTPS for the REST API, over real sockets, with certificates made by the
installer kit: security profiles 0-3, the plain port, refused handshakes, certificate expiry."""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import ConnectionRejected

from capacitor_edge.clock import FixedClock
from capacitor_edge.transport.tls import ocpp_ssl_context
from tests.conftest import Appliance, make_settings, start_appliance, stop_appliance
from tests.ocpp.helpers import BOOT, call
from tests.support.secure import Site, client_context, make_site, open_charger, tls_settings

TIMEOUT_S = 20.0
PUBLIC_URL = "wss://gateway.test:9443"


def free_port() -> int:
    """A loopback port nothing listens on now (for ``ocpp_plain``, which has no port 0 report)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_site(tmp_path / "kit")


@pytest.fixture
async def secure(
    nursery: trio.Nursery, tmp_path: Path, site: Site
) -> AsyncIterator[tuple[Appliance, str]]:
    """An appliance serving wss:// (with the charger CA) and a plain ws:// port; yields it and
    the plain port's URL."""
    plain = f"127.0.0.1:{free_port()}"
    settings = make_settings(
        tmp_path, public_url=PUBLIC_URL, ocpp_plain=plain, **tls_settings(site)
    )
    running = await start_appliance(nursery, settings)
    try:
        yield running, f"ws://{plain}"
    finally:
        await stop_appliance(running)


async def register(appliance: Appliance, charge_box_id: str, **body: Any) -> dict[str, Any]:
    async with appliance.client() as api:
        response = await api.post("/api/v1/chargers", json={"chargeBoxId": charge_box_id, **body})
    assert response.status_code == 201, response.text
    registered: dict[str, Any] = response.json()
    return registered


async def attempts(appliance: Appliance) -> list[dict[str, Any]]:
    async with appliance.client() as api:
        found: list[dict[str, Any]] = (await api.get("/api/v1/connection-attempts")).json()[
            "connectionAttempts"
        ]
    return found


async def refused(url: str, charge_box_id: str, **options: Any) -> ConnectionRejected:
    with pytest.raises(ConnectionRejected) as caught:
        async with open_charger(url, charge_box_id, **options):
            pass
    return caught.value


def header(rejection: ConnectionRejected, name: bytes) -> bytes | None:
    return next((v for k, v in rejection.headers if k.lower() == name.lower()), None)


async def test_wss_accepts_a_charger_and_reports_wss_urls(
    secure: tuple[Appliance, str], site: Site
) -> None:
    appliance, _ = secure
    with trio.fail_after(TIMEOUT_S):
        assert appliance.endpoints.ocpp_url.startswith("wss://127.0.0.1:")
        body = await register(appliance, "CP-0")
        assert body["connectionUrl"] == f"{PUBLIC_URL}/ocpp/CP-0"
        async with open_charger(
            appliance.endpoints.ocpp_url, "CP-0", ssl_context=client_context(site)
        ) as ws:
            assert ws.subprotocol == "ocpp1.6"
            answer = await call(ws, "BootNotification", BOOT)
            assert answer[2]["status"] == "Accepted"


async def test_a_tls_12_charger_connects(secure: tuple[Appliance, str], site: Site) -> None:
    appliance, _ = secure
    with trio.fail_after(TIMEOUT_S):
        await register(appliance, "CP-12")
        context = client_context(site, tls_max=ssl.TLSVersion.TLSv1_2)
        async with open_charger(appliance.endpoints.ocpp_url, "CP-12", ssl_context=context) as ws:
            assert (await call(ws, "Heartbeat", {}))[0] == 3


def test_the_server_context_is_tls_12_or_newer_with_aead_suites(site: Site) -> None:
    context = ocpp_ssl_context(str(site.files.server_cert), str(site.files.server_key))
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    names = {suite["name"] for suite in context.get_ciphers() if suite["protocol"] == "TLSv1.2"}
    assert names, "no TLS 1.2 suites"
    assert all("GCM" in name or "CHACHA20" in name for name in names), names
    assert all(name.startswith("ECDHE") for name in names), names
    assert context.verify_mode == ssl.CERT_NONE  # no client certificates without a charger CA


async def test_without_tls_the_connection_url_is_ws_and_with_it_wss(
    nursery: trio.Nursery, tmp_path: Path, site: Site
) -> None:
    with trio.fail_after(TIMEOUT_S):
        settings = make_settings(tmp_path, public_url="", **tls_settings(site))
        running = await start_appliance(nursery, settings)
        try:
            body = await register(running, "CP-URL")
            assert body["connectionUrl"].startswith("wss://127.0.0.1:")
        finally:
            await stop_appliance(running)


async def test_the_plain_port_serves_profiles_0_and_1_and_refuses_2_and_3(
    secure: tuple[Appliance, str], site: Site
) -> None:
    appliance, plain = secure
    with trio.fail_after(TIMEOUT_S):
        await register(appliance, "P0")
        key1 = (await register(appliance, "P1", securityProfile=1))["authorizationKey"]
        key2 = (await register(appliance, "P2", securityProfile=2))["authorizationKey"]
        await register(appliance, "P3", securityProfile=3)
        async with open_charger(plain, "P0") as ws:
            assert (await call(ws, "Heartbeat", {}))[0] == 3
        async with open_charger(plain, "P1", basic=("P1", key1)) as ws:
            assert (await call(ws, "Heartbeat", {}))[0] == 3
        assert (await refused(plain, "P2", basic=("P2", key2))).status_code == 403
        assert (await refused(plain, "P3")).status_code == 403
        reasons = {(a["chargeBoxId"], a["reason"]) for a in await attempts(appliance)}
        assert ("P2", "security profile 2 requires TLS (wss://)") in reasons
        assert ("P3", "security profile 3 requires TLS (wss://)") in reasons


async def test_profile_2_right_password_accepted_wrong_and_missing_get_401(
    secure: tuple[Appliance, str], site: Site
) -> None:
    appliance, _ = secure
    url, context = appliance.endpoints.ocpp_url, client_context(site)
    with trio.fail_after(TIMEOUT_S):
        body = await register(appliance, "CP-2", securityProfile=2)
        key = body["authorizationKey"]
        assert body["connectionUrl"] == f"{PUBLIC_URL}/ocpp/CP-2"
        assert "password" in body["instructions"]["message"]

        missing = await refused(url, "CP-2", ssl_context=context)
        assert missing.status_code == 401
        challenge = header(missing, b"WWW-Authenticate")
        assert challenge is not None and challenge.startswith(b'Basic realm="capacitor-edge"')
        wrong = await refused(url, "CP-2", ssl_context=context, basic=("CP-2", "x" * 20))
        assert wrong.status_code == 401
        assert header(wrong, b"WWW-Authenticate") is not None
        other_user = await refused(url, "CP-2", ssl_context=context, basic=("CP-1", key))
        assert other_user.status_code == 401

        async with open_charger(url, "CP-2", ssl_context=context, basic=("CP-2", key)) as ws:
            assert (await call(ws, "BootNotification", BOOT))[2]["status"] == "Accepted"

        reasons = [a["reason"] for a in await attempts(appliance) if a["chargeBoxId"] == "CP-2"]
        assert reasons == [
            "Basic auth user is not the chargeBoxId",
            "wrong password (AuthorizationKey)",
            "HTTP Basic authorization required",
        ]


async def test_profile_3_client_certificates(
    secure: tuple[Appliance, str], site: Site, tmp_path: Path
) -> None:
    appliance, _ = secure
    url = appliance.endpoints.ocpp_url
    stranger = make_site(tmp_path / "other-kit")  # another CA, same host names
    with trio.fail_after(TIMEOUT_S):
        body = await register(appliance, "CP-3", securityProfile=3)
        assert "authorizationKey" not in body
        assert "client certificate" in body["instructions"]["message"]
        right = client_context(site, site.charger("CP-3"))
        async with open_charger(url, "CP-3", ssl_context=right) as ws:
            assert (await call(ws, "BootNotification", BOOT))[2]["status"] == "Accepted"

        mismatch = await refused(url, "CP-3", ssl_context=client_context(site, site.charger("X")))
        assert mismatch.status_code == 403
        assert (await refused(url, "CP-3", ssl_context=client_context(site))).status_code == 403
        password_only = await refused(
            url, "CP-3", ssl_context=client_context(site), basic=("CP-3", "p" * 20)
        )
        assert password_only.status_code == 403

        # A certificate the charger CA did not sign: the box drops it in the handshake, there
        # and then (recorded as a failed handshake below, not as one that timed out).
        foreign = client_context(site, stranger.charger("CP-3"))
        assert isinstance(await dropped_because(url, foreign), OSError)

        reasons = [(a["chargeBoxId"], a["reason"]) for a in await attempts(appliance)]
        assert reasons[0][0] == ""
        assert reasons[0][1].startswith("TLS handshake failed"), reasons[0]
        assert ("CP-3", "client certificate CN 'X' is not the chargeBoxId") in reasons
        assert ("CP-3", "security profile 3 requires a client certificate") in reasons


async def dropped_because(url: str, context: ssl.SSLContext) -> BaseException | None:
    """Connect with ``context``, send an upgrade request, and return why the connection broke
    (the TLS error under the broken stream); fails if the box answers instead. (A raw stream:
    trio-websocket's client itself waits on a connection dropped under it until the caller's
    timeout.)"""
    host, port = url.removeprefix("wss://").rsplit(":", 1)
    stream = trio.SSLStream(
        await trio.open_tcp_stream(host, int(port)), context, server_hostname=host
    )
    async with stream:
        try:
            # TLS 1.3: the client's side of the handshake is over before the box has checked
            # the client certificate; the box's verdict arrives with the next read.
            await stream.do_handshake()
            await stream.send_all(
                b"GET /ocpp/CP-3 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n"
            )
            answer = await stream.receive_some()
        except trio.BrokenResourceError as broken:
            return broken.__cause__
    raise AssertionError(f"the box answered instead of dropping the connection: {answer!r}")


async def _raw(url: str, payload: bytes) -> bytes:
    """Send ``payload`` to the TLS port as plain bytes; what comes back before the close."""
    host, port = url.removeprefix("wss://").rsplit(":", 1)
    stream = await trio.open_tcp_stream(host, int(port))
    async with stream:
        await stream.send_all(payload)
        received = b""
        while chunk := await stream.receive_some(4096):
            received += chunk
        return received


async def test_failed_handshakes_do_not_disturb_connected_chargers(
    secure: tuple[Appliance, str], site: Site, tmp_path: Path
) -> None:
    appliance, _ = secure
    url, context = appliance.endpoints.ocpp_url, client_context(site)
    stranger = make_site(tmp_path / "other-kit")
    with trio.fail_after(TIMEOUT_S):
        await register(appliance, "STAYS")
        await register(appliance, "CP-3", securityProfile=3)
        async with open_charger(url, "STAYS", ssl_context=context) as ws:
            await call(ws, "BootNotification", BOOT)
            for _ in range(3):
                # Plain HTTP to the TLS port, and garbage: answered (if at all) and closed by
                # the box (_raw reads to the end).
                await _raw(url, b"GET /ocpp/STAYS HTTP/1.1\r\nHost: x\r\n\r\n")
                await _raw(url, b"\x16\x03\x01\x00\x05hello")
                # A certificate from another CA: the box breaks the connection in the handshake.
                foreign = client_context(site, stranger.charger("CP-3"))
                assert isinstance(await dropped_because(url, foreign), OSError)
                # A client that does not trust the box's certificate gives up mid-handshake.
                distrust = await dropped_because(url, ssl.create_default_context())
                assert isinstance(distrust, ssl.SSLCertVerificationError), repr(distrust)
                answer = await call(ws, "Heartbeat", {})
                assert answer[0] == 3
                async with appliance.client() as api:
                    details = (await api.get("/api/v1/chargers/STAYS")).json()
                assert details["isOnline"] is True
        # Each bad handshake was ended by its failure, none left to run into the box's
        # handshake timeout (what made a refused client wait seconds before).
        reasons = [a["reason"] for a in await attempts(appliance)]
        assert sum(r.startswith("TLS handshake failed") for r in reasons) >= 6, reasons
        assert not any("timed out" in r for r in reasons), reasons


async def test_rest_over_https_and_certificates_in_health(
    nursery: trio.Nursery, tmp_path: Path, site: Site
) -> None:
    with trio.fail_after(TIMEOUT_S):
        settings = make_settings(tmp_path, http_tls="on", **tls_settings(site))
        running = await start_appliance(nursery, settings, FixedClock(datetime.now(UTC)))
        try:
            assert running.endpoints.http_url.startswith("https://")
            verify = ssl.create_default_context(cafile=str(site.files.ca_cert))
            async with httpx.AsyncClient(
                base_url=running.endpoints.http_url, verify=verify, timeout=5
            ) as client:
                health = (await client.get("/health")).json()
                chargers = await client.get(
                    "/api/v1/chargers", headers={"X-API-Key": running.api_key}
                )
            assert chargers.status_code == 200
            assert health["status"] == "ok"
            roles = {c["role"]: c for c in health["certificates"]}
            assert set(roles) == {"ocpp", "charger-ca"}  # REST shares the OCPP certificate
            assert roles["ocpp"]["file"] == str(site.files.server_cert)
            assert roles["ocpp"]["expiresSoon"] is False
            assert roles["ocpp"]["daysLeft"] in (824, 825)
        finally:
            await stop_appliance(running)


async def test_certificates_expiring_within_30_days_are_warned_about(
    nursery: trio.Nursery, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    short = make_site(tmp_path / "kit", days=10)
    caplog.set_level(logging.WARNING, logger="capacitor_edge")
    with trio.fail_after(TIMEOUT_S):
        settings = make_settings(tmp_path, **tls_settings(short))
        running = await start_appliance(nursery, settings, FixedClock(datetime.now(UTC)))
        try:
            async with running.client() as client:
                health = (await client.get("/health")).json()
        finally:
            await stop_appliance(running)
    server = next(c for c in health["certificates"] if c["role"] == "ocpp")
    assert server["expiresSoon"] is True
    assert server["daysLeft"] in (9, 10)
    ca = next(c for c in health["certificates"] if c["role"] == "charger-ca")
    assert ca["expiresSoon"] is False
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        "ocpp certificate" in w and ("in 9 days" in w or "in 10 days" in w) for w in warnings
    ), warnings


async def test_a_plain_appliance_keeps_its_plain_health(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            assert (await client.get("/health")).json() == {"status": "ok"}
