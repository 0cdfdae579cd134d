"""Issue 20: what mirroring to an upstream central system costs the box.

    python bench/upstream_bench.py [--messages 20000] [--backlog 100000] [--chargers 10]
        [--write]

1. **Relay overhead**: the same closed loop of durable StatusNotifications
   (bench/ocpp_load.py, ``status``) from ``--chargers`` chargers, once without ``upstream_url``
   and once with it (the third-party upstream of the tests, tests/support/upstream_csms.py,
   receiving every message). Figure: the box's CPU seconds per message (/proc utime+stime of
   the server process, from ``go`` until the upstream has every message), and the difference.
2. **Replay**: with the upstream down, ``--backlog`` StatusNotifications fill the outbox; the
   chargers stay connected (``idle``) and the upstream comes back. Figure: messages replayed per
   second until the upstream has all of them, and the box's CPU seconds per replayed message
   (the upstream, a Python asyncio ``ocpp`` server, is measured too: it may be the bottleneck).

Server pinned to CPU 0, load client and upstream to CPU 1 (``taskset``). CPU figures are robust
to other load on the machine; the wall-clock replay rate is not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
from ocpp_bench import LoadClient

UPSTREAM = common.ROOT / "tests" / "support" / "upstream_csms.py"


class Upstream:
    """tests/support/upstream_csms.py in a subprocess; counts the charger messages it got."""

    def __init__(self, record: Path, port: int = 0) -> None:
        command = [
            *common.taskset(common.CLIENT_CPU),
            sys.executable,
            str(UPSTREAM),
            "--record",
            str(record),
            "--port",
            str(port),
        ]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.port = 0
        self.received = 0
        self._listening = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._listening.wait(30):
            raise RuntimeError("the upstream did not start")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in iter(self.process.stdout.readline, b""):
            message = json.loads(raw)
            if message["event"] == "listening":
                self.port = int(message["port"])
                self._listening.set()
            elif message["event"] == "received" and message["uniqueId"].startswith("ce-"):
                self.received += 1

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def wait_for(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self.received < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"upstream got {self.received}/{count} in {timeout_s} s")
            time.sleep(0.02)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def upstream_env(url: str) -> dict[str, str]:
    return {"CAPACITOR_EDGE_UPSTREAM_URL": url, "CAPACITOR_EDGE_UPSTREAM_BACKOFF_MAX_S": "0.5"}


def load_client(
    server: common.Server, ids_file: Path, scenario: str, extra: list[str]
) -> LoadClient:
    return LoadClient(
        server.ocpp_url, ids_file, scenario, 3600, argparse.Namespace(client="sansio"), extra
    )


def relay_cpu(args: argparse.Namespace, workdir: Path, upstream: Upstream | None) -> float:
    """The box's CPU seconds per StatusNotification, with or without the upstream."""
    ids = common.charger_ids(args.chargers)
    ids_file = workdir / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    env = upstream_env(upstream.url) if upstream else {}
    with common.running_server(extra_env=env) as server:
        common.register_chargers(server, ids)
        client = load_client(server, ids_file, "status", ["--max-round-trips", str(args.messages)])
        try:
            client.expect("ready", timeout_s=120)
            if upstream is not None:  # the boots, forwarded before the load starts
                upstream.wait_for(args.chargers, 60)
            base = upstream.received if upstream else 0
            cpu0 = common.cpu_seconds(server.pid)
            client.say("go")
            done = client.expect("done", timeout_s=3600)
            if upstream is not None:
                upstream.wait_for(base + args.messages, 600)
            cpu1 = common.cpu_seconds(server.pid)
        except BaseException:
            print("\n".join(list(server.stderr_tail)[-20:]), file=sys.stderr)
            raise
        finally:
            client.finish()
        assert int(done["round_trips"]) == args.messages, done
    return float(cpu1 - cpu0) / int(args.messages)


def replay(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    ids = common.charger_ids(args.chargers)
    ids_file = workdir / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    record = workdir / "replay.jsonl"
    probe = Upstream(record)
    port = probe.port
    probe.stop()  # the WAN is down: nothing listens at the upstream's address
    with common.running_server(extra_env=upstream_env(f"ws://127.0.0.1:{port}")) as server:
        common.register_chargers(server, ids)
        fill = load_client(server, ids_file, "status", ["--max-round-trips", str(args.backlog)])
        try:
            fill.expect("ready", timeout_s=120)
            started = time.monotonic()
            fill.say("go")
            fill.expect("done", timeout_s=3600)
            fill_s = time.monotonic() - started
        finally:
            fill.finish()
        hold = load_client(server, ids_file, "idle", [])
        try:
            hold.expect("ready", timeout_s=120)
            hold.say("go")
            headers = {"X-API-Key": server.api_key}
            depth = sum(
                httpx.get(
                    f"{server.http_url}/api/v1/chargers/{cid}/upstream", headers=headers
                ).json()["outboxDepth"]
                for cid in ids
            )
            cpu0, t0 = common.cpu_seconds(server.pid), time.monotonic()
            upstream = Upstream(record, port)
            try:
                upstream.wait_for(depth, 3600)
                cpu1, t1 = common.cpu_seconds(server.pid), time.monotonic()
                upstream_cpu = common.cpu_seconds(upstream.process.pid)
            finally:
                upstream.stop()
        finally:
            hold.say("stop")
            hold.finish()
    return {
        "depth": depth,
        "fill_s": fill_s,
        "seconds": t1 - t0,
        "rate": depth / (t1 - t0),
        "box_cpu_per_message": (cpu1 - cpu0) / depth,
        "upstream_cpu_per_message": upstream_cpu / depth,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--chargers", type=int, default=10)
    parser.add_argument("--skip-replay", action="store_true")
    parser.add_argument("--write", action="store_true", help="append to docs/PERFORMANCE.md")
    args = parser.parse_args()
    rows: list[common.Row] = []
    with tempfile.TemporaryDirectory(prefix="upstream-bench-") as tmp:
        workdir = Path(tmp)
        off = relay_cpu(args, workdir, None)
        upstream = Upstream(workdir / "relay.jsonl")
        try:
            on = relay_cpu(args, workdir, upstream)
        finally:
            upstream.stop()
        print(f"relay: {off * 1e6:.0f} us/message without upstream, {on * 1e6:.0f} us with")
        rows.append(
            common.Row(
                "StatusNotification, box CPU per message",
                f"{off * 1e6:.0f} us without upstream, {on * 1e6:.0f} us with "
                f"(+{(on - off) * 1e6:.0f} us relay)",
                "-",
                "-",
                f"{args.messages:,} messages, {args.chargers} chargers",
            )
        )
        if not args.skip_replay:
            result = replay(args, workdir)
            print(json.dumps(result))
            rows.append(
                common.Row(
                    f"replay of a {result['depth']:,}-message backlog",
                    f"{result['rate']:,.0f} messages/s ({result['seconds']:.0f} s); box "
                    f"{result['box_cpu_per_message'] * 1e6:.0f} us CPU/message",
                    "-",
                    "-",
                    f"upstream {result['upstream_cpu_per_message'] * 1e6:.0f} us "
                    f"CPU/message; backlog filled in {result['fill_s']:.0f} s",
                )
            )
    if args.write:
        print(common.append_performance("Upstream mirror (issue 20)", rows))


if __name__ == "__main__":
    main()
