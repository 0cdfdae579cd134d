"""Measure an executable's cold start: exec → ``GET /health`` answers 200, median of N runs
(wall time, and the CPU time and RSS of the process tree at that moment).

    .venv/bin/python packaging/measure_start.py dist/capacitor-edge [--runs 5]
    .venv/bin/python packaging/measure_start.py "python -m capacitor_edge"
    .venv/bin/python packaging/measure_start.py dist/capacitor-edge --against /tmp/base-binary

With ``--against``, the two commands are measured in alternating rounds (A/B on a shared
machine: CPU seconds and RSS are robust to the load, the wall time is not).

Each run starts ``serve`` on free loopback ports, polls ``/health`` every 2 ms, then sends
SIGTERM and checks the exit status is 0. "first start" uses an empty data dir (database created,
migrations, first API key); "restart" reuses the data dir (the normal case on a gateway).
Prints one line per form and the size of the executable. Loopback only.

One start before the measured ones is not counted: it warms the page cache and, for the source
form, writes the bytecode cache. ``PYTHONDONTWRITEBYTECODE`` is dropped from the child's
environment for that reason: with it set (as on this project's machines) every start compiled
~190 of the package's modules from source, ~0.25 CPU-s that an installed box (pip writes the
bytecode at install; the binary ships it) never pays.
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
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
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


def measure(command: list[str], runs: int, tmp: Path, name: str) -> tuple[list[Start], list[Start]]:
    """``runs`` first starts (empty data dir) and ``runs`` restarts (the first one's dir)."""
    firsts = [one_start(command, tmp / f"{name}-first-{i}") for i in range(runs)]
    again = tmp / f"{name}-first-0"
    return firsts, [one_start(command, again) for _ in range(runs)]


def report(label: str, size: int, runs: int, firsts: list[Start], restarts: list[Start]) -> str:
    return (
        f"{label}: size {size / 1e6:.1f} MB; exec to /health 200, median of {runs}: "
        f"first start {median(firsts, 0):.3f} s, restart {median(restarts, 0):.3f} s"
        f" (restarts: {', '.join(f'{t.wall_s:.3f}' for t in restarts)}); CPU to ready: first "
        f"{median(firsts, 1):.3f} s, restart {median(restarts, 1):.3f} s; RSS at ready: first "
        f"{median(firsts, 2) / 2**20:.1f} MiB, restart {median(restarts, 2) / 2**20:.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", help="the executable, or a command line in quotes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1, help="rounds (alternating with --against)")
    parser.add_argument("--against", help="a second command, measured in alternating rounds")
    parser.add_argument("--size-of", type=Path, help="file or directory to report the size of")
    args = parser.parse_args()
    commands = [args.command] + ([args.against] if args.against else [])
    with tempfile.TemporaryDirectory() as tmp:
        for line in commands:  # warm-up, not counted (see above)
            one_start(shlex.split(line), Path(tmp) / f"warm-{commands.index(line)}")
        for round_ in range(args.rounds):
            order = commands if round_ % 2 == 0 else commands[::-1]
            for line in order:
                command = shlex.split(line)
                firsts, restarts = measure(
                    command, args.runs, Path(tmp), f"r{round_}-{commands.index(line)}"
                )
                size = size_of(args.size_of or Path(command[0]))
                label = f"round {round_ + 1}: {line}"
                print(report(label, size, args.runs, firsts, restarts), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
