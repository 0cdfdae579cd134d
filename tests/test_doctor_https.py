"""``capacitor-edge doctor`` beside a running box that serves REST over HTTPS: the real CLI in
subprocesses, with certificates made by the installer kit."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trio

from tests.support.secure import make_site, tls_settings
from tests.support.server_process import ServerProcess, capacitor_edge_command

TIMEOUT_S = 60.0


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


@pytest.mark.slow
@pytest.mark.parametrize("http_tls", ["on", "off"])
async def test_doctor_recognises_the_running_box_over_https_and_http(
    tmp_path: Path, http_tls: str
) -> None:
    site = make_site(tmp_path / "kit")
    config = tmp_path / "capacitor.toml"
    lines = [f'{name} = "{value}"' for name, value in tls_settings(site, client_ca=False).items()]
    config.write_text("\n".join([*lines, f'http_tls = "{http_tls}"', ""]))
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}
    with trio.fail_after(TIMEOUT_S):
        async with ServerProcess.start(data_dir, ["--config", str(config)], env=env) as server:
            assert server.http_url.startswith("https://" if http_tls == "on" else "http://")
            http = f"127.0.0.1:{_port(server.http_url)}"
            ocpp = f"127.0.0.1:{_port(server.ocpp_url)}"
            doctor = await trio.run_process(
                [
                    *capacitor_edge_command(),
                    "doctor",
                    "--config",
                    str(config),
                    "--data-dir",
                    str(data_dir),
                    "--http",
                    http,
                    "--ocpp",
                    ocpp,
                ],
                capture_stdout=True,
                capture_stderr=True,
                check=False,
                env=env,
            )
    text = doctor.stdout.decode()
    assert f"ok    http {http}: in use by the running capacitor-edge" in text, text
    assert f"ok    ocpp {ocpp}: in use by the running capacitor-edge" in text, text
    assert "in use by another program" not in text, text
    assert doctor.returncode == 0, text
