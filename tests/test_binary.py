"""The built executable, end to end: ``--version``, serve, ``/health``, register a charger, a real
charger (the ``ocpp`` package's ChargePoint) boots, a live backup, SIGTERM → exit 0.

It runs against ``$CAPACITOR_BINARY_UNDER_TEST`` or ``dist/capacitor-edge`` (CI builds it with
``make binary`` and sets the variable). Without either it runs the same checks against
``python -m capacitor_edge``, except under CI, where a missing binary is a failure.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import httpx
import pytest
import trio

from capacitor_edge import __version__
from tests.ocpp.test_interop import BOOT
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import BINARY_ENV, ServerProcess, capacitor_edge_command

pytestmark = pytest.mark.slow

DIST = Path(__file__).resolve().parent.parent / "dist" / "capacitor-edge"


def binary() -> str | None:
    named = os.environ.get(BINARY_ENV)
    if named:
        return named
    return str(DIST) if DIST.is_file() else None


def command() -> list[str]:
    found = binary()
    if found is None and os.environ.get("CI"):
        pytest.fail(f"CI must test the built executable: run `make binary` and set {BINARY_ENV}")
    return capacitor_edge_command(found)


async def test_version_says_what_was_built() -> None:
    with trio.fail_after(30):
        result = await trio.run_process([*command(), "--version"], capture_stdout=True)
    first, build = result.stdout.decode().strip().splitlines()
    assert first == f"capacitor-edge {__version__}"
    if binary() is not None:
        assert "frozen executable" in build
        assert "commit unknown" not in build
        assert "built unknown" not in build
    else:
        assert "not frozen" in build


async def test_serve_register_boot_backup_and_sigterm(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    exe = command()[0] if binary() else None
    with trio.fail_after(90):
        async with (
            ServerProcess.start(data_dir, executable=exe) as server,
            httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": server.api_key}, timeout=10
            ) as api,
        ):
            health = await api.get("/health")
            assert health.status_code == 200
            assert health.json() == {"status": "ok"}
            docs = await api.get("/openapi.json")
            assert docs.status_code == 200
            assert (await api.get("/docs")).status_code == 200
            created = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-BIN"})
            assert created.status_code == 201, created.text

            async with ChargerProcess.start(server.charger_url("CP-BIN")) as charger:
                await charger.wait_connected()
                boot = await charger.call("BootNotification", BOOT)
                assert boot["status"] == "Accepted"
                # Validated against the OCPP 1.6 schemas bundled in the executable.
                await charger.call(
                    "StatusNotification",
                    {"connectorId": 1, "status": "Available", "errorCode": "NoError"},
                )
                got = (await api.get("/api/v1/chargers/CP-BIN")).json()
                assert got["chargeBoxId"] == "CP-BIN"

                copy = tmp_path / "live-copy.db"
                with trio.fail_after(30):
                    result = await trio.run_process(
                        [*command(), "backup", str(copy), "--data-dir", str(data_dir)],
                        capture_stdout=True,
                    )
                assert result.returncode == 0

                # No idle keep-alive connection left open here: tests/test_shutdown.py covers
                # that case (it holds the exit back for shutdown_timeout_s, see docs/installing.md).
                await api.aclose()
                assert await server.terminate() == 0
                closed = await charger.next_event("closed")
                assert closed["code"] == 1001

    check = sqlite3.connect(copy)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        row = check.execute("SELECT vendor FROM chargers WHERE charge_box_id = 'CP-BIN'")
        assert row.fetchone()[0] == "ABB"
    finally:
        check.close()
