"""Shared pieces of the benchmark runners: the real server in a subprocess, charger registration
over REST, /proc sampling, machine description, and the docs/PERFORMANCE.md writer.

Everything here is synchronous (plain ``subprocess`` and threads): the runners only start
processes and sample them; the load itself comes from separate processes.
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime
import os
import queue
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_MD = ROOT / "docs" / "PERFORMANCE.md"
READY = re.compile(r"capacitor-edge ready: REST (\S+), OCPP (\S+)")
REFERENCE_READY = re.compile(r"reference ready: OCPP (\S+)")
REFERENCE_SERVER = Path(__file__).resolve().parent / "reference_server.py"
#: The Node reference (``ocpp-rpc``, strict mode): bench/node, its packages installed on demand.
NODE_REFERENCE = Path(__file__).resolve().parent / "node"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVER_CPU = "0"
CLIENT_CPU = "1"


def taskset(cpu: str) -> list[str]:
    """``taskset -c CPU`` when the tool exists and the machine has more than one CPU."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", cpu]
    return []


# -- /proc ---------------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    """VmRSS of ``pid`` in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` (all its threads) in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    # The command name (field 2) may contain spaces; the rest follows the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / CLOCK_TICKS


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of ``pid`` (all its threads)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def open_files_limits() -> tuple[int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft, hard


def settle_cpu(pid: int, *, within_s: float = 10.0, step_s: float = 0.5) -> float:
    """Wait until ``pid`` is idle (under 2 % of a core over ``step_s``; the server's warm-up
    after ready compiles the schemas and settles the heap), or ``within_s``; its CPU seconds."""
    deadline = time.monotonic() + within_s
    previous = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(step_s)
        current = cpu_seconds(pid)
        if current - previous < 0.02 * step_s:
            return current
        previous = current
    return cpu_seconds(pid)


def settle_rss(pid: int, *, within_s: float = 15.0, step_s: float = 0.5) -> int:
    """RSS once it stops moving (two samples 1 s apart within 0.5 %), or after ``within_s``."""
    deadline = time.monotonic() + within_s
    previous = rss_kb(pid)
    while time.monotonic() < deadline:
        time.sleep(max(step_s, 1.0))
        current = rss_kb(pid)
        if abs(current - previous) <= previous * 0.005:
            return current
        previous = current
    return rss_kb(pid)


# -- the machine ---------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def machine() -> str:
    return f"{os.cpu_count()} x {cpu_model()}"


#: ``--source DIR`` of the runner: the server runs the package from DIR (PYTHONPATH), e.g. a
#: ``git archive HEAD`` snapshot while the working tree is mid-edit; DIR/.bench-commit labels it.
SOURCE: Path | None = None


def commit() -> str:
    if SOURCE is not None:
        label = SOURCE / ".bench-commit"
        return label.read_text().strip() if label.exists() else f"source {SOURCE}"
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# -- the server ----------------------------------------------------------------------------


@dataclass
class Server:
    """``python -m capacitor_edge serve`` on a fresh data dir, pinned to ``SERVER_CPU``."""

    process: subprocess.Popen[bytes]
    data_dir: Path
    http_url: str
    ocpp_url: str
    stderr_tail: collections.deque[str] = field(
        default_factory=lambda: collections.deque(maxlen=200)
    )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def api_key(self) -> str:
        return (self.data_dir / "initial-api-key").read_text().strip()

    def stop(self, *, within_s: float = 15.0) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=within_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def _drain(stream: object, tail: collections.deque[str], lines: queue.Queue[str]) -> None:
    """Keep reading a pipe so the child never blocks on a full one (it logs every connect)."""
    assert hasattr(stream, "readline")
    for raw in iter(stream.readline, b""):
        text = raw.decode(errors="replace").rstrip("\n")
        tail.append(text)
        lines.put(text)


@contextmanager
def started_process(
    command: list[str],
    ready: re.Pattern[str],
    what: str,
    *,
    start_timeout_s: float = 30.0,
    stop_timeout_s: float = 15.0,
    **popen: Any,
) -> Iterator[tuple[subprocess.Popen[bytes], re.Match[str], collections.deque[str]]]:
    """Start ``command`` (stdout discarded, stderr drained), wait until a stderr line matches
    ``ready``, yield (process, match, stderr tail); SIGTERM it on exit (then SIGKILL)."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **popen,
    )
    tail: collections.deque[str] = collections.deque(maxlen=200)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_drain, args=(process.stderr, tail, lines), daemon=True).start()
    try:
        deadline = time.monotonic() + start_timeout_s
        match = None
        while match is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                raise RuntimeError(f"{what} did not start:\n" + "\n".join(tail))
            try:
                match = ready.search(lines.get(timeout=min(remaining, 0.5)))
            except queue.Empty:
                continue
        # Nobody reads the queue from here on; the deque keeps the tail for errors.
        threading.Thread(target=_discard, args=(lines,), daemon=True).start()
        yield process, match, tail
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=stop_timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def running_server(
    *,
    start_timeout_s: float = 30.0,
    extra_env: dict[str, str] | None = None,
    wrapper: Path | None = None,
    template: Path | None = None,
    command_prefix: list[str] | None = None,
) -> Iterator[Server]:
    """The server on a fresh data dir. ``wrapper``: a Python file run instead of
    ``-m capacitor_edge`` (same arguments), for what-if experiments that patch the package in
    memory before calling its CLI; the package itself is never edited by the benchmarks.
    ``template``: a data dir (from :func:`make_template`) copied as the fresh data dir, so that
    runs do not each register their chargers again. ``command_prefix``: run the server under
    this (valgrind, for bench/hot_path_ir.py), after the CPU pinning."""
    with tempfile.TemporaryDirectory(prefix="capacitor-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        if template is not None:
            shutil.copytree(template, data_dir)
        command = [
            *taskset(SERVER_CPU),
            *(command_prefix or []),
            sys.executable,
            *(["-m", "capacitor_edge"] if wrapper is None else [str(wrapper)]),
            "serve",
            "--data-dir",
            str(data_dir),
            "--http",
            "127.0.0.1:0",
            "--ocpp",
            "127.0.0.1:0",
            "--public-url",
            "ws://127.0.0.1:9000",
        ]
        env = {**os.environ, **(extra_env or {})}
        if SOURCE is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(SOURCE), env.get("PYTHONPATH", "")) if p
            )
        with started_process(
            command,
            READY,
            "server",
            start_timeout_s=start_timeout_s,
            cwd=tmp,  # not ROOT: ``-m`` puts the cwd first on sys.path
            env=env,
        ) as (process, match, tail):
            yield Server(process, data_dir, match.group(1), match.group(2), tail)


@dataclass
class ReferenceServer:
    """bench/reference_server.py (the ``ocpp`` package on ``websockets``), pinned like ours."""

    process: subprocess.Popen[bytes]
    ocpp_url: str
    stderr_tail: collections.deque[str]
    data_dir: Path | None = None

    @property
    def pid(self) -> int:
        return self.process.pid


def ensure_node_reference() -> Path:
    """bench/node/server.js with its exact-pinned packages installed (``npm ci`` the first
    time; the product and ``make test`` never need Node)."""
    if not (NODE_REFERENCE / "node_modules" / "ocpp-rpc").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=NODE_REFERENCE,
            check=True,
        )
    return NODE_REFERENCE / "server.js"


@contextmanager
def running_reference(
    *, start_timeout_s: float = 30.0, kind: str = "python"
) -> Iterator[ReferenceServer]:
    """``kind`` "python": bench/reference_server.py; "node": bench/node/server.js."""
    if kind == "node":
        command = [*taskset(SERVER_CPU), "node", str(ensure_node_reference())]
    else:
        command = [*taskset(SERVER_CPU), sys.executable, str(REFERENCE_SERVER)]
    with started_process(
        command, REFERENCE_READY, f"{kind} reference server", start_timeout_s=start_timeout_s
    ) as (process, match, tail):
        yield ReferenceServer(process, match.group(1), tail)


def make_template(count: int, workdir: Path, *, workers: int = 16) -> Path:
    """A data dir with ``count`` chargers registered over REST (the real server), stopped and
    kept under ``workdir`` for :func:`running_server` to copy. Reused if already made."""
    target = workdir / f"template-{count}"
    if (target / "capacitor.db").exists():
        return target
    with running_server() as server:
        seconds = register_chargers(server, charger_ids(count), workers=workers, timeout_s=900)
        print(
            f"  template: registered {count} chargers over REST in {seconds:.1f} s "
            f"({count / seconds:.0f}/s)"
        )
        source = server.data_dir
        server.stop()
        shutil.copytree(source, target)
    return target


def _discard(lines: queue.Queue[str]) -> None:
    while True:
        lines.get()


def charger_ids(count: int, prefix: str = "BENCH") -> list[str]:
    return [f"{prefix}-{i:05d}" for i in range(1, count + 1)]


def register_chargers(
    server: Server, ids: Sequence[str], *, workers: int = 8, timeout_s: float = 300.0
) -> float:
    """POST /api/v1/chargers for each id from ``workers`` threads; returns the seconds taken."""
    headers = {"X-API-Key": server.api_key}
    started = time.monotonic()
    deadline = started + timeout_s
    chunks = [ids[i::workers] for i in range(workers)]

    def work(chunk: Sequence[str]) -> int:
        done = 0
        with httpx.Client(base_url=server.http_url, headers=headers, timeout=30.0) as client:
            for charge_box_id in chunk:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"registration took over {timeout_s} s")
                response = client.post(
                    "/api/v1/chargers", json={"chargeBoxId": charge_box_id, "name": "bench"}
                )
                if response.status_code != 201:
                    raise RuntimeError(
                        f"register {charge_box_id}: {response.status_code} {response.text[:200]}"
                    )
                done += 1
        return done

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        total = sum(pool.map(work, chunks))
    assert total == len(ids)
    return time.monotonic() - started


def online_count(server: Server) -> int:
    """How many chargers the server itself says are online (REST, pagination total)."""
    response = httpx.get(
        f"{server.http_url}/api/v1/chargers",
        params={"status": "online", "limit": 1},
        headers={"X-API-Key": server.api_key},
        timeout=30.0,
    )
    response.raise_for_status()
    return int(response.json()["pagination"]["total"])


# -- profiles ------------------------------------------------------------------------------


def top_self_frames(collapsed: Path, top: int = 10) -> list[tuple[str, int, float]]:
    """(frame, samples, share) by self time from py-spy ``--format raw`` (collapsed stacks)."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit():
            continue
        leaf = stack.rsplit(";", 1)[-1]
        counts[leaf] += int(number)
        total += int(number)
    return [(frame, n, n / total if total else 0.0) for frame, n in counts.most_common(top)]


def top_inclusive_frames(
    collapsed: Path, top: int = 15, *, contains: str = ""
) -> list[tuple[str, int, float]]:
    """(frame, samples, share) by inclusive time; each frame counted once per stack."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not stack or not number.isdigit():
            continue
        n = int(number)
        total += n
        for frame in set(stack.split(";")):
            if contains in frame:
                counts[frame] += n
    return [(frame, n, n / total if total else 0.0) for frame, n in counts.most_common(top)]


# -- docs/PERFORMANCE.md ---------------------------------------------------------------------

PERFORMANCE_INTRO = """# Performance

Measured figures for capacitor-edge on the project's machines. Each section says how it was
measured and with which commit; newer sections are appended at the end.
"""


@dataclass(frozen=True)
class Row:
    benchmark: str
    figure: str
    target: str
    verdict: str
    notes: str = ""


def append_performance(title: str, rows: Sequence[Row], notes: Sequence[str] = ()) -> Path:
    """Append a dated section with a table of ``rows`` to docs/PERFORMANCE.md."""
    PERFORMANCE_MD.parent.mkdir(parents=True, exist_ok=True)
    if not PERFORMANCE_MD.exists():
        PERFORMANCE_MD.write_text(PERFORMANCE_INTRO)
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "",
        f"## {title} — {now}",
        "",
        f"Commit `{commit()}`, machine: {machine()}.",
        "",
        "| Date | Commit | Benchmark | Figure | Target | Met | Notes |",
        "|---|---|---|---|---|---|---|",
    ]
    sha = commit()
    day = now[:10]
    for row in rows:
        lines.append(
            f"| {day} | `{sha}` | {row.benchmark} | {row.figure} | {row.target} | {row.verdict} "
            f"| {row.notes} |"
        )
    if notes:
        lines.append("")
        lines.extend(notes)
    existing = PERFORMANCE_MD.read_text()
    with PERFORMANCE_MD.open("a") as handle:
        if not existing.endswith("\n"):
            handle.write("\n")
        handle.write("\n".join(lines) + "\n")
    return PERFORMANCE_MD
