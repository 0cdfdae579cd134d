"""OCPP benchmarks: the real ``capacitor-edge serve`` against a reference central system.

    python bench/ocpp_bench.py idle        [--chargers 2000 10000 20000 50000]
    python bench/ocpp_bench.py heartbeat   [--chargers 10 100] [--duration 10] [--profile]
    python bench/ocpp_bench.py status      [--chargers 100]
    python bench/ocpp_bench.py meter       [--chargers 100] [--samples 4]
    python bench/ocpp_bench.py storm       [--chargers 10000]
    python bench/ocpp_bench.py rest        [--chargers 5000] [--rate 1000]
    python bench/ocpp_bench.py transactions [--meter-values 1000000]
    python bench/ocpp_bench.py all         [--no-write] [--servers ours ref node] [--repeats 2]

Every benchmark runs against three servers (``--servers``): ``ours`` (capacitor-edge, on a copy
of a data dir where the chargers were registered over REST once) and ``ref``
(bench/reference_server.py: the ``ocpp`` package's asyncio ``ChargePoint`` on ``websockets``, no
storage) and ``node`` (bench/node/server.js: ``ocpp-rpc`` on Node, strict schema validation,
no storage; ``npm ci`` installs its exact-pinned packages on first use), alternating ours, ref,
node, ours, ref, node... (``--repeats`` each; the heaviest runs, idle at
more than 10,000 chargers and the storm, once each). Each run gets a fresh server pinned to CPU
0 (``taskset -c 0``); the load client (bench/ocpp_load.py) runs pinned to CPU 1. The ratios
printed are ours/ref and ours/node of the mean figure (for round trips: per server CPU-second).

- idle: RSS per connection = (server VmRSS with N chargers connected and booted - VmRSS before
  connecting) / N; above 19,000 chargers the load is split over several client processes and
  source addresses 127.0.0.1..4 (the per-process open-files hard limit and the ephemeral port
  range).
- heartbeat: closed-loop Heartbeat round trips per server CPU-second (utime + stime of the
  server process over the window, from /proc/PID/stat), plus p50/p99 latency.
- status / meter: closed-loop StatusNotification / MeterValues round trips per second (ours
  answers each after its group commit; the reference stores nothing); meter starts one
  transaction per charger first.
- storm: N chargers connect, boot and send 2 StatusNotifications each (at most
  ``--storm-concurrency`` handshakes in flight); ours: the rows are counted in its SQLite file.
- rest: ``GET /api/v1/chargers?limit=50`` latency (sequential requests, 20/s) while N chargers
  send ``--rate`` StatusNotifications/s in total (open loop); the reference has no REST API, so
  for it the OCPP latency and CPU per message under the same load are reported.
- transactions (ours only): ``GET /api/v1/transactions?limit=50`` latency with
  ``--meter-values`` meter values stored through the real OCPP path (MeterValues with 100
  sampled values each).

Results print as tables and are appended to docs/PERFORMANCE.md (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import math
import os
import queue
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

LOAD_CLIENT = Path(__file__).resolve().parent / "ocpp_load.py"

#: The servers: ours and the two references (name -> ``common.running_reference`` kind).
REFERENCES = {"ref": "python", "node": "node"}
SERVERS = ("ours", *REFERENCES)

#: Issue 8's goals on a 2-core machine (the storm: issue 21's).
GOAL_RATIO = 3.0
GOAL_HEARTBEAT_PER_CPU_S = 15_000.0
GOAL_STATUS_PER_S = 10_000.0
GOAL_IDLE_CHARGERS = 50_000
GOAL_IDLE_KB = 16.0
GOAL_STORM_S = 8.0
GOAL_REST_P99_MS = 20.0
#: One client process holds at most this many sockets (the open-files hard limit is 20,000 on
#: the project machine); more chargers are split over several processes.
CHARGERS_PER_CLIENT = 19_000
#: Ephemeral ports per source address (32768-60999 by default): past that, more addresses.
CONNECTIONS_PER_ADDRESS = 25_000
HEAVY_IDLE = 10_000

Target = Any  # common.Server | common.ReferenceServer


@dataclass
class Run:
    """One run of one benchmark against one server."""

    server: str
    figure: float
    unit: str
    p50_ms: float | None = None
    p99_ms: float | None = None
    per_cpu_s: float | None = None
    details: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """All runs of one benchmark at one size, both servers."""

    benchmark: str
    chargers: int
    unit: str
    higher_is_better: bool
    goal: str
    runs: list[Run] = field(default_factory=list)
    met: bool | None = None
    ratio_of: str = "figure"  # or "per_cpu_s"

    def mean(self, server: str, attr: str = "figure") -> float | None:
        values = [getattr(r, attr) for r in self.runs if r.server == server]
        values = [v for v in values if v is not None]
        return statistics.fmean(values) if values else None

    @property
    def ratio(self) -> float | None:
        return self.ratio_to("ref")

    def ratio_to(self, reference: str) -> float | None:
        """ours / ``reference`` ("ref" or "node") of the mean figure."""
        ours, ref = self.mean("ours", self.ratio_of), self.mean(reference, self.ratio_of)
        if ours is None or ref is None or ref == 0:
            return None
        return ours / ref


# -- the load client -----------------------------------------------------------------------


class LoadClient:
    """bench/ocpp_load.py in a subprocess pinned to the client CPU, driven line by line."""

    def __init__(
        self,
        ocpp_url: str,
        ids_file: Path,
        scenario: str,
        duration_s: float,
        args: argparse.Namespace,
        extra: list[str] | None = None,
    ) -> None:
        command = [
            *common.taskset(common.CLIENT_CPU),
            sys.executable,
            str(LOAD_CLIENT),
            "--url",
            f"{ocpp_url}/ocpp",
            "--ids-file",
            str(ids_file),
            "--scenario",
            scenario,
            "--duration",
            str(duration_s),
            "--client",
            args.client,
            "--wait-go",
            "--json",
            *(extra or []),
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
        try:
            self.process.stdin.write(word.encode() + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass

    def finish(self, timeout_s: float = 30.0) -> None:
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class LoadClients:
    """One or more load clients over a split of the ids, started and stepped together."""

    def __init__(
        self,
        target: Target,
        ids: list[str],
        scenario: str,
        duration_s: float,
        args: argparse.Namespace,
        workdir: Path,
        extra: list[str] | None = None,
    ) -> None:
        processes = max(1, math.ceil(len(ids) / CHARGERS_PER_CLIENT))
        addresses = max(1, math.ceil(len(ids) / CONNECTIONS_PER_ADDRESS))
        self.clients: list[LoadClient] = []
        for index in range(processes):
            chunk = ids[index::processes]
            ids_file = workdir / f"ids-{scenario}-{len(ids)}-{index}.txt"
            ids_file.write_text("\n".join(chunk) + "\n")
            more = list(extra or [])
            if addresses > 1:
                more += [
                    "--local-addresses",
                    ",".join(f"127.0.0.{a + 1}" for a in range(addresses)),
                ]
            self.clients.append(
                LoadClient(target.ocpp_url, ids_file, scenario, duration_s, args, more)
            )

    def expect(self, event: str, timeout_s: float) -> dict[str, Any]:
        """The clients' ``event`` lines merged: counts and errors summed."""
        parts = [client.expect(event, timeout_s) for client in self.clients]
        if len(parts) == 1:
            return parts[0]
        merged: dict[str, Any] = {"event": event, "errors": {}}
        for part in parts:
            for key, value in part.items():
                if key == "errors":
                    for kind, n in value.items():
                        merged["errors"][kind] = merged["errors"].get(kind, 0) + n
                elif isinstance(value, bool) or not isinstance(value, int | float):
                    merged.setdefault(key, value)
                elif key in ("connect_seconds", "seconds"):
                    merged[key] = max(merged.get(key, 0), value)
                else:
                    merged[key] = merged.get(key, 0) + value
        return merged

    def say(self, word: str) -> None:
        for client in self.clients:
            client.say(word)

    def finish(self) -> None:
        for client in self.clients:
            client.finish()


# -- the servers ---------------------------------------------------------------------------


@contextlib.contextmanager
def serving(
    name: str,
    args: argparse.Namespace,
    template: Path | None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Target]:
    if name in REFERENCES:
        with common.running_reference(kind=REFERENCES[name]) as ref:
            yield ref
    else:
        with common.running_server(
            wrapper=args.server_wrapper, template=template, extra_env=extra_env
        ) as ours:
            yield ours


def order(args: argparse.Namespace, repeats: int) -> list[str]:
    """ours, ref, node, ours, ref, node, ... (only the servers asked for)."""
    return [s for _ in range(repeats) for s in SERVERS if s in args.servers]


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    if beside.exists():
        return str(beside)
    return shutil.which("py-spy")


def start_profiler(
    pid: int, out: Path, duration_s: float, rate: int = 100
) -> subprocess.Popen[bytes] | None:
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
        "--rate",
        str(rate),
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


def stop_profiler(spy: subprocess.Popen[bytes], out: Path) -> None:
    """End a py-spy recording early (SIGINT makes it write its output) and print its top."""
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(timeout=60)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait(timeout=10)
    if not out.exists():
        print("  py-spy produced no profile (ptrace not permitted?)")
        return
    print(f"  profile → {out}; top self-time frames:")
    for frame, samples, share in common.top_self_frames(out, 15):
        print(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    print("  top inclusive frames in capacitor_edge:")
    for frame, samples, share in common.top_inclusive_frames(out, 25, contains="capacitor_edge"):
        print(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")


def closed_loop(
    name: str,
    scenario: str,
    count: int,
    args: argparse.Namespace,
    workdir: Path,
    template: Path | None,
    extra: list[str] | None = None,
    profile_to: Path | None = None,
) -> tuple[dict[str, Any], float, float]:
    """A closed-loop scenario on a fresh server: (client summary, server CPU s, window s)."""
    ids = common.charger_ids(count)
    with serving(name, args, template) as server:
        clients = LoadClients(server, ids, scenario, args.duration, args, workdir, extra)
        spy = None
        try:
            ready = clients.expect("ready", timeout_s=300)
            if ready["booted"] != count or ready["errors"]:
                print(f"  WARNING: {ready['booted']}/{count} booted: {ready['errors']}")
            if profile_to is not None:
                spy = start_profiler(server.pid, profile_to, args.duration)
                time.sleep(1.0)  # py-spy attaches
            split0 = user_system_seconds(server.pid)
            cpu0, t0 = common.cpu_seconds(server.pid), time.monotonic()
            clients.say("go")
            done = clients.expect("done", timeout_s=args.duration + 120)
            cpu1, t1 = common.cpu_seconds(server.pid), time.monotonic()
            split1 = user_system_seconds(server.pid)
            # The kernel's share (fsync, futex, socket calls) is what callgrind does not see.
            print(
                f"  server CPU user {split1[0] - split0[0]:.2f} s, "
                f"system {split1[1] - split0[1]:.2f} s"
            )
        finally:
            clients.finish()
            if spy is not None:
                try:
                    spy.wait(timeout=args.duration + 30)
                except subprocess.TimeoutExpired:
                    spy.kill()
                    spy.wait(timeout=10)
    return done, cpu1 - cpu0, t1 - t0


# -- the benchmarks ------------------------------------------------------------------------


HEAP_PROBE = Path(__file__).resolve().parent / "heap_probe.py"


def heap_command(
    pid: int, probe_file: Path, command: str, within_s: float = 120.0
) -> dict[str, Any]:
    """Have bench/heap_probe.py (the server's wrapper) run ``command`` and return its report."""
    lines = probe_file.read_text().count("\n") if probe_file.exists() else 0
    Path(f"{probe_file}.cmd").write_text(command)
    os.kill(pid, signal.SIGUSR2)
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if probe_file.exists():
            text = probe_file.read_text().splitlines()
            if len(text) > lines:
                return cast(dict[str, Any], json.loads(text[-1]))
        time.sleep(0.2)
    raise TimeoutError(f"heap probe did not answer {command!r}")


def bench_idle(count: int, args: argparse.Namespace, workdir: Path, template: Path) -> Outcome:
    outcome = Outcome(
        "idle RSS/conn",
        count,
        "KiB/conn",
        False,
        f"≤ {GOAL_IDLE_KB:.0f} KiB/conn at {GOAL_IDLE_CHARGERS:,}",
    )
    repeats = args.repeats if count <= HEAVY_IDLE else 1
    servers = order(args, repeats)
    if count > 20_000:
        servers = [s for s in servers if s == "ours"]  # the 50k attempt: ours only
    ids = common.charger_ids(count)
    for name in servers:
        print(f"idle: {count} chargers, {name}")
        # Our own max_connections must not be what stops the attempt.
        env = {"CAPACITOR_EDGE_MAX_CONNECTIONS": str(max(count + 100, 20_000))}
        probe_file = workdir / f"heap-probe-{os.getpid()}-{len(outcome.runs)}.jsonl"
        tracing = args.heap_trace and name == "ours"
        if tracing:
            probe_file.unlink(missing_ok=True)
            env["HEAP_PROBE_FILE"] = str(probe_file)
        with serving(name, args, template, env) as server:
            before = common.settle_rss(server.pid, within_s=5)
            if tracing:
                heap_command(server.pid, probe_file, "trace-start")
            cpu_before = common.cpu_seconds(server.pid)
            phase = 90.0 if count > 20_000 else 600.0
            clients = LoadClients(
                server,
                ids,
                "idle",
                args.idle_hold,
                args,
                workdir,
                ["--max-connect-phase", str(phase), "--connect-timeout", "15"],
            )
            try:
                ready = clients.expect("ready", timeout_s=phase + 120)
                connect_cpu = common.cpu_seconds(server.pid) - cpu_before
                after = common.settle_rss(server.pid, within_s=15)
                if tracing:
                    report = heap_command(server.pid, probe_file, "trace-top", within_s=600)
                    booted_now = max(int(ready["booted"]), 1)
                    print(
                        f"  tracemalloc: {report['traced'] / booted_now / 1024:.2f} KiB traced "
                        f"per charger ({report['traced'] / 1024:.0f} KiB, {booted_now:,} booted);"
                        " largest sites per charger:"
                    )
                    for site in report["top"]:
                        print(
                            f"    {site['bytes'] / booted_now:7.0f} B "
                            f"{site['blocks'] / booted_now:5.2f} blocks  "
                            + " < ".join(reversed(site["where"]))
                        )
                online: int | str | None = None
                if name == "ours":
                    try:
                        online = common.online_count(server)
                    except httpx.HTTPError as error:
                        # Seen at ~20,000 connections: the process is out of file descriptors,
                        # so the REST listener cannot accept either.
                        online = f"REST did not answer ({type(error).__name__})"
                open_fds = len(list(Path(f"/proc/{server.pid}/fd").iterdir()))
                clients.say("go")
                clients.say("stop")
                done = clients.expect("done", timeout_s=120)
            finally:
                clients.finish()
        booted = int(ready["booted"])
        per_conn = (after - before) / booted if booted else float("inf")
        details = (
            f"{booted:,}/{count:,} connected+booted"
            + (
                ""
                if online is None
                else f", {online:,} online per REST"
                if isinstance(online, int)
                else f", {online}"
            )
            + f", connect phase {ready['connect_seconds']:.1f} s "
            f"({booted / max(ready['connect_seconds'], 1e-9):.0f}/s, server CPU "
            f"{connect_cpu:.1f} s), RSS {before / 1024:.1f} → {after / 1024:.1f} MiB, "
            f"server fds {open_fds:,}, {len(clients.clients)} client process(es)"
        )
        errors = ready["errors"] or done["errors"]
        if errors:
            details += f", errors {dict(sorted(errors.items(), key=lambda kv: -kv[1])[:3])}"
        print(f"  {details}\n  RSS per connection: {per_conn:.1f} KiB")
        outcome.runs.append(
            Run(name, per_conn, "KiB/conn", details=details, extra={"booted": booted})
        )
    ours = [r for r in outcome.runs if r.server == "ours"]
    if ours:
        outcome.met = count >= GOAL_IDLE_CHARGERS and all(
            r.figure <= GOAL_IDLE_KB and r.extra["booted"] >= count for r in ours
        )
        if count < GOAL_IDLE_CHARGERS:
            outcome.met = all(r.figure <= GOAL_IDLE_KB for r in ours)
    return outcome


def bench_heartbeat(count: int, args: argparse.Namespace, workdir: Path, template: Path) -> Outcome:
    outcome = Outcome(
        "heartbeat",
        count,
        "RT/CPU-s",
        True,
        f"≥ {GOAL_HEARTBEAT_PER_CPU_S:,.0f} RT/CPU-s and ≥ {GOAL_RATIO:.0f}x ref",
        ratio_of="per_cpu_s",
    )
    for name in order(args, args.repeats):
        print(f"heartbeat: {count} chargers, {name}, {args.duration:.0f} s closed loop")
        done, cpu, window = closed_loop(name, "heartbeat", count, args, workdir, template)
        outcome.runs.append(loop_run(name, done, cpu, window, per_cpu_figure=True))
    ours, ratio = outcome.mean("ours", "per_cpu_s"), outcome.ratio
    if ours is not None:
        outcome.met = ours >= GOAL_HEARTBEAT_PER_CPU_S and (ratio is None or ratio >= GOAL_RATIO)
    return outcome


def user_system_seconds(pid: int) -> tuple[float, float]:
    """utime and stime of ``pid`` (all its threads) in seconds, apart."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the name (field 2) may hold spaces
    return int(fields[11]) / common.CLOCK_TICKS, int(fields[12]) / common.CLOCK_TICKS


def loop_run(
    name: str, done: dict[str, Any], cpu: float, window: float, *, per_cpu_figure: bool
) -> Run:
    per_cpu = done["round_trips"] / cpu if cpu > 0 else 0.0
    details = (
        f"{done['round_trips']:,} round trips in {done['seconds']:.1f} s "
        f"({done['per_second']:,.0f}/s wall), server CPU {cpu:.2f} s "
        f"({100 * cpu / window:.0f}% of one core, {per_cpu:,.0f} RT/CPU-s), "
        f"client CPU {done['client_cpu_s']:.1f} s"
    )
    if done["errors"]:
        details += f", errors {done['errors']}"
    print(
        f"  {details}\n  p50 {done['p50_ms']} ms, p90 {done['p90_ms']} ms, "
        f"p99 {done['p99_ms']} ms, max {done['max_ms']} ms"
    )
    return Run(
        name,
        per_cpu if per_cpu_figure else float(done["per_second"]),
        "RT/CPU-s" if per_cpu_figure else "RT/s",
        done["p50_ms"],
        done["p99_ms"],
        per_cpu,
        details,
    )


def bench_durable(
    scenario: str, count: int, args: argparse.Namespace, workdir: Path, template: Path
) -> Outcome:
    label = "StatusNotification" if scenario == "status" else f"MeterValues ({args.samples} SV)"
    outcome = Outcome(
        label,
        count,
        "RT/s",
        True,
        f"≥ {GOAL_STATUS_PER_S:,.0f} RT/s durable; ratio per CPU-s ≥ {GOAL_RATIO:.0f}x",
        ratio_of="per_cpu_s",
    )
    extra = ["--samples", str(args.samples)] if scenario == "meter" else []
    for name in order(args, args.repeats):
        print(f"{scenario}: {count} chargers, {name}, {args.duration:.0f} s closed loop")
        done, cpu, window = closed_loop(name, scenario, count, args, workdir, template, extra)
        outcome.runs.append(loop_run(name, done, cpu, window, per_cpu_figure=False))
    ours, ratio = outcome.mean("ours"), outcome.ratio
    if ours is not None:
        outcome.met = ours >= GOAL_STATUS_PER_S and (ratio is None or ratio >= GOAL_RATIO)
    return outcome


def count_rows(data_dir: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{data_dir / 'capacitor.db'}?mode=ro", uri=True, timeout=30)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def bench_storm(count: int, args: argparse.Namespace, workdir: Path, template: Path) -> Outcome:
    outcome = Outcome("boot storm", count, "s", False, f"≤ {GOAL_STORM_S:.0f} s, all committed")
    ids = common.charger_ids(count)
    for name in order(args, 1):
        print(f"storm: {count} chargers, {name}")
        with serving(name, args, template) as server:
            # The storm starts once the server's warm-up after ready is done: its cost is
            # start-up's (docs/PERFORMANCE.md, start-up sections), not the connections'.
            common.settle_cpu(server.pid)
            spy = None
            if args.storm_profile and name == "ours":
                out = Path(args.profile_dir) / f"capacitor-storm-{count}.pyspy.txt"
                spy = start_profiler(server.pid, out, 600, rate=400)
                time.sleep(1.0)  # py-spy attaches
            cpu0, split0 = common.cpu_seconds(server.pid), common.cpu_split(server.pid)
            clients = LoadClients(
                server,
                ids,
                "storm",
                1.0,
                args,
                workdir,
                [
                    "--connect-concurrency",
                    str(args.storm_concurrency),
                    "--max-connect-phase",
                    "120",
                ],
            )
            try:
                ready = clients.expect("ready", timeout_s=300)
                cpu = common.cpu_seconds(server.pid) - cpu0
                split = [b - a for a, b in zip(split0, common.cpu_split(server.pid), strict=True)]
                # What the server does after the storm (work it put off) counts too.
                settled = common.settle_cpu(server.pid, within_s=90) - cpu0
                if spy is not None:
                    stop_profiler(spy, out)
                committed = ""
                if name == "ours":
                    statuses = count_rows(
                        server.data_dir, "SELECT COUNT(*) FROM status_notifications"
                    )
                    boots = count_rows(
                        server.data_dir, "SELECT COUNT(*) FROM chargers WHERE last_boot IS NOT NULL"
                    )
                    committed = (
                        f"; in SQLite: {boots:,} chargers with a boot, {statuses:,} "
                        "StatusNotification rows"
                    )
                    ok = statuses == 2 * count and boots == count
                clients.say("go")
                clients.say("stop")
                clients.expect("done", timeout_s=60)
            finally:
                clients.finish()
        seconds = float(ready["connect_seconds"])
        round_trips = int(ready["booted"]) + int(ready["storm_round_trips"])
        details = (
            f"{ready['booted']:,}/{count:,} booted, {ready['storm_round_trips']:,} "
            f"StatusNotifications answered in {seconds:.1f} s ({round_trips / seconds:,.0f} "
            f"RT/s), server CPU {cpu:.1f} s ({round_trips / cpu if cpu else 0:,.0f} RT/CPU-s, "
            f"incl. handshakes){committed}, at most {args.storm_concurrency} handshakes in flight"
            f"; server CPU user {split[0]:.1f} s, system {split[1]:.1f} s, until idle "
            f"after the storm {settled:.1f} s"
            f"; client CPU {ready['client_cpu_s']:.1f} s"
        )
        if ready["errors"]:
            details += f", errors {ready['errors']}"
        print(f"  {details}")
        outcome.runs.append(
            Run(name, seconds, "s", per_cpu_s=round_trips / cpu if cpu else None, details=details)
        )
        if name == "ours":
            outcome.met = ok and seconds <= GOAL_STORM_S and int(ready["booted"]) == count
    return outcome


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    return at(0.5), at(0.99), ordered[-1]


#: Failed REST requests of the last :func:`sample_latency` call, by kind.
REST_ERRORS: collections.Counter[str] = collections.Counter()


def sample_latency(
    server: common.Server, path: str, count: int, per_second: float, deadline_s: float
) -> list[float]:
    """``count`` sequential GETs (keep-alive), paced at ``per_second``; latencies in ms of the
    successful ones (a failed request is counted in ``REST_ERRORS`` and not retried)."""
    latencies: list[float] = []
    REST_ERRORS.clear()
    headers = {"X-API-Key": server.api_key}
    deadline = time.monotonic() + deadline_s
    with httpx.Client(base_url=server.http_url, headers=headers, timeout=10.0) as client:
        with contextlib.suppress(httpx.HTTPError):
            client.get(path)  # warm the connection
        next_at = time.monotonic()
        for _ in range(count):
            if time.monotonic() > deadline:
                break
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            next_at += 1 / per_second
            started = time.perf_counter()
            try:
                response = client.get(path)
            except httpx.HTTPError as error:
                REST_ERRORS[type(error).__name__] += 1
                continue
            if response.status_code != 200:
                REST_ERRORS[f"HTTP {response.status_code}"] += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def bench_rest(count: int, args: argparse.Namespace, workdir: Path, template: Path) -> Outcome:
    outcome = Outcome(
        "REST GET chargers?limit=50 under load",
        count,
        "ms p99",
        False,
        f"p99 ≤ {GOAL_REST_P99_MS:.0f} ms",
        ratio_of="per_cpu_s",
    )
    ids = common.charger_ids(count)
    path = "/api/v1/chargers?limit=50"
    for name in order(args, 1):
        print(f"rest: {count} chargers paced at {args.rate:.0f} msg/s in total, {name}")
        with serving(name, args, template) as server:
            clients = LoadClients(
                server,
                ids,
                "paced",
                args.rest_duration,
                args,
                workdir,
                ["--rate", str(args.rate)],
            )
            try:
                clients.expect("ready", timeout_s=300)
                quiet: list[float] = []
                loaded_errors: dict[str, int] = {}
                if name == "ours":
                    quiet = sample_latency(server, path, 200, 20.0, 30.0)
                cpu0, t0 = common.cpu_seconds(server.pid), time.monotonic()
                clients.say("go")
                loaded: list[float] = []
                if name == "ours":
                    time.sleep(2.0)  # the paced load reaches its rate
                    loaded = sample_latency(
                        server, path, int(20 * (args.rest_duration - 4)), 20.0, args.rest_duration
                    )
                    loaded_errors = dict(REST_ERRORS)
                done = clients.expect("done", timeout_s=args.rest_duration + 120)
                cpu, window = common.cpu_seconds(server.pid) - cpu0, time.monotonic() - t0
            finally:
                clients.finish()
        per_cpu = done["round_trips"] / cpu if cpu else 0.0
        details = (
            f"OCPP: {done['round_trips']:,} StatusNotifications in {done['seconds']:.1f} s "
            f"({done['per_second']:,.0f}/s), OCPP p50 {done['p50_ms']} ms / p99 "
            f"{done['p99_ms']} ms from the scheduled send, {done['late_ticks']} late ticks; "
            f"server CPU {cpu:.1f} s ({100 * cpu / window:.0f}% of one core, "
            f"{per_cpu:,.0f} msg/CPU-s incl. REST)"
        )
        figure = float("nan")
        p50 = p99 = None
        if name == "ours" and loaded_errors:
            details = f"REST errors under load: {loaded_errors}; " + details
        if loaded:
            p50, p99, worst = percentiles(loaded)
            q50, q99, _ = percentiles(quiet) if quiet else (math.nan, math.nan, math.nan)
            figure = p99
            details = (
                f"REST under load: {len(loaded)} GETs, p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
                f"max {worst:.1f} ms (idle chargers connected, no load: p50 {q50:.2f} ms, p99 "
                f"{q99:.2f} ms); " + details
            )
        if done["errors"]:
            details += f", errors {done['errors']}"
        print(f"  {details}")
        outcome.runs.append(Run(name, figure, "ms p99", p50, p99, per_cpu, details))
        if name == "ours" and p99 is not None:
            outcome.met = p99 <= GOAL_REST_P99_MS
    return outcome


def bench_transactions(args: argparse.Namespace, workdir: Path, template: Path) -> Outcome:
    target = args.meter_values
    per_message = 100
    messages = math.ceil(target / per_message)
    outcome = Outcome(
        f"REST GET transactions?limit=50, {target:,} meter values",
        100,
        "ms p99",
        False,
        f"p99 ≤ {GOAL_REST_P99_MS:.0f} ms",
    )
    print(f"transactions: storing {target:,} meter values over OCPP ({messages:,} MeterValues)")
    path = "/api/v1/transactions?limit=50"
    with serving("ours", args, template) as server:
        clients = LoadClients(
            server,
            common.charger_ids(100),
            "meter",
            600.0,
            args,
            workdir,
            [
                *("--samples", str(per_message), "--samples-per-entry", "4"),
                *("--max-round-trips", str(messages)),
            ],
        )
        try:
            clients.expect("ready", timeout_s=300)
            t0 = time.monotonic()
            clients.say("go")
            done = clients.expect("done", timeout_s=800)
            fill_s = time.monotonic() - t0
        finally:
            clients.finish()
        stored = count_rows(server.data_dir, "SELECT COUNT(*) FROM meter_values")
        latencies = sample_latency(server, path, 500, 50.0, 60.0)
        deep = sample_latency(server, path + "&offset=50", 100, 50.0, 30.0)
    p50, p99, worst = percentiles(latencies)
    d50, d99, _ = percentiles(deep)
    details = (
        f"{stored:,} meter_values rows stored by {done['round_trips']:,} MeterValues "
        f"({per_message} sampled values each, 100 chargers, one transaction each) in "
        f"{fill_s:.0f} s ({stored / fill_s:,.0f} values/s); {len(latencies)} sequential GETs: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.1f} ms; offset=50: p50 {d50:.2f} ms, "
        f"p99 {d99:.2f} ms"
    )
    print(f"  {details}")
    outcome.runs.append(Run("ours", p99, "ms p99", p50, p99, details=details))
    outcome.met = p99 <= GOAL_REST_P99_MS and stored >= target
    return outcome


# -- profiling -----------------------------------------------------------------------------


def bench_profile(
    scenario: str, count: int, args: argparse.Namespace, workdir: Path, template: Path
) -> list[str]:
    out = Path(args.profile_dir) / f"capacitor-{scenario}-{count}.pyspy.txt"
    print(f"profile: {scenario} at {count} chargers under py-spy → {out}")
    extra = ["--samples", str(args.samples)] if scenario == "meter" else []
    closed_loop("ours", scenario, count, args, workdir, template, extra, profile_to=out)
    if not out.exists():
        return [f"{scenario}: py-spy produced no profile (ptrace not permitted?)"]
    lines = [f"{scenario} @ {count} chargers: top self-time frames (py-spy, idle excluded):"]
    for frame, samples, share in common.top_self_frames(out, 12):
        lines.append(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    lines.append(f"{scenario} @ {count} chargers: top inclusive frames in capacitor_edge:")
    for frame, samples, share in common.top_inclusive_frames(out, 12, contains="capacitor_edge"):
        lines.append(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    lines.append(f"{scenario} @ {count} chargers: top inclusive frames, websockets:")
    for frame, samples, share in common.top_inclusive_frames(out, 6, contains="websockets/"):
        lines.append(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    for line in lines:
        print(line)
    return lines


# -- output --------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    if unit in ("KiB/conn", "s", "ms p99"):
        return f"{value:,.1f} {unit}" if unit != "ms p99" else f"{value:,.2f} ms"
    return f"{value:,.0f} {unit}"


def summarise(outcome: Outcome, server: str) -> str:
    runs = [r for r in outcome.runs if r.server == server]
    if not runs:
        return "—"
    text = " / ".join(fmt(r.figure, r.unit) for r in runs)
    if outcome.ratio_of == "per_cpu_s" and outcome.unit != "RT/CPU-s":
        per_cpu = [r.per_cpu_s for r in runs if r.per_cpu_s is not None]
        if per_cpu:
            text += " (" + " / ".join(f"{v:,.0f}" for v in per_cpu) + " per CPU-s)"
    p99 = [r.p99_ms for r in runs if r.p99_ms is not None and outcome.unit != "ms p99"]
    if p99:
        text += "; p99 " + " / ".join(f"{v:.1f}" for v in p99) + " ms"
    return text


def ratio_text(outcome: Outcome, reference: str = "ref") -> str:
    ratio = outcome.ratio_to(reference)
    if ratio is None:
        return "—"
    what = "per CPU-s" if outcome.ratio_of == "per_cpu_s" else outcome.unit
    return f"{ratio:.2f}x ({what})"


def ratios_text(outcome: Outcome) -> str:
    """ours/ref and ours/node, for the references that ran."""
    return "; ".join(
        f"ours/{name} {ratio_text(outcome, name)}"
        for name in REFERENCES
        if any(r.server == name for r in outcome.runs)
    )


def print_table(outcomes: list[Outcome]) -> None:
    print()
    for o in outcomes:
        print(f"{o.benchmark} @ {o.chargers:,}: ours {summarise(o, 'ours')}")
        pad = " " * (len(o.benchmark) + len(f"{o.chargers:,}") + 3)
        for name in REFERENCES:
            if any(r.server == name for r in o.runs):
                print(f"{pad}{name:>4} {summarise(o, name)}")
        verdict = "—" if o.met is None else ("yes" if o.met else "NO")
        print(f"    ratio {ratios_text(o)}; goal {o.goal}: {verdict}")


def write(outcomes: list[Outcome], args: argparse.Namespace, notes: list[str]) -> None:
    rows = []
    for o in outcomes:
        details = " ‖ ".join(f"{r.server}: {r.details}" for r in o.runs).replace("|", "/")
        rows.append(
            common.Row(
                benchmark=f"{o.benchmark} @ {o.chargers:,}",
                figure="; ".join(
                    f"{name} {summarise(o, name)}"
                    for name in SERVERS
                    if any(r.server == name for r in o.runs)
                )
                + f"; {ratios_text(o)}",
                target=o.goal,
                verdict="—" if o.met is None else ("yes" if o.met else "**no**"),
                notes=details,
            )
        )
    soft, hard = common.open_files_limits()
    ports = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    header = [
        "Measured with `python bench/ocpp_bench.py "
        + " ".join(sys.argv[1:])
        + f"`: each server under `taskset -c {common.SERVER_CPU}`, load client(s) "
        f"(`bench/ocpp_load.py --client {args.client}`) under `taskset -c {common.CLIENT_CPU}`, "
        "loopback, default settings; runs alternate ours, ref, node, ... (figures per run, "
        "separated by /). ref = `bench/reference_server.py` (`ocpp` 2.1 ChargePoint on "
        "`websockets`, asyncio, no storage); node = `bench/node/server.js` (`ocpp-rpc` 2.2.1 "
        "on Node, strict schema validation, no storage). Open files: soft "
        f"{soft}, hard {hard} (`ulimit -Hn`; raising it is not permitted in this container); "
        f"ephemeral ports {ports[0]}-{ports[1]}. The machine is shared with other engineers "
        "running test suites, so figures carry some noise.",
    ]
    common.append_performance("OCPP benchmarks, both servers", rows, header + notes)
    print(f"\nappended to {common.PERFORMANCE_MD}")


# -- main ----------------------------------------------------------------------------------

BENCHMARKS = ["idle", "heartbeat", "status", "meter", "storm", "rest", "transactions"]
DEFAULTS = {
    "idle": [2000, 10000, 20000, 50000],
    "heartbeat": [10, 100],
    "status": [100],
    "meter": [100],
    "storm": [10000],
    "rest": [5000],
    "transactions": [100],
}


def run_one(name: str, args: argparse.Namespace, workdir: Path) -> list[Outcome]:
    counts = args.chargers or DEFAULTS[name]
    if name == "idle":
        template = common.make_template(max(counts), workdir)
        return [bench_idle(n, args, workdir, template) for n in counts]
    elif name == "heartbeat":
        template = common.make_template(max(counts), workdir)
        return [bench_heartbeat(n, args, workdir, template) for n in counts]
    elif name in ("status", "meter"):
        template = common.make_template(max(counts), workdir)
        return [bench_durable(name, n, args, workdir, template) for n in counts]
    elif name == "storm":
        template = common.make_template(max(counts), workdir)
        return [bench_storm(n, args, workdir, template) for n in counts]
    elif name == "rest":
        template = common.make_template(max(counts), workdir)
        return [bench_rest(n, args, workdir, template) for n in counts]
    else:
        template = common.make_template(100, workdir)
        return [bench_transactions(args, workdir, template)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("benchmark", choices=[*BENCHMARKS, "all"], nargs="+")
    parser.add_argument("--chargers", type=int, nargs="+", help="charger counts")
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    parser.add_argument("--repeats", type=int, default=2, help="runs per server (alternating)")
    parser.add_argument("--duration", type=float, default=10.0, help="closed-loop window, s")
    parser.add_argument("--idle-hold", type=float, default=300.0, help="bound on idle holding")
    parser.add_argument("--samples", type=int, default=4, help="meter: sampled values/message")
    parser.add_argument("--storm-concurrency", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=1000.0, help="rest: OCPP messages/s")
    parser.add_argument("--rest-duration", type=float, default=30.0)
    parser.add_argument("--meter-values", type=int, default=1_000_000)
    parser.add_argument("--client", choices=["sansio", "trio-websocket"], default="sansio")
    parser.add_argument(
        "--profile",
        nargs="*",
        choices=["heartbeat", "status", "meter"],
        help="after the benchmarks, profile ours under py-spy (default: heartbeat status)",
    )
    parser.add_argument("--profile-dir", default="/tmp")
    parser.add_argument(
        "--storm-profile", action="store_true", help="storm: record ours under py-spy"
    )
    parser.add_argument("--workdir", type=Path, help="keep templates here (reused across runs)")
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
    parser.add_argument(
        "--heap-trace",
        action="store_true",
        help="idle: tracemalloc in ours (bench/heap_probe.py) from before the chargers connect;"
        " traced bytes per charger and the largest sites (implies --no-write)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch PERFORMANCE.md")
    args = parser.parse_args(argv)
    if args.heap_trace and args.server_wrapper is None:
        args.server_wrapper = HEAP_PROBE
    if args.server_wrapper is not None:
        args.server_wrapper = args.server_wrapper.resolve()  # the server's cwd is its temp dir
        args.no_write = True
    if args.source is not None:
        common.SOURCE = args.source.resolve()
    chosen = BENCHMARKS if "all" in args.benchmark else args.benchmark
    soft, hard = common.open_files_limits()
    print(
        f"machine: {common.machine()}; commit {common.commit()}; open files soft {soft} / hard "
        f"{hard}; ports {Path('/proc/sys/net/ipv4/ip_local_port_range').read_text().split()}; "
        f"client {args.client}; taskset {'yes' if common.taskset('0') else 'no'}"
    )
    outcomes: list[Outcome] = []
    notes: list[str] = []
    with contextlib.ExitStack() as stack:
        if args.workdir is not None:
            workdir = args.workdir
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cbench-")))
        started = time.monotonic()
        for name in chosen:
            try:
                outcomes += run_one(name, args, workdir)
            except Exception as error:  # one broken benchmark must not lose the others' figures
                print(f"{name}: FAILED: {type(error).__name__}: {error}")
                notes.append(f"- {name}: the run failed: {type(error).__name__}: {error}")
        if args.profile is not None and "ours" in args.servers:
            template = common.make_template(100, workdir)
            for scenario in args.profile or ["heartbeat", "status"]:
                lines = bench_profile(scenario, 100, args, workdir, template)
                notes += ["", "```", *lines, "```"]
        print(f"\nwall time {time.monotonic() - started:.0f} s")
    print_table(outcomes)
    if not args.no_write:
        write(outcomes, args, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
