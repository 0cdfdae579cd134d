"""The real CLI in a subprocess: ``serve`` on loopback port 0, ``keys create`` beside it,
``--version`` and config errors. Every wait is bounded and waits on output, not on sleeps."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import trio

from capacitor_edge import __version__
from capacitor_edge.storage.migrations import MIGRATIONS, apply_migrations

START_TIMEOUT_S = 30.0
#: DESIGN.md / shutdown_timeout_s: the process is gone within 3 s of SIGTERM.
STOP_TIMEOUT_S = 3.0
READY = re.compile(rb"capacitor-edge ready: REST (http://127\.0\.0\.1:\d+), OCPP (\S+)")
KEY = re.compile(r"^cap_live_[A-Za-z0-9_-]{32}$")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "capacitor_edge", *args]


def clean_env() -> dict[str, str]:
    """This environment without any CAPACITOR_EDGE_* setting that could leak into the run."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}


@dataclass
class Output:
    """Everything a pipe has produced so far, with a way to wait for a pattern in it."""

    data: bytearray = field(default_factory=bytearray)
    changed: trio.Event = field(default_factory=trio.Event)
    closed: bool = False

    async def collect(self, stream: trio.abc.ReceiveStream) -> None:
        try:
            async for chunk in stream:
                self.data += chunk
                self.changed.set()
                self.changed = trio.Event()
        finally:
            self.closed = True
            self.changed.set()

    async def wait_for(self, pattern: re.Pattern[bytes]) -> re.Match[bytes]:
        while True:
            match = pattern.search(self.data)
            if match is not None:
                return match
            if self.closed:
                raise AssertionError(f"stream closed before {pattern.pattern!r}: {self.text()}")
            await self.changed.wait()

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


@dataclass
class Server:
    process: trio.Process
    stdout: Output
    stderr: Output
    http_url: str
    data_dir: Path

    async def stop(self) -> int:
        """SIGTERM, then the exit code (bounded by the 3 s the design promises)."""
        self.process.send_signal(signal.SIGTERM)
        with trio.fail_after(STOP_TIMEOUT_S):
            return await self.process.wait()


@asynccontextmanager
async def running_server(data_dir: Path, *extra: str) -> AsyncIterator[Server]:
    """``capacitor-edge serve`` on 127.0.0.1 port 0, ready; killed on exit if still running."""
    stdout, stderr = Output(), Output()
    async with trio.open_nursery() as nursery:
        process = await trio.lowlevel.open_process(
            cli(
                "serve",
                "--data-dir",
                str(data_dir),
                "--http",
                "127.0.0.1:0",
                "--ocpp",
                "127.0.0.1:0",
                *extra,
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_env(),
            cwd=data_dir.parent,
        )
        try:
            assert process.stdout is not None
            assert process.stderr is not None
            nursery.start_soon(stdout.collect, process.stdout)
            nursery.start_soon(stderr.collect, process.stderr)
            with trio.fail_after(START_TIMEOUT_S):
                ready = await stderr.wait_for(READY)
            yield Server(process, stdout, stderr, ready.group(1).decode(), data_dir)
        finally:
            if process.returncode is None:
                process.kill()
                with trio.CancelScope(shield=True), trio.move_on_after(5):
                    await process.wait()


async def test_serve_register_list_get_delete_then_sigterm(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server:
        key_file = data_dir / "initial-api-key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        key = key_file.read_text().strip()
        assert KEY.match(key)
        with trio.fail_after(START_TIMEOUT_S):
            await server.stdout.wait_for(re.compile(re.escape(key.encode())))

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

        assert await server.stop() == 0, server.stderr.text()
    assert "Traceback" not in server.stderr.text()


async def test_sigterm_with_an_idle_keep_alive_connection(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with running_server(data_dir) as server:
        key = (data_dir / "initial-api-key").read_text().strip()
        async with httpx.AsyncClient(
            base_url=server.http_url, headers={"X-API-Key": key}
        ) as client:
            with trio.fail_after(10):
                response = await client.get("/api/v1/chargers")
            assert response.status_code == 200
            # The connection stays open and idle in the client's pool while the server stops.
            code = await server.stop()
        assert code == 0, server.stderr.text()


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
        assert await server.stop() == 0
    async with running_server(data_dir) as server:
        with trio.fail_after(10):
            async with httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": key}
            ) as client:
                listed = (await client.get("/api/v1/chargers")).json()
        assert [c["chargeBoxId"] for c in listed["chargers"]] == ["KEEP"]
        assert await server.stop() == 0
    assert key not in server.stdout.text(), "the first key is shown only on the first run"
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
        assert await server.stop() == 0


async def test_version() -> None:
    with trio.fail_after(START_TIMEOUT_S):
        result = await trio.run_process(
            cli("--version"), capture_stdout=True, capture_stderr=True, env=clean_env()
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
