"""A full disk end to end: the real CLI server on a small tmpfs, a real third-party charger
sending while the disk fills, then /health, REST writes and reads, the charger's CALLERROR,
SIGTERM, a start on the still-full disk, and recovery when space returns, without a restart."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
import trio

from capacitor_edge.storage.space import RESERVE_FILE
from tests.support.charger_process import ChargerCallError, ChargerProcess
from tests.support.server_process import ServerProcess
from tests.support.small_disk import SmallDisk, small_disk
from tests.test_systemd_notify import datagram_socket

__all__ = ["small_disk"]  # the fixture, used by name

BOOT = {"chargePointVendor": "ABB", "chargePointModel": "Terra AC"}
ROOM_LINE = r"storage full: data dir {} has \d+ bytes free, WAL \d+ bytes"


def server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}
    env["CAPACITOR_EDGE_STORAGE_RESERVE_MIB"] = "2"
    return env


def client(server: ServerProcess) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.http_url, headers={"X-API-Key": server.api_key}, timeout=10.0
    )


async def send_until_refused(charger: ChargerProcess, refused: list[ChargerCallError]) -> None:
    """StatusNotifications, as a charger sends them, until one is not stored."""
    statuses = ("Available", "Preparing")
    count = 0
    while True:
        payload = {"connectorId": 1, "errorCode": "NoError", "status": statuses[count % 2]}
        try:
            await charger.call("StatusNotification", payload)
        except ChargerCallError as error:
            refused.append(error)
            return
        count += 1


@pytest.mark.slow
async def test_a_full_disk_under_load_and_the_next_start(small_disk: SmallDisk) -> None:
    data_dir = small_disk.path / "data"
    with trio.fail_after(120):
        async with ServerProcess.start(data_dir, env=server_env()) as server:
            async with client(server) as api:
                created = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                assert created.status_code == 201, created.text
                async with ChargerProcess.start(server.charger_url("CP-1")) as charger:
                    await charger.wait_connected()
                    assert (await charger.call("BootNotification", BOOT))["status"] == "Accepted"
                    refused: list[ChargerCallError] = []
                    async with trio.open_nursery() as nursery:
                        nursery.start_soon(send_until_refused, charger, refused)
                        await trio.to_thread.run_sync(small_disk.fill)
                    # OCPP-J: InternalError, saying why; the session goes on.
                    assert refused[0].code == "InternalError"
                    assert "storage is full" in refused[0].description
                    assert "currentTime" in await charger.call("Heartbeat", {})

                health = await api.get("/health")
                assert health.status_code == 503
                body = health.json()
                assert body["status"] == "failing"
                assert body["storage"]["status"] == "full"
                assert "bytes free" in body["storage"]["message"]
                assert body["storage"]["since"].endswith("Z")

                write = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-2"})
                assert write.status_code == 503
                error = write.json()["error"]
                assert error["code"] == "STORAGE_FULL"
                assert str(data_dir) in error["message"] and "bytes free" in error["message"]

                read = await api.get("/api/v1/chargers")
                assert read.status_code == 200
                assert [c["chargeBoxId"] for c in read.json()["chargers"]] == ["CP-1"]
            assert await server.terminate() == 0
        assert "Traceback" not in server.stderr_text()
        wal = data_dir / "capacitor.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0, "the WAL was not checkpointed"

        small_disk.fill()  # still full: whatever shutdown freed is taken again
        async with ServerProcess.start(data_dir, env=server_env()) as again:
            await again.wait_for_stderr(ROOM_LINE.format(re.escape(str(data_dir))))
            assert "Traceback" not in again.stderr_text()
            async with client(again) as api:
                health = await api.get("/health")
                assert health.status_code == 503 and health.json()["storage"]["status"] == "full"
                read = await api.get("/api/v1/chargers")
                assert read.status_code == 200

                small_disk.free_up()
                await again.wait_for_stderr("storage recovered")
                health = await api.get("/health")
                assert (health.status_code, health.json()) == (200, {"status": "ok"})
                created = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-2"})
                assert created.status_code == 201, created.text
            assert (data_dir / RESERVE_FILE).stat().st_size == 2 * 1024 * 1024
        assert "Traceback" not in again.stderr_text()


@pytest.mark.slow
async def test_systemd_hears_at_once_when_storage_fails_and_recovers(
    small_disk: SmallDisk, tmp_path: Path
) -> None:
    """STATUS= (what `systemctl status` shows) changes as soon as a write fails for lack of
    room, and back to the listening line when space returns."""
    notify_path = str(tmp_path / "notify.sock")
    env = {**server_env(), "NOTIFY_SOCKET": notify_path}
    statuses: list[str] = []
    with trio.fail_after(60), datagram_socket(notify_path) as sock:

        async def next_status() -> str:
            while True:
                lines = (await sock.recv(4096)).decode().split("\n")
                found = [line.removeprefix("STATUS=") for line in lines if "STATUS=" in line]
                if found:
                    statuses.append(found[0])
                    return found[0]

        async with ServerProcess.start(small_disk.path / "data", env=env) as server:
            assert (await next_status()).startswith("REST ")  # READY=1 with it
            async with client(server) as api:
                small_disk.fill()
                write = await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
                assert write.json()["error"]["code"] == "STORAGE_FULL"
                assert (await next_status()).startswith("storage full: data dir ")
                small_disk.free_up()
                assert (await next_status()).startswith("REST ")
        assert (await next_status()) == "shutting down"
