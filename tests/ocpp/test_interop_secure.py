"""Security profiles against a real third-party charger (the `ocpp` package's asyncio
ChargePoint over `websockets`, in its own process) and the real CLI server over WSS and HTTPS,
with certificates made by the real `capacitor-edge certs` commands."""

from __future__ import annotations

import os
import ssl
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import trio

from tests.ocpp.test_interop import BOOT
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess

TIMEOUT_S = 90.0


async def run_cli(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}
    result = await trio.run_process(
        [sys.executable, "-m", "capacitor_edge", *args],
        capture_stdout=True,
        capture_stderr=True,
        env=env,
    )
    return str(result.stdout.decode())


@dataclass
class SecureSite:
    server: ServerProcess
    api: httpx.AsyncClient
    certs: Path


@asynccontextmanager
async def secure_site(tmp_path: Path) -> AsyncIterator[SecureSite]:
    data = tmp_path / "data"
    printed = await run_cli("certs", "init", "--data-dir", str(data), "--ip", "127.0.0.1")
    # The kit prints the settings to use; they go into the config file as printed.
    settings = [line for line in printed.splitlines() if line.startswith("tls_")]
    assert len(settings) == 3, printed
    config = tmp_path / "capacitor.toml"
    config.write_text("\n".join([*settings, 'http_tls = "on"', ""]))
    certs = data / "certs"
    verify = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    async with (
        ServerProcess.start(data, ["--config", str(config)]) as server,
        httpx.AsyncClient(
            base_url=server.http_url,
            headers={"X-API-Key": server.api_key},
            verify=verify,
            timeout=10,
        ) as api,
    ):
        assert server.http_url.startswith("https://"), server.http_url
        assert server.ocpp_url.startswith("wss://"), server.ocpp_url
        yield SecureSite(server, api, certs)


async def test_basic_auth_and_client_certificates_over_wss(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with secure_site(tmp_path) as site:
            ca = site.certs / "ca.pem"
            registered = await site.api.post(
                "/api/v1/chargers", json={"chargeBoxId": "CP-2", "securityProfile": 2}
            )
            assert registered.status_code == 201, registered.text
            key = registered.json()["authorizationKey"]
            assert registered.json()["connectionUrl"].startswith("wss://")

            # Profile 2: TLS + HTTP Basic auth, as the charger library sends it.
            url = site.server.charger_url("CP-2")
            async with ChargerProcess.start(url, cafile=ca, basic_auth=("CP-2", key)) as cp:
                await cp.wait_connected()
                boot = await cp.call("BootNotification", BOOT)
                assert boot["status"] == "Accepted"
            async with ChargerProcess.start(url, cafile=ca, basic_auth=("CP-2", "x" * 20)) as cp:
                failure = await cp.connect_failure()
                assert failure.status == 401

            # Profile 3: TLS + a client certificate issued by the kit.
            await run_cli("certs", "charger", "CP-3", "--data-dir", str(site.server.data_dir))
            registered = await site.api.post(
                "/api/v1/chargers", json={"chargeBoxId": "CP-3", "securityProfile": 3}
            )
            assert registered.status_code == 201, registered.text
            chargers = site.certs / "chargers"
            async with ChargerProcess.start(
                site.server.charger_url("CP-3"),
                cafile=ca,
                certfile=chargers / "CP-3.pem",
                keyfile=chargers / "CP-3.key",
            ) as cp:
                await cp.wait_connected()
                boot = await cp.call("BootNotification", BOOT)
                assert boot["status"] == "Accepted"
                details = (await site.api.get("/api/v1/chargers/CP-3")).json()
                assert details["isOnline"] is True
            # Someone else's certificate (CN CP-2) for CP-3: refused before the upgrade.
            await run_cli("certs", "charger", "CP-2", "--data-dir", str(site.server.data_dir))
            async with ChargerProcess.start(
                site.server.charger_url("CP-3"),
                cafile=ca,
                certfile=chargers / "CP-2.pem",
                keyfile=chargers / "CP-2.key",
            ) as cp:
                failure = await cp.connect_failure()
                assert failure.status == 403
