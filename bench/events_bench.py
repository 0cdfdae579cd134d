"""The journal's cost on the hot path, and webhook delivery throughput (issue 14).

    python bench/events_bench.py [--chargers 100] [--duration 10] [--repeats 2] [--no-write]

Runs bench/ocpp_load.py's ``status`` scenario (closed-loop durable StatusNotification round
trips, each one a ``connector.status_changed`` event in the journal) against the real
``capacitor-edge serve`` pinned to CPU 0, alternating:

- bare: no consumer attached;
- consumers: 3 webhooks subscribed to every event, POSTing to a local receiver (a threaded
  stdlib HTTP server in this process, answering 204), and 10 SSE readers of
  ``/api/v1/events/stream`` (threads of this process, counting events). This process is
  pinned to CPU 1 with the load client, so the consumers' other ends stay off the server's CPU.

Reported: round trips per second (wall) and per server CPU-second, the ratio consumers/bare
(target: the consumers cost at most 10 %), webhook deliveries per second during the window,
then the backlog's drain once the load stops (until every webhook has had every event): events
delivered per second to the local receiver, and per server CPU-second; SSE events read.
``--source DIR`` runs the server from another source tree (A/B), ``--only`` one kind of run,
``--profile-dir`` records the server under py-spy in each run (one file per kind of run).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import ocpp_bench

WEBHOOKS = 3
SSE_READERS = 10
#: Set from --webhooks / --readers (to split the cost between the two kinds of consumer).
ATTACH = {"webhooks": WEBHOOKS, "readers": SSE_READERS}


def _serve_receiver(count: Any, ports: Any) -> None:
    """The receiver's process: a threaded stdlib HTTP server answering 204 at once."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: one connection per webhook worker

        def do_POST(self) -> None:  # the stdlib calls it by this name
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()
            with count.get_lock():
                count.value += 1

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ports.put(server.server_address[1])
    server.serve_forever()


class Receiver:
    """Counts POSTs; answers 204 at once. In its own process (on this process's CPU): sharing
    the GIL with the SSE readers' threads made it slower than the deliveries it measures."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._count = context.Value("q", 0)
        ports = context.Queue()
        self._process = context.Process(
            target=_serve_receiver, args=(self._count, ports), daemon=True
        )
        self._process.start()
        self.url = f"http://127.0.0.1:{ports.get(timeout=30)}/hook"

    @property
    def count(self) -> int:
        return int(self._count.value)

    def stop(self) -> None:
        self._process.terminate()
        self._process.join()


def user_system_seconds(pid: int) -> tuple[float, float]:
    """(utime, stime) of ``pid``: how much of the server's CPU is the kernel's (socket I/O)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) / common.CLOCK_TICKS, int(fields[12]) / common.CLOCK_TICKS


def task_cpu(pid: int, out: Path) -> dict[str, float]:
    """The server's CPU seconds per task name so far (bench/task_cpu.py, on SIGUSR1)."""
    before = out.stat().st_mtime_ns if out.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if out.exists() and out.stat().st_mtime_ns != before:
            try:
                return dict(json.loads(out.read_text()))
            except ValueError:
                pass  # caught while being written
        time.sleep(0.05)
    raise RuntimeError("the server wrote no task CPU times")


#: Task names (trio's: the function's qualified name) by kind of work.
TASK_KINDS = (
    ("webhooks", ("webhooks.", "Dispatcher")),
    ("sse", ("hypercorn", "quart", "asgi")),
    ("chargers", ("transport.", "listener", "Listener", "serve_listeners")),
)


def task_kinds(window: dict[str, float]) -> dict[str, float]:
    kinds: dict[str, float] = {}
    for name, seconds in window.items():
        kind = next((k for k, marks in TASK_KINDS if any(m in name for m in marks)), "other")
        kinds[kind] = kinds.get(kind, 0.0) + seconds
    return kinds


def read_stream(url: str, key: str, counts: list[int], index: int, stop: threading.Event) -> None:
    with (
        httpx.Client(timeout=None) as client,
        client.stream("GET", f"{url}/api/v1/events/stream", headers={"X-API-Key": key}) as answer,
    ):
        # Counted on the bytes (cheap): this process shares a core with the load client.
        for chunk in answer.iter_raw():
            counts[index] += chunk.count(b"\nid: ") + chunk.startswith(b"id: ")
            if stop.is_set():
                return


def start_profiler(pid: int, out: Path, duration_s: float) -> subprocess.Popen[bytes] | None:
    """py-spy on the server, pausing it for each sample: ``--nonblocking`` (ocpp_bench's) reads
    a running process and gave stale stacks here (webhook frames while nothing was sent)."""
    tool = ocpp_bench.py_spy()
    if tool is None:
        print("  py-spy not found: pip install py-spy into the venv to profile")
        return None
    command = [tool, "record", "--pid", str(pid), "--duration", str(int(duration_s))]
    return subprocess.Popen(
        [*common.taskset(common.CLIENT_CPU), *command, "--format", "raw", "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def print_profile(out: Path) -> None:
    if not out.exists():
        print("  py-spy produced no profile (ptrace not permitted?)")
        return
    print(f"  top self-time frames (py-spy, idle excluded), {out}:")
    for frame, samples, share in common.top_self_frames(out, 20):
        print(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")
    print("  top inclusive frames in capacitor_edge:")
    for frame, samples, share in common.top_inclusive_frames(out, 25, contains="capacitor_edge"):
        print(f"  {100 * share:5.1f}%  {samples:6d}  {frame}")


def measure_drain(server: Any, receiver: Receiver, before: int) -> dict[str, float]:
    """After the load: wait until every webhook has had every event; how fast that went, per
    second and per server CPU-second (the figure that holds on a shared machine)."""
    total = ocpp_bench.count_rows(
        server.data_dir, f"SELECT COUNT(*) FROM events WHERE seq > {before}"
    )
    wanted = ATTACH["webhooks"] * total
    started, cpu0, count0 = time.monotonic(), common.cpu_seconds(server.pid), receiver.count
    while receiver.count < wanted and time.monotonic() - started < 300:
        time.sleep(0.05)
    drain_s = time.monotonic() - started
    cpu = common.cpu_seconds(server.pid) - cpu0
    drained = receiver.count - count0
    return {
        "backlog": wanted - count0,
        "drain_s": drain_s,
        "drain_per_s": drained / drain_s if drain_s > 0 else 0.0,
        "drain_per_cpu_s": drained / cpu if cpu > 0 else 0.0,
    }


def run(name: str, args: argparse.Namespace, workdir: Path, template: Path) -> dict[str, Any]:
    ids = common.charger_ids(args.chargers)
    cpu_out = workdir / f"task-cpu-{name}.json"
    extra_env = {"TASK_CPU_OUT": str(cpu_out)} if args.task_cpu else None
    with ocpp_bench.serving("ours", args, template, extra_env) as server:
        receiver, stop, counts = Receiver(), threading.Event(), [0] * SSE_READERS
        key = server.api_key
        readers: list[threading.Thread] = []
        # Webhooks get the events committed after they are made.
        before = ocpp_bench.count_rows(server.data_dir, "SELECT COALESCE(MAX(seq), 0) FROM events")
        if name == "consumers":
            with httpx.Client(base_url=server.http_url, headers={"X-API-Key": key}) as api:
                for _ in range(ATTACH["webhooks"]):
                    made = api.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["*"]})
                    assert made.status_code == 201, made.text
            for index in range(ATTACH["readers"]):
                reader = threading.Thread(
                    target=read_stream,
                    args=(server.http_url, key, counts, index, stop),
                    daemon=True,
                )
                reader.start()
                readers.append(reader)
        # --paced: open loop at a fixed rate, so both kinds of run do the same round trips at
        # the same batch sizes, and the CPU-seconds compare on a loaded machine too.
        scenario, extra = ("paced", ["--rate", str(args.paced)]) if args.paced else ("status", [])
        clients = ocpp_bench.LoadClients(server, ids, scenario, args.duration, args, workdir, extra)
        try:
            clients.expect("ready", timeout_s=300)
            spy = None
            if args.profile_dir:
                out = Path(args.profile_dir) / f"capacitor-events-{name}.pyspy.txt"
                spy = start_profiler(server.pid, out, args.duration)
                time.sleep(1.0)  # py-spy attaches
            delivered0 = receiver.count
            tasks0 = task_cpu(server.pid, cpu_out) if args.task_cpu else {}
            cpu0, split0 = common.cpu_seconds(server.pid), user_system_seconds(server.pid)
            clients.say("go")
            done = clients.expect("done", timeout_s=args.duration + 120)
            cpu = common.cpu_seconds(server.pid) - cpu0
            split = user_system_seconds(server.pid)
            tasks = task_cpu(server.pid, cpu_out) if args.task_cpu else {}
            in_window = receiver.count - delivered0
            if spy is not None:
                spy.wait(timeout=60)
                print_profile(out)
        finally:
            clients.finish()
        drain: dict[str, float] = {}
        if name == "consumers" and not args.no_drain:
            drain = measure_drain(server, receiver, before)
        stop.set()
        receiver.stop()
    window = {k: v - tasks0.get(k, 0.0) for k, v in tasks.items() if v - tasks0.get(k, 0.0) > 0}
    if args.task_cpu:
        for task, seconds in sorted(window.items(), key=lambda kv: -kv[1])[:8]:
            print(f"    {seconds:8.3f} s  {task}")
    result = {
        "name": name,
        # Event-loop CPU per round trip (us) by kind of task (--task-cpu).
        **{f"us_{k}": 1e6 * v / done["round_trips"] for k, v in task_kinds(window).items()},
        # ... and per second of the window (ms/s: thousandths of the one core).
        **{f"ms_per_s_{k}": 1e3 * v / done["seconds"] for k, v in task_kinds(window).items()},
        "per_second": float(done["per_second"]),
        "per_cpu_s": done["round_trips"] / cpu if cpu > 0 else 0.0,
        "p99_ms": done["p99_ms"],
        "delivered_per_s": in_window / done["seconds"] if name == "consumers" else None,
        "sse_events": sum(counts),
        "round_trips": done["round_trips"],
        "system_share": (split[1] - split0[1]) / cpu if cpu > 0 else 0.0,
        **drain,
    }
    print(f"  {name}: {result}")
    return result


def mean(results: list[dict[str, Any]], key: str) -> float:
    return float(statistics.mean(r.get(key) or 0.0 for r in results))  # --no-drain: none


def summarise(results: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> str:
    bare, cons = results["bare"], results["consumers"]
    cost = 100 * (1 - mean(cons, "per_second") / mean(bare, "per_second"))
    cost_cpu = 100 * (1 - mean(cons, "per_cpu_s") / mean(bare, "per_cpu_s"))
    return (
        f"bare {mean(bare, 'per_second'):,.0f} RT/s ({mean(bare, 'per_cpu_s'):,.0f}/CPU-s); "
        f"with {ATTACH['webhooks']} webhooks + {ATTACH['readers']} SSE readers "
        f"{mean(cons, 'per_second'):,.0f} RT/s ({mean(cons, 'per_cpu_s'):,.0f}/CPU-s): "
        f"cost {cost:.1f} % of RT/s, {cost_cpu:.1f} % of RT per server CPU-s; "
        f"deliveries {mean(cons, 'delivered_per_s'):,.0f}/s during the load, then a backlog of "
        f"{mean(cons, 'backlog'):,.0f} delivered at {mean(cons, 'drain_per_s'):,.0f}/s "
        f"({mean(cons, 'drain_per_cpu_s'):,.0f} per server CPU-s) in "
        f"{mean(cons, 'drain_s'):.1f} s; SSE events read {mean(cons, 'sse_events'):,.0f}"
    )


def rows(results: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> list[Any]:
    bare, cons = results["bare"], results["consumers"]
    cost = 100 * (1 - mean(cons, "per_second") / mean(bare, "per_second"))
    cost_cpu = 100 * (1 - mean(cons, "per_cpu_s") / mean(bare, "per_cpu_s"))
    return [
        common.Row(
            f"StatusNotification, {args.chargers} chargers, bare",
            f"{mean(bare, 'per_second'):,.0f} RT/s ({mean(bare, 'per_cpu_s'):,.0f} RT/CPU-s)",
            "-",
            "-",
        ),
        common.Row(
            f"... with {ATTACH['webhooks']} webhooks + {ATTACH['readers']} SSE readers",
            f"{mean(cons, 'per_second'):,.0f} RT/s ({mean(cons, 'per_cpu_s'):,.0f} RT/CPU-s), "
            f"cost {cost:.1f} % (per CPU-s {cost_cpu:.1f} %)",
            "cost ≤ 10 %",
            "yes" if cost <= 10 else "no",
        ),
        common.Row(
            "webhook deliveries to a local receiver",
            f"{mean(cons, 'drain_per_s'):,.0f}/s ({mean(cons, 'drain_per_cpu_s'):,.0f} per "
            f"server CPU-s) once the load stops; {mean(cons, 'delivered_per_s'):,.0f}/s during it",
            "-",
            "-",
            f"backlog {mean(cons, 'backlog'):,.0f} deliveries, drained in "
            f"{mean(cons, 'drain_s'):.1f} s",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chargers", type=int, default=100)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--client", choices=["sansio", "trio-websocket"], default="sansio")
    parser.add_argument("--no-write", action="store_true", help="do not touch PERFORMANCE.md")
    parser.add_argument(
        "--no-drain", action="store_true", help="skip the backlog's drain (quicker A/B rounds)"
    )
    parser.add_argument(
        "--paced", type=float, help="StatusNotifications/s in total (open loop) instead"
    )
    parser.add_argument(
        "--task-cpu", action="store_true", help="CPU time per task kind (bench/task_cpu.py)"
    )
    parser.add_argument("--webhooks", type=int, default=WEBHOOKS)
    parser.add_argument("--readers", type=int, default=SSE_READERS)
    parser.add_argument("--only", choices=["bare", "consumers"], action="append")
    parser.add_argument("--source", type=Path, help="run the server from this source tree")
    parser.add_argument(
        "--profile-dir", help="profile the server under py-spy (each run's own file)"
    )
    args = parser.parse_args(argv)
    ATTACH.update(webhooks=args.webhooks, readers=args.readers)
    args.server_wrapper = os.environ.get("EV_WRAPPER")
    if args.task_cpu:
        args.server_wrapper = Path(__file__).resolve().parent / "task_cpu.py"
    if args.source is not None:
        common.SOURCE = args.source.resolve()
    if common.taskset(common.CLIENT_CPU):
        # The receiver and the SSE readers (threads of this process) keep off the server's CPU.
        os.sched_setaffinity(0, {int(common.CLIENT_CPU)})
    with tempfile.TemporaryDirectory(prefix="capacitor-events-bench-") as tmp:
        workdir = Path(tmp)
        template = common.make_template(args.chargers, workdir)
        results: dict[str, list[dict[str, Any]]] = {"bare": [], "consumers": []}
        for _ in range(args.repeats):
            for name in args.only or ("bare", "consumers"):
                print(f"{name}: {args.chargers} chargers, {args.duration:.0f} s closed loop")
                results[name].append(run(name, args, workdir, template))
    if args.only:
        return 0  # no comparison to make
    summary = summarise(results, args)
    print(summary)
    if not args.no_write:
        common.append_performance("Events: journal, webhooks, SSE (issue 14)", rows(results, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
