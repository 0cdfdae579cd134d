"""REST command round trips: ``POST .../reset`` answered by a bare charger, one at a time.

Starts the real CLI server (``--source DIR`` runs another checkout's code, for A/B against a
``git archive`` of a base commit), registers one charger, connects a minimal OCPP-J client that
answers every CALL with ``{"status": "Accepted"}``, then sends ``--count`` resets in sequence.
Prints commands per second (wall) and server CPU-ms per command (from /proc)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import trio
from trio_websocket import open_websocket_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.server_process import ServerProcess

BOOT = {"chargePointVendor": "Bench", "chargePointModel": "B1"}


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def charger(url: str, ready: trio.Event) -> None:
    async with open_websocket_url(url, subprotocols=["ocpp1.6"]) as ws:
        await ws.send_message(json.dumps([2, "boot", "BootNotification", BOOT]))
        await ws.get_message()
        ready.set()
        while True:
            frame = json.loads(await ws.get_message())
            if frame[0] == 2:
                await ws.send_message(json.dumps([3, frame[1], {"status": "Accepted"}]))


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    env = dict(os.environ)
    if args.source is not None:
        env["PYTHONPATH"] = str(args.source.resolve())
    async with ServerProcess.start(data_dir, env=env) as server:
        headers = {"X-API-Key": server.api_key}
        async with httpx.AsyncClient(base_url=server.http_url, headers=headers) as api:
            await api.post("/api/v1/chargers", json={"chargeBoxId": "B-1"})
            async with trio.open_nursery() as nursery:
                ready = trio.Event()
                nursery.start_soon(charger, server.charger_url("B-1"), ready)
                await ready.wait()
                path = "/api/v1/chargers/B-1/reset"
                for _ in range(50):  # warm-up
                    await api.post(path, json={"type": "Soft"})
                cpu0, t0 = cpu_s(server.process.pid), time.perf_counter()
                for _ in range(args.count):
                    response = await api.post(path, json={"type": "Soft"})
                    assert response.status_code == 200, response.text
                wall, cpu = time.perf_counter() - t0, cpu_s(server.process.pid) - cpu0
                nursery.cancel_scope.cancel()
    print(
        f"{args.count} resets: {args.count / wall:.0f}/s wall, "
        f"{1000 * cpu / args.count:.2f} server CPU-ms each"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--source", type=Path, help="run this checkout's capacitor_edge")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trio.run(run, args, Path(tmp) / "data")


if __name__ == "__main__":
    main()
