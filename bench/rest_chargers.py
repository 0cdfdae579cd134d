"""REST chargers benchmark: the real CLI server in a subprocess, an httpx client in this one.

    .venv/bin/python bench/rest_chargers.py [--chargers 10000] [--workers 8] [--no-record]

Measures, against a fresh data dir:
  (a) POST /api/v1/chargers round trips/s while registering N chargers;
  (b) GET /api/v1/chargers?limit=50 round trips/s;
  (c) p50/p99 latency of GET /api/v1/chargers?limit=50&offset=N-50 (one request at a time).
The server is pinned to CPU 0 (``taskset``, if present) and this client to CPU 1, so they do not
compete for a core. Prints the figures and appends them to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import trio

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE = ROOT / "docs" / "PERFORMANCE.md"
REST_HEADING = "## REST benchmarks\n"
REST_TABLE_HEAD = "| date | commit | machine | benchmark | figure |\n|---|---|---|---|---|\n"
READY = re.compile(rb"capacitor-edge ready: REST (http://127\.0\.0\.1:\d+)")
START_TIMEOUT_S = 30.0
PHASE_TIMEOUT_S = 300.0

INTRO = """# Performance

Figures from `bench/rest_chargers.py`: the real `capacitor-edge serve` in a subprocess (pinned to
CPU 0 with `taskset` when available), driven over loopback HTTP/1.1 by an httpx client on trio in
another process (pinned to CPU 1), on a fresh data dir. A row is appended on every run; compare
rows from the same machine only.

- *POST register*: `POST /api/v1/chargers` round trips/s while registering N chargers
  (each one a committed write: group commit, `synchronous=FULL`).
- *GET list*: `GET /api/v1/chargers?limit=50` round trips/s.
- *GET deep page*: p50/p99 latency of `GET /api/v1/chargers?limit=50&offset=N-50`, one request
  at a time.

| date | commit | machine | benchmark | figure |
|---|---|---|---|---|
"""


def machine() -> str:
    cpus = os.cpu_count() or 0
    with contextlib.suppress(OSError, ValueError):
        cpus = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip())
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpus} CPUs, {model}"


def commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        )
    except OSError:
        return "unknown"
    head = result.stdout.strip() or "unknown"
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    return head + ("+dirty" if dirty else "")


async def start_server(data_dir: Path, nursery: trio.Nursery) -> tuple[trio.Process, str]:
    command = [
        sys.executable,
        "-m",
        "capacitor_edge",
        "serve",
        "--data-dir",
        str(data_dir),
        "--http",
        "127.0.0.1:0",
        "--ocpp",
        "127.0.0.1:0",
    ]
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", "0", *command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}
    process = await trio.lowlevel.open_process(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=data_dir.parent
    )
    assert process.stderr is not None
    seen = bytearray()
    found = trio.Event()
    url: list[str] = []

    async def drain(stream: trio.abc.ReceiveStream) -> None:
        # Keep reading for the whole run, or a full pipe would stall the server.
        async for chunk in stream:
            if not found.is_set():
                seen.extend(chunk)
                match = READY.search(seen)
                if match:
                    url.append(match.group(1).decode())
                    found.set()
            elif len(chunk) and b"ERROR" in chunk:
                sys.stderr.write(chunk.decode("utf-8", "replace"))

    nursery.start_soon(drain, process.stderr)
    with trio.fail_after(START_TIMEOUT_S):
        await found.wait()
    return process, url[0]


async def run_workers(
    workers: int, total: int, one: Callable[[int], Awaitable[None]], deadline_s: float
) -> tuple[int, float]:
    """Run ``one(i)`` for i in 0..total-1 on ``workers`` tasks; return (done, seconds)."""
    next_index = 0
    done = 0

    async def worker() -> None:
        nonlocal next_index, done
        while next_index < total:
            index = next_index
            next_index += 1
            await one(index)
            done += 1

    started = time.perf_counter()
    with trio.move_on_after(deadline_s):
        async with trio.open_nursery() as nursery:
            for _ in range(workers):
                nursery.start_soon(worker)
    return done, time.perf_counter() - started


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def benchmark(
    chargers: int, workers: int, list_requests: int, deep_requests: int
) -> dict[str, str]:
    data_root = Path(tempfile.mkdtemp(prefix="capacitor-bench-"))
    data_dir = data_root / "data"
    results: dict[str, str] = {}
    try:
        async with trio.open_nursery() as nursery:
            process, url = await start_server(data_dir, nursery)
            try:
                key = (data_dir / "initial-api-key").read_text().strip()
                limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
                async with httpx.AsyncClient(
                    base_url=url, headers={"X-API-Key": key}, limits=limits, timeout=30.0
                ) as client:

                    async def register(index: int) -> None:
                        response = await client.post(
                            "/api/v1/chargers", json={"chargeBoxId": f"BENCH-{index:06d}"}
                        )
                        if response.status_code != 201:
                            raise RuntimeError(f"register: {response.status_code} {response.text}")

                    done, seconds = await run_workers(workers, chargers, register, PHASE_TIMEOUT_S)
                    results["POST register"] = (
                        f"{done / seconds:,.0f} req/s ({done:,} chargers, {workers} workers)"
                    )
                    print(f"(a) POST /api/v1/chargers: {results['POST register']}", flush=True)

                    async def list_page(index: int) -> None:
                        response = await client.get("/api/v1/chargers", params={"limit": 50})
                        if response.status_code != 200:
                            raise RuntimeError(f"list: {response.status_code}")

                    done, seconds = await run_workers(
                        workers, list_requests, list_page, PHASE_TIMEOUT_S
                    )
                    results["GET list limit=50"] = (
                        f"{done / seconds:,.0f} req/s ({done:,} requests, {workers} workers)"
                    )
                    print(f"(b) GET /api/v1/chargers?limit=50: {results['GET list limit=50']}")

                    offset = max(0, chargers - 50)
                    latencies: list[float] = []
                    with trio.move_on_after(PHASE_TIMEOUT_S):
                        for _ in range(deep_requests):
                            started = time.perf_counter()
                            response = await client.get(
                                "/api/v1/chargers", params={"limit": 50, "offset": offset}
                            )
                            latencies.append(time.perf_counter() - started)
                            if response.status_code != 200 or len(response.json()["chargers"]) != (
                                min(50, chargers)
                            ):
                                raise RuntimeError(f"deep page: {response.status_code}")
                    name = f"GET limit=50&offset={offset}"
                    results[name] = (
                        f"p50 {percentile(latencies, 0.5) * 1000:.2f} ms, "
                        f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms "
                        f"(mean {statistics.fmean(latencies) * 1000:.2f} ms, "
                        f"{len(latencies):,} sequential requests)"
                    )
                    print(f"(c) {name}: {results[name]}")
            finally:
                process.send_signal(signal.SIGTERM)
                with trio.move_on_after(10):
                    code = await process.wait()
                    if code != 0:
                        print(f"server exited with {code}", file=sys.stderr)
                if process.returncode is None:
                    process.kill()
                    await process.wait()
    finally:
        shutil.rmtree(data_root, ignore_errors=True)
    return results


def record(results: dict[str, str], where: str) -> None:
    PERFORMANCE.parent.mkdir(parents=True, exist_ok=True)
    if not PERFORMANCE.exists():
        PERFORMANCE.write_text(INTRO, encoding="utf-8")
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    head = commit()
    rows = [
        f"| {date} | {head} | {where} | {name} | {figure} |\n" for name, figure in results.items()
    ]
    # Under the REST section's table (its last row), not at the end of the file, where the OCPP
    # runners append their own sections.
    lines = PERFORMANCE.read_text(encoding="utf-8").splitlines(keepends=True)
    try:
        start = lines.index(REST_HEADING)
    except ValueError:
        lines += ["\n", REST_HEADING, "\n", REST_TABLE_HEAD]
        start = len(lines) - 3
    end = start + 1
    while end < len(lines) and not lines[end].startswith("## "):
        end += 1
    last_row = max(i for i in range(start, end) if lines[i].startswith("|"))
    lines[last_row + 1 : last_row + 1] = rows
    PERFORMANCE.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chargers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--list-requests", type=int, default=5_000)
    parser.add_argument("--deep-requests", type=int, default=1_000)
    parser.add_argument("--no-record", action="store_true", help="do not append to PERFORMANCE.md")
    args = parser.parse_args()
    where = machine()  # before pinning: nproc counts only the CPUs this process may use
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    print(f"machine: {where}; commit {commit()}", flush=True)
    results = trio.run(
        benchmark, args.chargers, args.workers, args.list_requests, args.deep_requests
    )
    if not args.no_record:
        record(results, where)
        print(f"appended to {PERFORMANCE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
