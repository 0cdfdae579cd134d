"""OCPP benchmarks against the real ``capacitor-edge serve`` process.

    python bench/ocpp_bench.py idle      [--chargers 2000 10000]
    python bench/ocpp_bench.py heartbeat [--chargers 10 100] [--duration 10] [--profile]
    python bench/ocpp_bench.py status    [--chargers 100] [--duration 10]
    python bench/ocpp_bench.py all       [--no-write]

Each benchmark gets a fresh data dir and a fresh server pinned to CPU 0 (``taskset -c 0``);
chargers are registered over REST; the load client (bench/ocpp_load.py) runs pinned to CPU 1.

- idle: RSS per connection = (server VmRSS with N chargers connected and booted - VmRSS before
  connecting) / N.
- heartbeat: closed-loop Heartbeat round trips per server CPU-second (utime + stime of the
  server process over the window, from /proc/PID/stat), plus p50/p99 latency.
- status: closed-loop StatusNotification round trips per second (each answered after its group
  commit), plus p50/p99 latency and server CPU.

Results print as a table and are appended to docs/PERFORMANCE.md (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import json
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

LOAD_CLIENT = Path(__file__).resolve().parent / "ocpp_load.py"

TARGET_IDLE_KB = 24.0
TARGET_IDLE_CHARGERS = 10_000
TARGET_HEARTBEAT_PER_CPU_S = 5_000.0
TARGET_STATUS_PER_S = 4_000.0


@dataclass
class Result:
    benchmark: str
    chargers: int
    figure: float
    unit: str
    target: float
    higher_is_better: bool
    p50_ms: float | None = None
    p99_ms: float | None = None
    details: str = ""

    @property
    def met(self) -> bool:
        if self.higher_is_better:
            return self.figure >= self.target
        return self.figure <= self.target


class LoadClient:
    """bench/ocpp_load.py in a subprocess pinned to the client CPU, driven line by line."""

    def __init__(
        self,
        server: common.Server,
        ids_file: Path,
        scenario: str,
        duration_s: float,
        client: str,
    ) -> None:
        command = [
            *common.taskset(common.CLIENT_CPU),
            sys.executable,
            str(LOAD_CLIENT),
            "--url",
            f"{server.ocpp_url}/ocpp",
            "--ids-file",
            str(ids_file),
            "--scenario",
            scenario,
            "--duration",
            str(duration_s),
            "--client",
            client,
            "--wait-go",
            "--json",
        ]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in iter(self.process.stdout.readline, b""):
            self._lines.put(raw.decode(errors="replace"))
        self._lines.put("")

    def _read_err(self) -> None:
        assert self.process.stderr is not None
        for raw in iter(self.process.stderr.readline, b""):
            if len(self.stderr) < 200:
                self.stderr.append(raw.decode(errors="replace").rstrip())

    def expect(self, event: str, timeout_s: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"load client sent no {event!r} in {timeout_s} s")
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line == "":
                raise RuntimeError(
                    f"load client exited before {event!r}:\n" + "\n".join(self.stderr[-20:])
                )
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                continue
            if message.get("event") == event:
                return dict(message)

    def say(self, word: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(word.encode() + b"\n")
        self.process.stdin.flush()

    def finish(self, timeout_s: float = 30.0) -> None:
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def prepare(server: common.Server, count: int, workdir: Path) -> Path:
    ids = common.charger_ids(count)
    seconds = common.register_chargers(server, ids)
    print(f"  registered {count} chargers over REST in {seconds:.1f} s ({count / seconds:.0f}/s)")
    ids_file = workdir / f"ids-{count}.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    return ids_file


def check_fd_limit(count: int) -> None:
    _soft, hard = common.open_files_limits()
    need = count + 200
    if hard != -1 and hard < need:
        print(
            f"  WARNING: open-files hard limit {hard} < {need} needed for {count} chargers "
            "(server and client each raise their soft limit to the hard limit)"
        )


def bench_idle(count: int, args: argparse.Namespace, workdir: Path) -> Result:
    print(f"idle: {count} chargers")
    check_fd_limit(count)
    with common.running_server(wrapper=args.server_wrapper) as server:
        ids_file = prepare(server, count, workdir)
        before = common.settle_rss(server.pid, within_s=5)
        cpu_before = common.cpu_seconds(server.pid)
        client = LoadClient(server, ids_file, "idle", args.idle_hold, args.client)
        try:
            ready = client.expect("ready", timeout_s=600)
            connect_cpu = common.cpu_seconds(server.pid) - cpu_before
            after = common.settle_rss(server.pid, within_s=15)
            online = common.online_count(server)
            client.say("go")
            client.say("stop")
            done = client.expect("done", timeout_s=120)
        finally:
            client.finish()
    connected = int(ready["booted"])
    per_conn = (after - before) / connected if connected else float("inf")
    details = (
        f"{connected}/{count} connected+booted, {online} online per REST, "
        f"connect phase {ready['connect_seconds']:.1f} s "
        f"({connected / max(ready['connect_seconds'], 1e-9):.0f}/s, "
        f"server CPU {connect_cpu:.1f} s), "
        f"RSS {before / 1024:.1f} → {after / 1024:.1f} MiB"
    )
    if ready["errors"] or done["errors"]:
        details += f", errors {ready['errors'] or done['errors']}"
    print(f"  {details}")
    print(f"  RSS per connection: {per_conn:.1f} KiB")
    return Result("idle RSS/conn", count, per_conn, "KiB", TARGET_IDLE_KB, False, details=details)


def run_loop(
    scenario: str,
    count: int,
    args: argparse.Namespace,
    workdir: Path,
    *,
    profile_to: Path | None = None,
) -> tuple[dict[str, Any], float, float]:
    """Run a closed-loop scenario; returns (client summary, server CPU seconds, window s)."""
    with common.running_server(wrapper=args.server_wrapper) as server:
        ids_file = prepare(server, count, workdir)
        client = LoadClient(server, ids_file, scenario, args.duration, args.client)
        spy: subprocess.Popen[bytes] | None = None
        try:
            ready = client.expect("ready", timeout_s=300)
            if ready["booted"] != count:
                print(f"  WARNING: only {ready['booted']}/{count} booted: {ready['errors']}")
            if profile_to is not None:
                spy = start_profiler(server.pid, profile_to, args.duration)
                time.sleep(1.0)  # py-spy attaches
            cpu0, t0 = common.cpu_seconds(server.pid), time.monotonic()
            client.say("go")
            done = client.expect("done", timeout_s=args.duration + 120)
            cpu1, t1 = common.cpu_seconds(server.pid), time.monotonic()
        finally:
            client.finish()
            if spy is not None:
                try:
                    spy.wait(timeout=args.duration + 30)
                except subprocess.TimeoutExpired:
                    spy.kill()
                    spy.wait(timeout=10)
    return done, cpu1 - cpu0, t1 - t0


def bench_heartbeat(count: int, args: argparse.Namespace, workdir: Path) -> Result:
    print(f"heartbeat: {count} chargers, {args.duration:.0f} s closed loop")
    done, cpu, window = run_loop("heartbeat", count, args, workdir)
    per_cpu = done["round_trips"] / cpu if cpu > 0 else 0.0
    details = (
        f"{done['round_trips']} round trips in {done['seconds']:.1f} s "
        f"({done['per_second']:.0f}/s wall), server CPU {cpu:.2f} s "
        f"({100 * cpu / window:.0f}% of one core), client CPU {done['client_cpu_s']:.1f} s"
    )
    if done["errors"]:
        details += f", errors {done['errors']}"
    print(f"  {details}")
    print(
        f"  {per_cpu:.0f} round trips per server CPU-second; p50 {done['p50_ms']} ms, "
        f"p90 {done['p90_ms']} ms, p99 {done['p99_ms']} ms, p99.9 {done['p999_ms']} ms, "
        f"max {done['max_ms']} ms"
    )
    return Result(
        "heartbeat RT/CPU-s",
        count,
        per_cpu,
        "RT/CPU-s",
        TARGET_HEARTBEAT_PER_CPU_S,
        True,
        done["p50_ms"],
        done["p99_ms"],
        details,
    )


def bench_status(count: int, args: argparse.Namespace, workdir: Path) -> Result:
    print(f"status: {count} chargers, {args.duration:.0f} s closed loop")
    done, cpu, window = run_loop("status", count, args, workdir)
    details = (
        f"{done['round_trips']} durable StatusNotifications in {done['seconds']:.1f} s, "
        f"server CPU {cpu:.2f} s ({100 * cpu / window:.0f}% of one core, "
        f"{done['round_trips'] / cpu if cpu else 0:.0f}/CPU-s), "
        f"client CPU {done['client_cpu_s']:.1f} s"
    )
    if done["errors"]:
        details += f", errors {done['errors']}"
    print(f"  {details}")
    print(
        f"  {done['per_second']:.0f}/s; p50 {done['p50_ms']} ms, p90 {done['p90_ms']} ms, "
        f"p99 {done['p99_ms']} ms, p99.9 {done['p999_ms']} ms, max {done['max_ms']} ms"
    )
    return Result(
        "status RT/s (durable)",
        count,
        float(done["per_second"]),
        "RT/s",
        TARGET_STATUS_PER_S,
        True,
        done["p50_ms"],
        done["p99_ms"],
        details,
    )


# -- profiling -----------------------------------------------------------------------------


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    if beside.exists():
        return str(beside)
    return shutil.which("py-spy")


def start_profiler(pid: int, out: Path, duration_s: float) -> subprocess.Popen[bytes] | None:
    tool = py_spy()
    if tool is None:
        print("  py-spy not found: pip install py-spy into the venv to profile")
        return None
    command = [
        tool,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(int(duration_s)),
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    # py-spy shares the client's CPU so that the server keeps CPU 0 to itself.
    return subprocess.Popen(
        [*common.taskset(common.CLIENT_CPU), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bench_profile(count: int, args: argparse.Namespace, workdir: Path) -> list[str]:
    out = Path(args.profile_out)
    print(f"profile: heartbeat at {count} chargers under py-spy → {out}")
    run_loop("heartbeat", count, args, workdir, profile_to=out)
    if not out.exists():
        return ["py-spy produced no profile (ptrace not permitted?)"]
    lines = ["Top self-time frames (py-spy, idle samples excluded):"]
    for frame, samples, share in common.top_self_frames(out, 10):
        lines.append(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    lines.append("Top inclusive frames in capacitor_edge:")
    for frame, samples, share in common.top_inclusive_frames(out, 12, contains="capacitor_edge"):
        lines.append(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    lines.append("Top inclusive frames (all):")
    for frame, samples, share in common.top_inclusive_frames(out, 25):
        lines.append(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    for line in lines:
        print(line)
    return lines


# -- main ----------------------------------------------------------------------------------


def format_figure(result: Result) -> str:
    if result.unit == "KiB":
        return f"{result.figure:.1f} KiB/conn"
    return f"{result.figure:,.0f} {result.unit}"


def format_target(result: Result) -> str:
    if result.unit == "KiB":
        return f"≤ {result.target:.0f} KiB/conn at ≥ {TARGET_IDLE_CHARGERS:,} chargers"
    return f"≥ {result.target:,.0f} {result.unit}"


def print_table(results: list[Result]) -> None:
    header = f"{'benchmark':<22} {'chargers':>8} {'figure':>20} {'target':>24} {'p50 ms':>8} "
    header += f"{'p99 ms':>8}  met"
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        p50 = "" if r.p50_ms is None else f"{r.p50_ms:.2f}"
        p99 = "" if r.p99_ms is None else f"{r.p99_ms:.2f}"
        print(
            f"{r.benchmark:<22} {r.chargers:>8} {format_figure(r):>20} {format_target(r):>24} "
            f"{p50:>8} {p99:>8}  {'yes' if r.met else 'NO'}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("benchmark", choices=["idle", "heartbeat", "status", "all"])
    parser.add_argument(
        "--chargers", type=int, nargs="+", help="charger counts (default per benchmark)"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="closed-loop window, s")
    parser.add_argument(
        "--idle-hold", type=float, default=300.0, help="bound on how long idle chargers stay"
    )
    parser.add_argument("--client", choices=["sansio", "trio-websocket"], default="sansio")
    parser.add_argument(
        "--profile", action="store_true", help="after heartbeat, profile it with py-spy"
    )
    parser.add_argument("--profile-out", default="/tmp/capacitor-heartbeat.pyspy.txt")
    parser.add_argument(
        "--server-wrapper",
        type=Path,
        help="what-if: run this Python file instead of -m capacitor_edge (implies --no-write)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        help="run the server from this copy of the package (PYTHONPATH), e.g. a git archive",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch PERFORMANCE.md")
    args = parser.parse_args(argv)
    if args.server_wrapper is not None:
        args.no_write = True
    if args.source is not None:
        common.SOURCE = args.source.resolve()

    soft, hard = common.open_files_limits()
    print(
        f"machine: {common.machine()}; commit {common.commit()}; open files soft {soft} / hard "
        f"{hard}; client {args.client}; taskset {'yes' if common.taskset('0') else 'no'}"
    )
    chosen = ["idle", "heartbeat", "status"] if args.benchmark == "all" else [args.benchmark]
    defaults = {"idle": [2000, 10000], "heartbeat": [10, 100], "status": [100]}
    results: list[Result] = []
    profile_lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="capacitor-bench-ids-") as tmp:
        workdir = Path(tmp)
        for name in chosen:
            for count in args.chargers or defaults[name]:
                if name == "idle":
                    results.append(bench_idle(count, args, workdir))
                elif name == "heartbeat":
                    results.append(bench_heartbeat(count, args, workdir))
                else:
                    results.append(bench_status(count, args, workdir))
            if name == "heartbeat" and args.profile:
                profile_lines = bench_profile(max(args.chargers or [100]), args, workdir)
    print_table(results)
    if not args.no_write:
        rows = [
            common.Row(
                benchmark=f"{r.benchmark} @ {r.chargers:,} chargers",
                figure=format_figure(r)
                + ("" if r.p50_ms is None else f" (p50 {r.p50_ms:.2f} ms, p99 {r.p99_ms:.2f} ms)"),
                target=format_target(r),
                verdict="yes" if r.met else "**no**",
                notes=r.details.replace("|", "/"),
            )
            for r in results
        ]
        notes = [
            "Measured with `python bench/ocpp_bench.py "
            + " ".join(sys.argv[1:] if argv is None else argv)
            + f"`: server under `taskset -c {common.SERVER_CPU}`, load client "
            f"(`bench/ocpp_load.py --client {args.client}`) under `taskset -c "
            f"{common.CLIENT_CPU}`, loopback, default settings.",
        ]
        if profile_lines:
            notes += ["", "```", *profile_lines, "```"]
        path = common.append_performance("OCPP benchmarks", rows, notes)
        print(f"\nappended to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
