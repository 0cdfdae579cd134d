"""What ``capacitor-edge serve`` tells an installer when it starts: a port it cannot listen on
(which one, from which setting), and the address chargers are given when ``public_url`` is not
set. The real CLI in subprocesses, on loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
import trio

from capacitor_edge.app.addresses import address_warnings, lan_address
from tests.conftest import make_settings
from tests.support.secure import make_site, tls_settings
from tests.support.server_process import ServerProcess, capacitor_edge_command

TIMEOUT_S = 30.0


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["http", "ocpp", "ocpp_plain"])
async def test_a_port_in_use_is_named_with_its_setting_and_stops_the_box_cleanly(
    tmp_path: Path, setting: str
) -> None:
    site = make_site(tmp_path / "kit")
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        busy = f"127.0.0.1:{held.getsockname()[1]}"
        listen = {"http": "127.0.0.1:0", "ocpp": "127.0.0.1:0", "ocpp_plain": "127.0.0.1:0"}
        listen[setting] = busy
        # ocpp_plain is the extra ws:// port beside a wss:// one: it needs TLS on.
        values = {**tls_settings(site, client_ca=False), "ocpp_plain": listen["ocpp_plain"]}
        config = tmp_path / "capacitor.toml"
        config.write_text("".join(f'{name} = "{value}"\n' for name, value in values.items()))
        with trio.fail_after(TIMEOUT_S):
            result = await trio.run_process(
                [
                    *capacitor_edge_command(),
                    "serve",
                    "--config",
                    str(config),
                    "--data-dir",
                    str(tmp_path / "data"),
                    "--http",
                    listen["http"],
                    "--ocpp",
                    listen["ocpp"],
                ],
                capture_stdout=True,
                capture_stderr=True,
                check=False,
                env=_environment(),
                stdin=subprocess.DEVNULL,
            )
    stderr = result.stderr.decode()
    assert result.returncode != 0, stderr
    assert (
        f"capacitor-edge: cannot listen on {busy} (setting '{setting}'): address already in use"
        " - another program (or another capacitor-edge) uses that port"
    ) in stderr
    assert "Traceback" not in stderr and "Errno" not in stderr, stderr


@pytest.mark.slow
async def test_without_public_url_the_box_warns_and_names_the_address_chargers_get(
    tmp_path: Path,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with ServerProcess.start(tmp_path / "data", env=_environment()) as server:
            ocpp_port = server.ocpp_url.rsplit(":", 1)[1]
            await server.wait_for_stderr(
                r"WARNING .*'public_url' is not set: chargers are given "
                rf"ws://127\.0\.0\.1:{ocpp_port}/ocpp/\{{chargeBoxId\}} as their connectionUrl"
            )
            await server.wait_for_stderr(r"WARNING .*'public_http_url' is not set")


@pytest.mark.slow
async def test_with_public_url_set_there_is_no_warning_about_it(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with ServerProcess.start(
            tmp_path / "data", ["--public-url", "ws://192.0.2.10:9000"], env=_environment()
        ) as server:
            # Logged after the public_url one would be: once it is here, that one is not coming.
            await server.wait_for_stderr(r"'public_http_url' is not set")
            assert "'public_url' is not set" not in server.stderr_text()


def test_listening_on_every_interface_the_warning_names_the_host_name_and_a_lan_address(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, ocpp="0.0.0.0:9000", public_url="")
    [ocpp_warning, _] = address_warnings(settings, "http://127.0.0.1:8080", "ws://0.0.0.0:9000")
    assert f"ws://{socket.gethostname()}:9000/ocpp/{{chargeBoxId}}" in ocpp_warning
    assert "usually cannot resolve" in ocpp_warning
    address = lan_address("0.0.0.0")
    if address is None:  # a machine without a default route
        assert "set 'public_url' to an address or name chargers can reach" in ocpp_warning
    else:
        assert f'public_url = "ws://{address}:9000"' in ocpp_warning
        with socket.socket() as probe:  # it is an address of this machine
            probe.bind((address, 0))


def test_a_specific_listen_address_is_the_lan_address() -> None:
    assert lan_address("10.1.2.3") == "10.1.2.3"
