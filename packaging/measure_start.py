"""Measure an executable's cold start: exec → ``GET /health`` answers 200, median of N runs
(wall time, and the CPU time and RSS of the process tree at that moment).

    .venv/bin/python packaging/measure_start.py dist/capacitor-edge [--runs 5]
    .venv/bin/python packaging/measure_start.py "python -m capacitor_edge"

Each run starts ``serve`` on free loopback ports, polls ``/health`` every 2 ms, then sends
SIGTERM and checks the exit status is 0. "first start" uses an empty data dir (database created,
migrations, first API key); "restart" reuses the data dir (the normal case on a gateway).
Prints one line per form and the size of the executable. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple


class Start(NamedTuple):
    wall_s: float
    cpu_s: float
    rss_bytes: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (a onefile binary is a bootloader and its child)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            queue.extend(int(child) for child in task.read_text().split())
    return found


def cpu_and_rss(pid: int) -> tuple[float, int]:
    """User+system CPU seconds and the largest VmRSS (bytes) in the process tree, now. CPU time is
    what a shared machine's load does not inflate, unlike the wall-clock time to ready."""
    cpu, rss = 0.0, 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / _TICKS
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss = max(rss, int(line.split()[1]) * 1024)
    return cpu, rss


def one_start(command: list[str], data_dir: Path, limit_s: float = 30.0) -> Start:
    port = free_port()
    argv = [*command, "serve", "--data-dir", str(data_dir), "--http", f"127.0.0.1:{port}"]
    argv += ["--ocpp", "127.0.0.1:0"]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not healthy(port):
            if process.poll() is not None:
                raise SystemExit(f"{argv} exited with {process.returncode} before ready")
            if time.perf_counter() - started > limit_s:
                raise SystemExit(f"{argv} not ready within {limit_s} s")
            time.sleep(0.002)
        elapsed = time.perf_counter() - started
        cpu, rss = cpu_and_rss(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
    if code != 0:
        raise SystemExit(f"{argv} exited with {code} after SIGTERM")
    return Start(elapsed, cpu, rss)


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def median(starts: list[Start], index: int) -> float:
    return statistics.median(start[index] for start in starts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", help="the executable, or a command line in quotes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size-of", type=Path, help="file or directory to report the size of")
    args = parser.parse_args()
    command = shlex.split(args.command)
    with tempfile.TemporaryDirectory() as tmp:
        firsts = [one_start(command, Path(tmp) / f"first-{i}") for i in range(args.runs)]
        again = Path(tmp) / "first-0"
        restarts = [one_start(command, again) for _ in range(args.runs)]
    size = size_of(args.size_of or Path(command[0]))
    print(
        f"{args.command}: size {size / 1e6:.1f} MB; exec to /health 200, median of {args.runs}: "
        f"first start {median(firsts, 0):.3f} s, restart {median(restarts, 0):.3f} s"
        f" (restarts: {', '.join(f'{t.wall_s:.3f}' for t in restarts)}); CPU to ready: first "
        f"{median(firsts, 1):.3f} s, restart {median(restarts, 1):.3f} s; RSS at ready: first "
        f"{median(firsts, 2) / 2**20:.1f} MiB, restart {median(restarts, 2) / 2**20:.1f} MiB",
        flush=True,
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
