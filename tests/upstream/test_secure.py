"""The upstream over ``wss://`` (issue 20): the box checks the upstream's certificate against
``upstream_ca_file`` and presents ``upstream_client_cert_file`` (OCPP 1.6 security profile 3);
a box without the upstream's CA refuses to talk to it and says why."""

from __future__ import annotations

import os
from pathlib import Path

import trio

from tests.support.charger_process import ChargerProcess
from tests.support.secure import make_site
from tests.support.server_process import ServerProcess, capacitor_edge_command
from tests.support.upstream_process import UpstreamProcess
from tests.upstream.test_outage import BOOT, wait_upstream


async def test_wss_upstream_with_a_client_certificate(tmp_path: Path) -> None:
    cloud = make_site(tmp_path / "cloud")  # the hosted system's own CA and server certificate
    client = cloud.charger("CP-1")  # what the cloud issued for the charger
    record = tmp_path / "upstream.jsonl"
    serving = [
        "--certfile",
        str(cloud.files.server_cert),
        "--keyfile",
        str(cloud.files.server_key),
        "--client-ca",
        str(cloud.files.ca_cert),
    ]
    with trio.fail_after(90):
        async with UpstreamProcess.start(record, extra=serving) as upstream:
            base = {
                **os.environ,
                "CAPACITOR_EDGE_UPSTREAM_URL": f"wss://127.0.0.1:{upstream.port}",
                "CAPACITOR_EDGE_UPSTREAM_CLIENT_CERT_FILE": str(client.cert),
                "CAPACITOR_EDGE_UPSTREAM_CLIENT_KEY_FILE": str(client.key),
            }
            # Without the cloud's CA the box does not trust the upstream: it says so.
            async with (
                ServerProcess.start(tmp_path / "untrusting", env=base) as server,
                server.client() as api,
            ):
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                    await charger.wait_connected()
                    while True:
                        link = (await api.get("/api/v1/chargers/CP-1/upstream")).json()
                        if link["lastError"]:
                            break
                        await trio.sleep(0.05)
                    assert "certificate" in link["lastError"].lower()
                    assert link["connected"] is False
            assert upstream.received == []

            trusting = {**base, "CAPACITOR_EDGE_UPSTREAM_CA_FILE": str(cloud.files.ca_cert)}
            async with (
                ServerProcess.start(tmp_path / "data", env=trusting) as server,
                server.client() as api,
            ):
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                    await charger.wait_connected()
                    await charger.call("BootNotification", BOOT)
                    await wait_upstream(api, "CP-1", True)
                    got = await upstream.wait_until(
                        lambda got: any(m["action"] == "BootNotification" for m in got)
                    )
                    assert got[0]["cp"] == "CP-1" and got[0]["clientCN"] == "CP-1"


async def test_a_bad_upstream_passwords_file_stops_serve_naming_the_setting(tmp_path: Path) -> None:
    bad = tmp_path / "passwords.json"
    bad.write_text('["not", "an", "object"]')
    env = {
        **os.environ,
        "CAPACITOR_EDGE_UPSTREAM_URL": "ws://127.0.0.1:9",
        "CAPACITOR_EDGE_UPSTREAM_PASSWORDS_FILE": str(bad),
    }
    command = [*capacitor_edge_command(), "serve", "--data-dir", str(tmp_path / "data")]
    with trio.fail_after(60):
        result = await trio.run_process(
            command, env=env, capture_stdout=True, capture_stderr=True, check=False
        )
    assert result.returncode == 2
    assert "upstream_passwords_file" in result.stderr.decode()
