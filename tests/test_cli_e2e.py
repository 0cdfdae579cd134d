"""The real CLI in a subprocess: ``serve`` on loopback port 0, ``keys create`` beside it,
``--version`` and config errors. Every wait is bounded and waits on output, not on sleeps."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import sys
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import trio

from capacitor_edge import __version__
from capacitor_edge.storage.migrations import MIGRATIONS, apply_migrations
from tests.support.server_process import STOP_BOUND_S, ServerProcess, capacitor_edge_command

START_TIMEOUT_S = 30.0
#: Far above the server's exit bound in tests (STOP_BOUND_S): a test that ends within that bound
#: did not wait for this timeout.
SHUTDOWN_TIMEOUT_S = 3 * STOP_BOUND_S
KEY = re.compile(r"^cap_live_[A-Za-z0-9_-]{32}$")


def cli(*args: str) -> list[str]:
    """The CLI under test (the built binary in CI) with ``args``."""
    return [*capacitor_edge_command(), *args]


def clean_env() -> dict[str, str]:
    """This environment without any CAPACITOR_EDGE_* setting that could leak into the run."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}


def running_server(
    data_dir: Path, extra_args: Sequence[str] = ()
) -> AbstractAsyncContextManager[ServerProcess]:
    """``capacitor-edge serve`` on 127.0.0.1 port 0, ready, without any setting from here."""
    return ServerProcess.start(data_dir, extra_args, start_timeout=START_TIMEOUT_S, env=clean_env())


async def test_serve_register_list_get_delete_then_sigterm(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server:
        key_file = data_dir / "initial-api-key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        key = key_file.read_text().strip()
        assert KEY.match(key)
        with trio.fail_after(START_TIMEOUT_S):
            await server.wait_for_stdout(re.escape(key))

        with trio.fail_after(10):
            async with httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": key}
            ) as client:
                health = await client.get("/health")
                created = await client.post(
                    "/api/v1/chargers", json={"chargeBoxId": "CHARGER-001", "name": "Lot"}
                )
                listed = await client.get("/api/v1/chargers")
                got = await client.get("/api/v1/chargers/CHARGER-001")
                deleted = await client.delete("/api/v1/chargers/CHARGER-001")
                after = await client.get("/api/v1/chargers/CHARGER-001")

        assert health.json() == {"status": "ok"}
        assert created.status_code == 201, created.text
        assert created.json()["chargeBoxId"] == "CHARGER-001"
        assert [c["chargeBoxId"] for c in listed.json()["chargers"]] == ["CHARGER-001"]
        assert got.status_code == 200
        assert got.json()["name"] == "Lot"
        assert deleted.status_code == 200
        assert after.status_code == 404

        assert await server.terminate() == 0, server.stderr_text()
    assert "Traceback" not in server.stderr_text()


async def test_sigterm_with_an_idle_keep_alive_connection(tmp_path: Path) -> None:
    """An idle keep-alive connection does not hold the exit back until the graceful timeout
    (it did, before the shielded sends): that timeout is set to far more than terminate's
    bound, so waiting for it fails the test, however loaded the machine."""
    data_dir = tmp_path / "data"
    config = tmp_path / "capacitor.toml"
    config.write_text(f"shutdown_timeout_s = {SHUTDOWN_TIMEOUT_S}\n")
    async with running_server(data_dir, ["--config", str(config)]) as server:
        key = (data_dir / "initial-api-key").read_text().strip()
        async with httpx.AsyncClient(
            base_url=server.http_url, headers={"X-API-Key": key}
        ) as client:
            with trio.fail_after(10):
                response = await client.get("/api/v1/chargers")
            assert response.status_code == 200
            # The connection stays open and idle in the client's pool while the server stops.
            code = await server.terminate()
        assert code == 0, server.stderr_text()


async def test_restart_keeps_data_and_does_not_make_a_new_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server:
        key = (data_dir / "initial-api-key").read_text().strip()
        with trio.fail_after(10):
            async with httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": key}
            ) as client:
                created = await client.post("/api/v1/chargers", json={"chargeBoxId": "KEEP"})
        assert created.status_code == 201
        assert await server.terminate() == 0
    async with running_server(data_dir) as server:
        with trio.fail_after(10):
            async with httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": key}
            ) as client:
                listed = (await client.get("/api/v1/chargers")).json()
        assert [c["chargeBoxId"] for c in listed["chargers"]] == ["KEEP"]
        assert await server.terminate() == 0
    assert key not in server.stdout.decode(), "the first key is shown only on the first run"
    assert (data_dir / "initial-api-key").read_text().strip() == key


async def test_keys_create_while_serving(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server:
        first_key = (data_dir / "initial-api-key").read_text().strip()
        with trio.fail_after(10):
            async with httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": first_key}
            ) as client:
                created = await client.post("/api/v1/chargers", json={"chargeBoxId": "MINE"})
        assert created.status_code == 201

        with trio.fail_after(START_TIMEOUT_S):
            result = await trio.run_process(
                cli("keys", "create", "--name", "x", "--org", "other", "--data-dir", str(data_dir)),
                capture_stdout=True,
                capture_stderr=True,
                env=clean_env(),
                check=False,
            )
        assert result.returncode == 0, result.stderr.decode()
        lines = result.stdout.decode().strip().splitlines()
        new_key = lines[-1].strip()
        assert KEY.match(new_key), lines

        with trio.fail_after(10):
            async with httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": new_key}
            ) as other:
                listed = await other.get("/api/v1/chargers")
        assert listed.status_code == 200, listed.text
        assert listed.json() == {
            "chargers": [],
            "pagination": {"total": 0, "limit": 50, "offset": 0},
        }
        assert await server.terminate() == 0


async def test_version() -> None:
    """From source (the built binary's version line is checked in test_binary.py)."""
    with trio.fail_after(START_TIMEOUT_S):
        result = await trio.run_process(
            [sys.executable, "-m", "capacitor_edge", "--version"],
            capture_stdout=True,
            capture_stderr=True,
            env=clean_env(),
        )
    first, build = result.stdout.decode().strip().splitlines()
    assert first == f"capacitor-edge {__version__}"
    assert "not frozen" in build


async def test_unknown_config_key_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('htp = "127.0.0.1:0"\n', encoding="utf-8")
    with trio.fail_after(START_TIMEOUT_S):
        result = await trio.run_process(
            cli("serve", "--config", str(config), "--data-dir", str(tmp_path / "data")),
            capture_stdout=True,
            capture_stderr=True,
            env=clean_env(),
            check=False,
        )
    assert result.returncode != 0
    stderr = result.stderr.decode()
    assert "'htp'" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "data").exists(), "nothing is created when the settings are bad"


async def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / "capacitor.db")
    apply_migrations(conn)
    conn.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')",
        (len(MIGRATIONS) + 1,),
    )
    conn.commit()
    conn.close()
    with trio.fail_after(START_TIMEOUT_S):
        result = await trio.run_process(
            cli(
                "serve",
                "--data-dir",
                str(data_dir),
                "--http",
                "127.0.0.1:0",
                "--ocpp",
                "127.0.0.1:0",
            ),
            capture_stdout=True,
            capture_stderr=True,
            env=clean_env(),
            check=False,
        )
    stderr = result.stderr.decode()
    assert result.returncode != 0
    assert "newer version" in stderr
    assert "Traceback" not in stderr
